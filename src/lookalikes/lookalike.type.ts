import { Field, Float, ID, InputType, ObjectType } from 'type-graphql';

@InputType({ description: 'The seed of a lookalike query: a segment, or profiles by id (exactly one).' })
export class LookalikeSeed {
  @Field(() => ID, { nullable: true })
  segmentId?: string | null;

  @Field(() => [ID], {
    nullable: true,
    description: 'Merged-away ids resolve to the profile they went into.',
  })
  profileIds?: string[] | null;
}

@ObjectType({ simpleResolvers: true })
export class LookalikeMatch {
  /** Resolved through the profile loader. */
  profileId!: string;

  @Field(() => Float, { description: 'Similarity in [0,1].' })
  score!: number;

  @Field(() => [String], {
    description:
      "What the match shares with the seed, for example 'tag Interest/Running', 'bought Trail Shoe X'.",
  })
  reasons!: string[];
}
