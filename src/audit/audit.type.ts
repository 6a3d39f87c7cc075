import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { PageInfo } from '../common/connection';

@ObjectType({
  simpleResolvers: true,
  description: 'Who did what: a mutation, a read of personal data, an erasure.',
})
export class AuditEntry {
  @Field(() => ID)
  id!: string;

  @Field()
  at!: Date;

  @Field({ description: 'The key id, `admin-key`, or `jwt:<issuer>:<subject>`; `anonymous` when none.' })
  actor!: string;

  @Field(() => String, { nullable: true })
  role!: string | null;

  @Field({ description: 'The operation, e.g. Mutation.forgetProfile or Query.profile.' })
  action!: string;

  @Field(() => String, { nullable: true, description: 'What it was about (ids; identifier values masked).' })
  target!: string | null;

  @Field({ description: 'ok, or the error code it ended with.' })
  outcome!: string;

  @Field(() => GraphQLJSON, { nullable: true })
  details!: unknown;
}

@ObjectType({ simpleResolvers: true })
export class AuditEntryEdge {
  @Field()
  cursor!: string;

  @Field(() => AuditEntry)
  node!: AuditEntry;
}

@ObjectType({ simpleResolvers: true })
export class AuditEntryConnection {
  @Field(() => [AuditEntryEdge])
  edges!: AuditEntryEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
