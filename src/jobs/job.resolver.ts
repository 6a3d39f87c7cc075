import { Authorized, Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../server/context';
import { Job } from './job.type';

@Resolver(() => Job)
export class JobResolver {
  @Authorized('jobs:read')
  @Query(() => Job, { nullable: true, description: 'A long-running job and its progress.' })
  job(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Job | null> {
    return ctx.services.jobs.job(id);
  }

  @Authorized('jobs:read')
  @Query(() => [Job], { description: 'Recent jobs, newest first.' })
  jobs(
    @Arg('kind', () => String, { nullable: true }) kind: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<Job[]> {
    return ctx.services.jobs.jobs(kind, first ?? 20);
  }
}
