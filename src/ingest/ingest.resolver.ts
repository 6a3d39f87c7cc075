import { Authorized, Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../server/context';
import { EventInput } from './event.input';
import { IngestResult } from './ingest.type';

@Resolver()
export class IngestResolver {
  @Authorized('ingest:write')
  @Mutation(() => IngestResult, {
    description: 'Applies Segment-spec events; bad events are rejected one by one, duplicates applied once.',
  })
  ingest(
    @Arg('events', () => [EventInput]) events: EventInput[],
    @Ctx() ctx: Context,
  ): Promise<IngestResult> {
    return ctx.services.ingest.ingest(
      events.map((event) => ({ ...stripNulls(event), type: event.type.toLowerCase() })),
    );
  }
}

/** GraphQL gives absent optional fields as undefined or null; the Segment shape only knows absent. */
function stripNulls(event: EventInput): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(event).filter(([, value]) => value !== null && value !== undefined),
  );
}
