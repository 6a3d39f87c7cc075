import { defineQueries } from '../db/cypher';
import type { Executor } from '../db/executor';
import { toDate } from '../common/scalars';
import { JobState, type Job } from './job.type';

const Q = defineQueries('jobs', [
  'create-job',
  'update-job',
  'jobs-by-ids',
  'recent-jobs',
  'fail-abandoned-jobs',
  'latest-job-for',
] as const);

function toJob(row: unknown): Job {
  const j = row as Record<string, unknown>;
  const total = (j.total as number | null) ?? null;
  const done = (j.done as number) ?? 0;
  return {
    id: j.id as string,
    kind: j.kind as string,
    state: j.state as JobState,
    total,
    done,
    progress: total ? Math.min(1, done / total) : j.state === JobState.SUCCEEDED ? 1 : null,
    message: (j.message as string | null) ?? null,
    error: (j.error as string | null) ?? null,
    startedAt: toDate(j.startedAt) ?? new Date(0),
    finishedAt: toDate(j.finishedAt),
  };
}

export class JobsRepository {
  constructor(private readonly executor: Executor) {}

  async create(
    id: string,
    kind: string,
    total: number | null,
    message: string | null,
    subject: string | null,
  ): Promise<Job> {
    const [row] = await this.executor.write(Q.createJob, {
      id,
      kind,
      total,
      message,
      subject,
      now: Date.now(),
    });
    return toJob(row!.job);
  }

  async update(
    id: string,
    fields: {
      done: number;
      total?: number | null;
      state: JobState;
      message?: string | null;
      error?: string | null;
    },
  ): Promise<void> {
    await this.executor.write(Q.updateJob, {
      id,
      done: fields.done,
      total: fields.total ?? null,
      state: fields.state,
      message: fields.message ?? null,
      error: fields.error ?? null,
      now: Date.now(),
      finished: fields.state !== JobState.RUNNING,
    });
  }

  async byIds(ids: readonly string[]): Promise<Array<Job | null>> {
    const rows = await this.executor.read(Q.jobsByIds, { ids });
    const byId = new Map(rows.map((row) => [(row.job as { id: string }).id, toJob(row.job)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async latestFor(subject: string): Promise<Job | null> {
    const [row] = await this.executor.read(Q.latestJobFor, { subject });
    return row ? toJob(row.job) : null;
  }

  async recent(kind: string | null, first: number): Promise<Job[]> {
    return (await this.executor.read(Q.recentJobs, { kind, first })).map((row) => toJob(row.job));
  }

  async failAbandoned(before: number): Promise<number> {
    const [row] = await this.executor.write(Q.failAbandonedJobs, { before, now: Date.now() });
    return (row?.failed as number) ?? 0;
  }
}
