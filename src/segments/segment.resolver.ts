import {
  Authorized,
  Arg,
  Ctx,
  Extensions,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { PortraitError, notFound } from '../common/errors';
import { mapStream } from '../common/streams';
import { can } from '../security/viewer';
import { Job } from '../jobs/job.type';
import { ProfileConnection } from '../profiles/profile.type';
import type { SegmentChangeRecord } from '../profiles/profile-changes';
import type { Context } from '../server/context';
import { STREAM_ONLY_ARGUMENTS } from '../server/subscriptions';
import { Tag } from '../tags/tag.type';
import {
  MembershipChange,
  Segment,
  SegmentBreakdownRow,
  SegmentMembershipChange,
  SegmentOverlap,
  SegmentPurpose,
  SegmentSizePoint,
} from './segment.type';

const changes = new WeakMap<SegmentChangeRecord, SegmentMembershipChange>();

/** One change per record: every subscriber given the same record from the bus gets the same object, whose
 * result is then resolved once for all whose result is the same (server/subscriptions.ts). */
function toChange(record: SegmentChangeRecord): SegmentMembershipChange {
  let change = changes.get(record);
  if (!change) {
    change = {
      cursor: String(record.seq),
      segmentId: record.segmentId,
      profileId: record.profileId,
      change: record.change as MembershipChange,
      at: new Date(record.at),
    };
    changes.set(record, change);
  }
  return change;
}

@Resolver(() => Segment)
export class SegmentResolver {
  @Authorized('segments:read')
  @Query(() => Segment, { nullable: true })
  async segment(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Segment | null> {
    const segment = await ctx.loaders.segments.segment.load(id);
    return segment && !segment.deleted ? segment : null;
  }

  @Authorized('segments:read')
  @Query(() => [Segment])
  segments(@Ctx() ctx: Context): Promise<Segment[]> {
    return ctx.services.segments.all();
  }

  @Authorized('segments:write')
  @Mutation(() => Segment, {
    description:
      'Creates a segment from a rule; its members are computed over all profiles by a job (Segment.evaluation).',
  })
  async createSegment(
    @Arg('name') name: string,
    @Arg('rule', () => GraphQLJSON) rule: unknown,
    @Arg('description', () => String, { nullable: true }) description: string | null,
    @Arg('purpose', () => SegmentPurpose, { nullable: true, defaultValue: SegmentPurpose.MARKETING })
    purpose: SegmentPurpose | null,
    @Ctx() ctx: Context,
  ): Promise<Segment> {
    return (
      await ctx.services.segments.create(name, rule, description ?? null, purpose ?? SegmentPurpose.MARKETING)
    ).segment;
  }

  @Authorized('segments:write')
  @Mutation(() => Segment, {
    description: 'Renames a segment or changes its rule (re-evaluated by a job: Segment.evaluation).',
  })
  async updateSegment(
    @Arg('id', () => ID) id: string,
    @Arg('name', () => String, { nullable: true }) name: string | null,
    @Arg('rule', () => GraphQLJSON, { nullable: true }) rule: unknown,
    @Arg('description', () => String, { nullable: true }) description: string | null,
    @Arg('purpose', () => SegmentPurpose, { nullable: true }) purpose: SegmentPurpose | null,
    @Ctx() ctx: Context,
  ): Promise<Segment> {
    return (await ctx.services.segments.update(id, { name, rule, description, purpose })).segment;
  }

  @FieldResolver(() => Job, {
    nullable: true,
    description: 'The latest evaluation of the rule over all profiles, with its progress.',
  })
  evaluation(@Root() segment: Segment, @Ctx() ctx: Context): Promise<Job | null> {
    return ctx.services.jobs.latestFor(`segment:${segment.id}`);
  }

  @Authorized('segments:write')
  @Mutation(() => Boolean, {
    description: 'Deletes a segment; its members exit (logged and streamed). False if unknown.',
  })
  deleteSegment(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.segments.delete(id);
  }

  @Authorized('profiles:read')
  @FieldResolver(() => ProfileConnection)
  members(
    @Root() segment: Segment,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<ProfileConnection> {
    return ctx.services.segments.members(segment.id, first ?? 20, after);
  }

  @FieldResolver(() => [SegmentSizePoint], {
    description: 'Size at the end of each of the last `days` days (UTC).',
  })
  sizeHistory(
    @Root() segment: Segment,
    @Arg('days', () => Int, { nullable: true, defaultValue: 30 }) days: number | null,
    @Ctx() ctx: Context,
  ): Promise<SegmentSizePoint[]> {
    return ctx.services.segments.sizeHistory(segment.id, days ?? 30);
  }

  @FieldResolver(() => SegmentOverlap, { description: 'Overlap with another segment.' })
  async overlap(
    @Root() segment: Segment,
    @Arg('segmentId', () => ID) segmentId: string,
    @Ctx() ctx: Context,
  ): Promise<SegmentOverlap> {
    const overlap = await ctx.services.segments.overlap(segment.id, segmentId);
    if (!overlap) throw notFound(`no segment ${segmentId}`, { argument: 'segmentId' });
    return overlap;
  }

  @FieldResolver(() => [SegmentBreakdownRow], {
    description: 'Members counted by the tags of a tag category (and below).',
  })
  async breakdown(
    @Root() segment: Segment,
    @Arg('categoryId', () => ID) categoryId: string,
    @Ctx() ctx: Context,
  ): Promise<SegmentBreakdownRow[]> {
    const catalogue = await ctx.loaders.tags.catalogue();
    if (!catalogue.categories.some((c) => c.id === categoryId))
      throw notFound(`no tag category ${categoryId}`, { argument: 'categoryId' });
    return ctx.services.segments.breakdown(segment, categoryId);
  }

  @Authorized('segments:read')
  // The arguments choose the changes; each change resolves to itself whatever they are.
  @Extensions({ [STREAM_ONLY_ARGUMENTS]: true })
  @Subscription(() => SegmentMembershipChange, {
    description:
      'Membership changes of one segment, or of all when segmentId is null; `after` replays from a cursor first.',
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      // @Authorized guards each delivered change; the stream itself must not start for others either.
      if (!can(ctx.viewer, 'segments:read'))
        throw new PortraitError('FORBIDDEN', 'subscribing needs segments:read');
      const stream = await ctx.services.segments.subscribe(
        (args.segmentId as string | null) ?? null,
        args.after as string | null,
      );
      return mapStream(stream, toChange);
    },
  })
  segmentMembershipChanged(
    @Root() change: SegmentMembershipChange,
    @Arg('segmentId', () => ID, { nullable: true }) _segmentId: string | null,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
  ): SegmentMembershipChange {
    return change;
  }
}

@Resolver(() => SegmentMembershipChange)
export class SegmentMembershipChangeResolver {
  @FieldResolver(() => Segment)
  async segment(@Root() change: SegmentMembershipChange, @Ctx() ctx: Context): Promise<Segment> {
    const segment = await ctx.loaders.segments.segment.load(change.segmentId);
    if (!segment) throw notFound(`no segment ${change.segmentId}`);
    return segment;
  }
}

@Resolver(() => SegmentBreakdownRow)
export class SegmentBreakdownRowResolver {
  @FieldResolver(() => Tag)
  async tag(@Root() row: SegmentBreakdownRow, @Ctx() ctx: Context): Promise<Tag> {
    const tag = (await ctx.loaders.tags.catalogue()).tags.find((t) => t.id === row.tagId);
    if (!tag) throw notFound(`no tag ${row.tagId}`);
    return tag;
  }
}
