import { Authorized, Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { checkPageSize } from '../common/connection';
import type { Context } from '../server/context';
import { IdentityLink } from './identifier.type';
import { IdentifierInput } from './identity.input';
import {
  ConflictedIdentifier,
  EvidenceErasure,
  IdentityDryRun,
  IdentityHealth,
  IdentityRules,
  IdentityRulesInput,
  IdentityRulesUpdate,
  ProfileSize,
  SharedIdentifier,
} from './identity-rules.type';

@Resolver()
export class IdentityResolver {
  @Authorized('profiles:read')
  @Query(() => [IdentityLink], {
    nullable: true,
    description:
      'The chain of evidence that makes two identifiers one profile; null when they are not joined.',
  })
  identityPath(
    @Arg('from', () => IdentifierInput) from: IdentifierInput,
    @Arg('to', () => IdentifierInput) to: IdentifierInput,
    @Ctx() ctx: Context,
  ): Promise<IdentityLink[] | null> {
    return ctx.services.identity.explain(from, to);
  }

  @Authorized('identity:admin')
  @Query(() => IdentityRules, { description: 'The identity rules in force.' })
  identityRules(@Ctx() ctx: Context): Promise<IdentityRules> {
    return ctx.services.identity.refreshRules();
  }

  @Authorized('identity:admin')
  @Mutation(() => IdentityRulesUpdate, {
    description:
      'Replaces the identity rules and recomputes the profiles they affect (a job reports progress).',
  })
  async setIdentityRules(
    @Arg('rules', () => IdentityRulesInput) rules: IdentityRulesInput,
    @Ctx() ctx: Context,
  ): Promise<IdentityRulesUpdate> {
    const { config, job } = await ctx.services.identity.setRules(withoutNulls(rules));
    return { rules: config, job };
  }

  @Authorized('identity:admin')
  @Query(() => IdentityDryRun, {
    description: 'How the partition into profiles would change under proposed rules.',
  })
  identityDryRun(
    @Arg('rules', () => IdentityRulesInput) rules: IdentityRulesInput,
    @Ctx() ctx: Context,
  ): Promise<IdentityDryRun> {
    return ctx.services.identity.dryRun(withoutNulls(rules));
  }

  @Authorized('identity:admin')
  @Query(() => IdentityHealth, {
    description: 'Totals, largest profiles, shared and conflicted identifiers.',
  })
  identityHealth(@Ctx() ctx: Context): Promise<IdentityHealth> {
    return ctx.services.identity.healthCounts();
  }

  @Authorized('identity:admin')
  @Mutation(() => EvidenceErasure, {
    description:
      'Erases the identity evidence of events; profiles they bridged split again. Replays cannot restore it.',
  })
  eraseEvidence(
    @Arg('messageIds', () => [ID]) messageIds: string[],
    @Ctx() ctx: Context,
  ): Promise<EvidenceErasure> {
    return ctx.services.identity.eraseEvidence(messageIds);
  }
}

@Resolver(() => IdentityHealth)
export class IdentityHealthResolver {
  @FieldResolver(() => [ProfileSize], { description: 'The profiles with the most identifiers.' })
  async largestProfiles(
    @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<ProfileSize[]> {
    const rows = await ctx.services.identity.largestProfiles(
      checkPageSize(first ?? 10, ctx.config.MAX_PAGE_SIZE),
    );
    return rows.map((row) => ({ profileId: row.id, identifiers: row.size }));
  }

  @FieldResolver(() => [SharedIdentifier])
  sharedIdentifiers(
    @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<SharedIdentifier[]> {
    return ctx.services.identity.sharedIdentifiers(checkPageSize(first ?? 10, ctx.config.MAX_PAGE_SIZE));
  }

  @FieldResolver(() => [ConflictedIdentifier], {
    description: 'Identifiers whose evidence a namespace limit refused, worst first.',
  })
  conflictedIdentifiers(
    @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<ConflictedIdentifier[]> {
    return ctx.services.identity.conflictedIdentifiers(checkPageSize(first ?? 10, ctx.config.MAX_PAGE_SIZE));
  }
}

/** GraphQL gives omitted optional input fields as null; the rules parser fills defaults only for absent ones. */
function withoutNulls(input: IdentityRulesInput): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== null && value !== undefined),
  );
}
