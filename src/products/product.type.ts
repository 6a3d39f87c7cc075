import { Field, Float, ID, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'A product seen in e-commerce events.' })
export class Product {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Path in the category tree, for example Sports/Running/Shoes.',
  })
  category!: string | null;

  @Field(() => Float, { nullable: true })
  price!: number | null;

  @Field(() => String, { nullable: true })
  brand!: string | null;
}
