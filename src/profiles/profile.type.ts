import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { PageInfo } from '../common/connection';

@ObjectType({
  simpleResolvers: true,
  description: 'One person: the identifiers stitched together, with what is known of them.',
})
export class Profile {
  @Field(() => ID)
  id!: string;

  @Field(() => GraphQLJSON, {
    description:
      'Traits merged from every identity of the profile (the newest value wins unless a namespace is ranked higher).',
  })
  traits!: Record<string, unknown>;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Time of the earliest event of any of its identifiers.' })
  firstSeen!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Time of the latest event of any of its identifiers.' })
  lastSeen!: Date | null;

  @Field(() => String, { nullable: true, description: 'NEW, ACTIVE, AT_RISK, DORMANT or CHURNED.' })
  lifecycleStage!: string | null;

  /** Stored by the models; `rfm` is derived from it when asked. */
  metrics!: { orders: number; monetary: number; lastOrderAt: number | null; rfmScore: string | null };
}

@ObjectType({
  simpleResolvers: true,
  description: "Recency, frequency and monetary value of a profile's orders, with quintile scores.",
})
export class Rfm {
  @Field(() => Int, { nullable: true, description: 'Whole days since the last order; null without orders.' })
  recencyDays!: number | null;

  @Field(() => Int, { description: 'Number of orders.' })
  frequency!: number;

  @Field(() => Float, { description: 'Total order value.' })
  monetary!: number;

  @Field(() => String, { nullable: true, description: 'Quintile scores, for example R5F3M4.' })
  score!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class ProfileEdge {
  @Field()
  cursor!: string;

  @Field(() => Profile)
  node!: Profile;
}

@ObjectType({ simpleResolvers: true })
export class ProfileConnection {
  @Field(() => [ProfileEdge])
  edges!: ProfileEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}
