import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'An event that was not applied, and why.' })
export class RejectedEvent {
  @Field(() => Int, { description: 'Position of the event in the request.' })
  index!: number;

  @Field(() => ID, { nullable: true })
  messageId!: string | null;

  @Field()
  reason!: string;
}

@ObjectType({ simpleResolvers: true })
export class IngestResult {
  @Field(() => Int, { description: 'Events applied by this request.' })
  accepted!: number;

  @Field(() => Int, {
    description: 'Events whose messageId was already ingested: applied once, never twice.',
  })
  duplicates!: number;

  @Field(() => Int, { description: 'Events dropped because they carry an identifier of an erased profile.' })
  suppressed!: number;

  @Field(() => [RejectedEvent])
  rejected!: RejectedEvent[];
}
