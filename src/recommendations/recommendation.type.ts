import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({
  simpleResolvers: true,
  description:
    'Association between two products from co-interactions: support is the number of profiles with both.',
})
export class ProductRelation {
  /** Resolved through the product loader. */
  productId!: string;

  @Field(() => Float, {
    description:
      'Strength in [0,1]: cosine of the two products’ engagement over profiles (purchases 5, cart adds 3, views 1, recent above old), damped when few profiles back it.',
  })
  score!: number;

  @Field(() => Int, { description: 'Profiles engaged with both products.' })
  support!: number;

  @Field(() => Float, {
    description: 'Share of the profiles engaged with this product that engaged with the other.',
  })
  confidence!: number;

  @Field(() => Float, {
    description:
      'Confidence over the other product’s share of all engaged profiles; above 1: together more often than by chance.',
  })
  lift!: number;
}

@ObjectType({ simpleResolvers: true })
export class ProductRecommendation {
  /** Resolved through the product loader. */
  productId!: string;

  @Field(() => Float, { description: 'Higher is better; comparable within one list only.' })
  score!: number;

  @Field({ description: "Why, in words a marketer can read: for example 'bought by 12 profiles like you'." })
  reason!: string;
}
