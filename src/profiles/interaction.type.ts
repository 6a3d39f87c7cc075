import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { PageInfo } from '../common/connection';

@ObjectType({
  simpleResolvers: true,
  description: 'Something a person did: a tracked event, a page or screen view, or one product line of one.',
})
export class Interaction {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The event name, for example Product Viewed, Product Added, Order Completed.' })
  event!: string;

  @Field()
  at!: Date;

  /** Resolved through the product loader. */
  productId!: string | null;

  @Field(() => Int, { nullable: true })
  quantity!: number | null;

  @Field(() => Float, { nullable: true })
  value!: number | null;

  @Field(() => GraphQLJSON, { nullable: true })
  properties!: Record<string, unknown> | null;
}

@ObjectType({ simpleResolvers: true })
export class InteractionEdge {
  @Field()
  cursor!: string;

  @Field(() => Interaction)
  node!: Interaction;
}

@ObjectType({ simpleResolvers: true })
export class InteractionConnection {
  @Field(() => [InteractionEdge])
  edges!: InteractionEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Whose interactions these are: totalCount (InteractionConnectionResolver) counts them when asked. */
  profileId!: string;
}
