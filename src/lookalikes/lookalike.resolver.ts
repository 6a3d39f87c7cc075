import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { notFound } from '../common/errors';
import { Profile } from '../profiles/profile.type';
import type { Context } from '../server/context';
import { Segment } from '../segments/segment.type';
import { LookalikeMatch, LookalikeSeed } from './lookalike.type';

@Resolver(() => LookalikeMatch)
export class LookalikeResolver {
  @Authorized('lookalikes:read')
  @Query(() => [LookalikeMatch], {
    description:
      'The profiles most like a seed (a segment or profiles), most alike first, with reasons; seeds and profiles that refuse personalisation are never returned.',
  })
  lookalikes(
    @Arg('seed', () => LookalikeSeed) seed: LookalikeSeed,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100 }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<LookalikeMatch[]> {
    return ctx.services.lookalikes.lookalikes(seed, first ?? 100);
  }

  @Authorized('lookalikes:write')
  @Mutation(() => Segment, {
    description:
      'Saves the lookalikes of a seed (first: 100 when not given) as a MANUAL tag in the tag category Lookalikes and a segment of that tag, filled by its evaluation job.',
  })
  saveLookalikeSegment(
    @Arg('seed', () => LookalikeSeed) seed: LookalikeSeed,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('name') name: string,
    @Ctx() ctx: Context,
  ): Promise<Segment> {
    return ctx.services.lookalikes.save(seed, first ?? null, name);
  }

  @FieldResolver(() => Profile)
  async profile(@Root() match: LookalikeMatch, @Ctx() ctx: Context): Promise<Profile> {
    const profile = await ctx.loaders.profiles.profile.load(match.profileId);
    if (!profile) throw notFound(`no profile ${match.profileId}`);
    return profile;
  }
}
