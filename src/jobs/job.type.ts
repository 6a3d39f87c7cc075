import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum JobState {
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(JobState, { name: 'JobState' });

@ObjectType({
  simpleResolvers: true,
  description:
    'Long-running work (a segment evaluated over all profiles, identities recomputed after a rule change).',
})
export class Job {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'What the job does, e.g. identity.recompute, segment.evaluate.' })
  kind!: string;

  @Field(() => JobState)
  state!: JobState;

  @Field(() => Int, { nullable: true, description: 'Units of work in all, when known.' })
  total!: number | null;

  @Field(() => Int)
  done!: number;

  @Field(() => Float, { nullable: true, description: 'done / total in [0,1], when the total is known.' })
  progress!: number | null;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field()
  startedAt!: Date;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}
