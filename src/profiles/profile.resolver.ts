import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Identifier, IdentityChange } from '../identity/identifier.type';
import { IdentifierInput } from '../identity/identity.input';
import type { Context } from '../server/context';
import { InteractionConnection } from './interaction.type';
import { Profile, ProfileConnection } from './profile.type';

@Resolver(() => Profile)
export class ProfileResolver {
  @Query(() => Profile, {
    nullable: true,
    description:
      'A profile by id (an id merged away resolves to the survivor) or by any identifier. Exactly one argument.',
  })
  profile(
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('identifier', () => IdentifierInput, { nullable: true }) identifier: IdentifierInput | null,
    @Ctx() ctx: Context,
  ): Promise<Profile | null> {
    return ctx.services.profiles.profile(ctx.loaders.profiles, id, identifier);
  }

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

  @FieldResolver(() => [Identifier])
  identifiers(@Root() profile: Profile, @Ctx() ctx: Context): Promise<Identifier[]> {
    return ctx.loaders.profiles.identifiers.load(profile.id);
  }

  @FieldResolver(() => InteractionConnection, { description: 'Interactions, newest first.' })
  interactions(
    @Root() profile: Profile,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<InteractionConnection> {
    return ctx.services.profiles.interactions(ctx.loaders.profiles, profile.id, first ?? 20, after);
  }
}
