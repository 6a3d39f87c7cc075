import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { PortraitError, notFound } from '../common/errors';
import { can } from '../security/viewer';
import { Profile } from '../profiles/profile.type';
import type { Context } from '../server/context';
import { Consent, ConsentRecord } from './privacy.type';

@Resolver(() => Profile)
export class PrivacyResolver {
  @Authorized('privacy:admin')
  @Mutation(() => Boolean, {
    description:
      'Erase a profile with its identifiers, interactions, tags and memberships; later events with its identifiers do not bring it back. A merged-away id erases the profile it was merged into.',
  })
  forgetProfile(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.privacy.forget(id, ctx.viewer);
  }

  @Authorized('privacy:admin')
  @Query(() => GraphQLJSON, {
    nullable: true,
    description: 'Everything held about a profile, as JSON (access request).',
  })
  exportProfile(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: Context,
  ): Promise<Record<string, unknown> | null> {
    // The export is personal data in the clear: it needs pii:read as well.
    if (!can(ctx.viewer, 'pii:read'))
      throw new PortraitError('FORBIDDEN', 'exporting a profile needs pii:read as well');
    return ctx.services.privacy.export(id);
  }

  @Authorized('privacy:admin', 'consent:write')
  @Mutation(() => [Consent], {
    description: 'Records a consent decision for a profile (analytics, marketing, personalization).',
  })
  async setConsent(
    @Arg('profileId', () => ID) profileId: string,
    @Arg('purpose') purpose: string,
    @Arg('granted') granted: boolean,
    @Ctx() ctx: Context,
  ): Promise<Consent[]> {
    await ctx.services.access.checkProfileAccess(ctx, profileId, 'privacy:admin');
    return ctx.services.privacy.setConsent(profileId, purpose, granted, ctx.viewer);
  }

  @FieldResolver(() => [Consent], {
    description: 'Consent per purpose, by the profile decision or the policy default.',
  })
  async consent(@Root() profile: Profile, @Ctx() ctx: Context): Promise<Consent[]> {
    const [states] = await ctx.services.privacy.consentOf([profile.id]);
    if (!states) throw notFound(`no profile ${profile.id}`);
    return states;
  }

  @FieldResolver(() => [ConsentRecord], { description: 'Every consent decision, newest first.' })
  async consentHistory(@Root() profile: Profile, @Ctx() ctx: Context): Promise<ConsentRecord[]> {
    return (await ctx.services.privacy.consentHistory([profile.id]))[0] ?? [];
  }
}
