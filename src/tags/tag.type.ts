import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Job } from '../jobs/job.type';

export enum TagKind {
  RULE = 'RULE',
  MANUAL = 'MANUAL',
  MODEL = 'MODEL',
}
registerEnumType(TagKind, {
  name: 'TagKind',
  description:
    'RULE: computed from a rule; MANUAL: set by people; MODEL: computed by a model (interest, clusters).',
});

@ObjectType({
  simpleResolvers: true,
  description:
    'A node of the multi-level tag catalogue, for example Demographic > Age, Behaviour > Purchase, Interest, Lifecycle, Value.',
})
export class TagCategory {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  /** Resolved through the catalogue. */
  parentId!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class Tag {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  /** Resolved through the catalogue; absent on tags read along with a profile (the catalogue knows it). */
  categoryId?: string;

  @Field(() => TagKind)
  kind!: TagKind;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: "The rule that computes a RULE tag, in the project's documented rule language.",
  })
  rule!: unknown;

  @Field(() => String, { nullable: true })
  description!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class ProfileTag {
  /** Resolved through the catalogue, unless the read that found the tag brought its definition along. */
  tagId!: string;
  definition?: Tag;

  @Field(() => Float, {
    nullable: true,
    description:
      'Strength in [0,1] where the tag is graded (interest affinity, model confidence); null where it is not.',
  })
  score!: number | null;

  @Field()
  since!: Date;
}

@InputType()
export class CreateTagInput {
  @Field()
  name!: string;

  @Field(() => ID)
  categoryId!: string;

  @Field(() => TagKind, { description: 'RULE or MANUAL (MODEL tags are made by the models).' })
  kind!: TagKind;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Required for RULE tags.' })
  rule?: unknown;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType()
export class UpdateTagInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => ID, { nullable: true, description: 'Moves the tag to another category.' })
  categoryId?: string | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'A new rule (RULE tags only); the tag is re-evaluated.',
  })
  rule?: unknown;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class TagChange {
  @Field(() => Tag)
  tag!: Tag;

  @Field(() => Job, {
    nullable: true,
    description: 'The evaluation over all profiles, for a new or changed rule.',
  })
  job!: Job | null;
}

@ObjectType({ simpleResolvers: true })
export class ManualTagging {
  @Field(() => Int, { description: 'Profiles changed.' })
  profiles!: number;

  @Field(() => [String], {
    description: 'Profile ids and identifiers (namespace:value) that matched no profile.',
  })
  notFound!: string[];
}
