import { Field, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: "A profile's consent for one purpose." })
export class Consent {
  @Field({ description: 'analytics, marketing or personalization.' })
  purpose!: string;

  @Field()
  granted!: boolean;

  @Field({ description: 'True when the profile decided; false when the policy default applies.' })
  explicit!: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'One consent decision, from an identify call or the API.' })
export class ConsentRecord {
  @Field()
  purpose!: string;

  @Field()
  granted!: boolean;

  @Field()
  at!: Date;

  @Field({ description: 'event or api.' })
  source!: string;

  @Field(() => String, { nullable: true, description: 'Who recorded it through the API.' })
  actor!: string | null;
}
