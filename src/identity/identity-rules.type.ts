import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { Job } from '../jobs/job.type';
import { IdentityKind } from './identifier.type';
import { Identifier } from './identifier.type';
import type { IdentityKind as Kind } from './namespaces';

@ObjectType({
  simpleResolvers: true,
  description: 'How identifiers of one namespace take part in stitching.',
})
export class NamespaceRule {
  @Field()
  namespace!: string;

  @Field(() => IdentityKind)
  kind!: Kind;

  @Field(() => Int, { description: 'Most values of this namespace one profile may hold.' })
  limit!: number;

  @Field(() => Int, {
    description: 'Lower is stronger: links touching it are applied first when limits conflict.',
  })
  priority!: number;
}

@ObjectType({ simpleResolvers: true, description: 'The identity rules in force.' })
export class IdentityRules {
  @Field(() => [NamespaceRule])
  namespaces!: NamespaceRule[];

  @Field(() => Int, {
    description: 'A device or contact point seen with more distinct accounts than this is shared.',
  })
  sharedAfterAccounts!: number;

  @Field(() => [String], {
    description: 'Values blocked besides the built-in placeholders ("", null, 0, ...).',
  })
  blockedValues!: string[];
}

@InputType()
export class NamespaceRuleInput {
  @Field()
  namespace!: string;

  @Field(() => IdentityKind)
  kind!: Kind;

  @Field(() => Int)
  limit!: number;

  @Field(() => Int)
  priority!: number;
}

@InputType({ description: 'Identity rules; namespaces not listed keep their defaults.' })
export class IdentityRulesInput {
  @Field(() => [NamespaceRuleInput], { nullable: true })
  namespaces?: NamespaceRuleInput[] | null;

  @Field(() => Int, { nullable: true })
  sharedAfterAccounts?: number | null;

  @Field(() => [String], { nullable: true })
  blockedValues?: string[] | null;
}

@ObjectType({ simpleResolvers: true })
export class IdentityRulesUpdate {
  @Field(() => IdentityRules)
  rules!: IdentityRules;

  @Field(() => Job, {
    nullable: true,
    description: 'The recomputation of affected components; null when nothing changed.',
  })
  job!: Job | null;
}

@ObjectType({ simpleResolvers: true })
export class DryRunExample {
  @Field({ description: 'A profile id, or an identifier key for identifiers in no profile yet.' })
  profileId!: string;

  @Field({ description: 'SPLIT or MERGE.' })
  change!: string;

  @Field(() => [String], { description: 'Identifiers (namespace:value) involved now.' })
  before!: string[];

  @Field(() => [[String]], { description: 'How they would be grouped.' })
  after!: string[][];
}

@ObjectType({
  simpleResolvers: true,
  description: 'How the partition into profiles would change under proposed rules (nothing is changed).',
})
export class IdentityDryRun {
  @Field(() => Int) identifiersExamined!: number;
  @Field(() => Int) profilesExamined!: number;
  @Field(() => Int) profilesSplit!: number;
  @Field(() => Int) profilesMerged!: number;
  @Field(() => Int) identifiersMoved!: number;
  @Field(() => Int) newlyShared!: number;
  @Field(() => Int) noLongerShared!: number;
  @Field(() => Int) newlyBlocked!: number;
  @Field(() => Int) noLongerBlocked!: number;
  @Field({ description: 'True when more identifiers were affected than a dry run examines (100,000).' })
  truncated!: boolean;
  @Field(() => [DryRunExample])
  examples!: DryRunExample[];
}

@ObjectType({ simpleResolvers: true })
export class ProfileSize {
  @Field()
  profileId!: string;

  @Field(() => Int)
  identifiers!: number;
}

@ObjectType({ simpleResolvers: true })
export class SharedIdentifier {
  @Field(() => Identifier)
  identifier!: Identifier;

  @Field(() => Int, { description: 'Account profiles it serves.' })
  profiles!: number;
}

@ObjectType({ simpleResolvers: true })
export class ConflictedIdentifier {
  @Field(() => Identifier)
  identifier!: Identifier;

  @Field(() => String, { nullable: true })
  profileId!: string | null;
}

@ObjectType({
  simpleResolvers: true,
  description: 'The state of the identity graph, for the people who run it.',
})
export class IdentityHealth {
  @Field(() => Int) profiles!: number;
  @Field(() => Int) identifiers!: number;
  @Field(() => Int, { description: 'Shared devices and contact points.' }) shared!: number;
  @Field(() => Int, { description: 'Identifiers with evidence a namespace limit refused.' })
  conflicted!: number;
  @Field(() => Int, { description: 'Profile ids merged away (they resolve to survivors).' }) merged!: number;
}

@ObjectType({ simpleResolvers: true })
export class EvidenceErasure {
  @Field(() => [String], { description: 'Events whose evidence was erased.' })
  erased!: string[];

  @Field(() => [String], { description: 'Ids never ingested, or erased before.' })
  unknown!: string[];

  @Field(() => [String], { description: 'Profiles whose identifiers changed.' })
  profiles!: string[];
}
