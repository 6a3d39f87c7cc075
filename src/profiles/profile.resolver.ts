import type { GraphQLResolveInfo } from 'graphql';
import { Authorized, Arg, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import { Identifier, IdentityChange } from '../identity/identifier.type';
import { IdentifierInput } from '../identity/identity.input';
import { Segment } from '../segments/segment.type';
import type { Context } from '../server/context';
import { ProfileTag } from '../tags/tag.type';
import { InteractionConnection } from './interaction.type';
import { planProfileView, selectsProperties } from './profile-view';
import { Profile, ProfileConnection, Rfm } from './profile.type';

@Resolver(() => Profile)
export class ProfileResolver {
  @Authorized('profiles:read', 'profiles:read:own')
  @Query(() => Profile, {
    nullable: true,
    description:
      'A profile by id (an id merged away resolves to the survivor) or by any identifier. Exactly one argument.',
  })
  async profile(
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('identifier', () => IdentifierInput, { nullable: true }) identifier: IdentifierInput | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Profile | null> {
    const plan = planProfileView(info, ctx.services.profiles.maxPageSize);
    const profile = await ctx.services.profiles.profile(ctx.loaders.profiles, id, identifier, {
      loader: ctx.loaders.profileViews,
      plan,
    });
    return ctx.services.access.visible(ctx, profile, 'profiles:read');
  }

  @Authorized('profiles:read')
  @Query(() => ProfileConnection, { description: 'All profiles, in id order.' })
  profiles(
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<ProfileConnection> {
    return ctx.services.profiles.profiles(first ?? 20, after);
  }

  @FieldResolver(() => [ID], {
    description: 'Ids of profiles that were merged into this one; querying one of them returns this profile.',
  })
  mergedIds(@Root() profile: Profile, @Ctx() ctx: Context): Promise<string[]> {
    return ctx.loaders.profiles.mergedIds.load(profile.id);
  }

  @FieldResolver(() => [IdentityChange], {
    description:
      'How this profile came to be: merges into it and splits off it, newest first, with the event that caused each merge.',
  })
  mergeHistory(@Root() profile: Profile, @Ctx() ctx: Context): Promise<IdentityChange[]> {
    return ctx.loaders.profiles.changes.load(profile.id);
  }

  @FieldResolver(() => Rfm, { nullable: true })
  rfm(@Root() profile: Profile): Rfm {
    const { orders, monetary, lastOrderAt, rfmScore } = profile.metrics;
    return {
      recencyDays:
        lastOrderAt === null ? null : Math.max(0, Math.floor((Date.now() - lastOrderAt) / 86_400_000)),
      frequency: orders,
      monetary,
      score: rfmScore,
    };
  }

  @FieldResolver(() => [ProfileTag])
  tags(@Root() profile: Profile, @Ctx() ctx: Context): Promise<ProfileTag[]> {
    return Promise.resolve(
      ctx.loaders.viewParts.of(profile, 'tags') ?? ctx.loaders.tags.tagsOfProfile.load(profile.id),
    );
  }

  @FieldResolver(() => [Segment])
  async segments(@Root() profile: Profile, @Ctx() ctx: Context): Promise<Segment[]> {
    const read = ctx.loaders.viewParts.of(profile, 'segments');
    if (read) return read;
    const ids = await ctx.loaders.segments.segmentsOfProfile.load(profile.id);
    const segments = await ctx.loaders.segments.segment.loadMany(ids);
    return segments.filter((s): s is Segment => s !== null && !(s instanceof Error));
  }

  @FieldResolver(() => [Identifier])
  identifiers(@Root() profile: Profile, @Ctx() ctx: Context): Promise<Identifier[]> {
    return Promise.resolve(
      ctx.loaders.viewParts.of(profile, 'identifiers') ?? ctx.loaders.profiles.identifiers.load(profile.id),
    );
  }

  @FieldResolver(() => InteractionConnection, { description: 'Interactions, newest first.' })
  interactions(
    @Root() profile: Profile,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<InteractionConnection> {
    const { profiles } = ctx.services;
    return profiles.interactions(
      ctx.loaders.profiles,
      profile.id,
      first ?? 20,
      after,
      selectsProperties(info),
    );
  }
}
