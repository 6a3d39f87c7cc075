import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Context } from '../server/context';
import { Segment } from './segment.type';

/** A segment's size, counted only when a query asks for it and the read that found the segment did not. */
@Resolver(() => Segment)
export class SegmentSizeResolver {
  @FieldResolver(() => Int, { description: 'Members now.' })
  size(@Root() segment: Segment, @Ctx() ctx: Context): number | Promise<number> {
    return segment.size ?? ctx.loaders.segments.size.load(segment.id);
  }
}
