import { Field, ID, InputType, ObjectType } from 'type-graphql';

@ObjectType({
  simpleResolvers: true,
  description: 'An API key for a service or tracker. Its secret is shown once, when it is created.',
})
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'admin, marketer, app, recommender, dashboard or tracker.' })
  role!: string;

  @Field(() => [String], { description: 'Extra permissions on top of the role, e.g. pii:read.' })
  scopes!: string[];

  @Field(() => String, { nullable: true })
  createdBy!: string | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;
}

@ObjectType({ simpleResolvers: true })
export class CreatedApiKey {
  @Field(() => ApiKey)
  key!: ApiKey;

  @Field({
    description:
      'The key to send as `Authorization: Bearer <key>` (or as the Basic user name on /v1/*). Shown only now.',
  })
  secret!: string;
}

@InputType()
export class CreateApiKeyInput {
  @Field()
  name!: string;

  @Field()
  role!: string;

  @Field(() => [String], { nullable: true })
  scopes?: string[] | null;
}
