import { randomUUID } from 'node:crypto';
import type { Logger } from '../common/logger';
import { checkPageSize } from '../common/connection';
import { JobState, type Job } from './job.type';
import type { JobsRepository } from './jobs.repository';

/** What a job's work reports as it goes. */
export interface JobProgress {
  /** Sets the total units of work once known. */
  total(total: number): void;
  /** Adds `n` finished units; written at most once a second. */
  advance(n: number): Promise<void>;
}

/** A job whose progress writes stopped this long ago is considered abandoned (its process died). */
const ABANDONED_AFTER_MS = 10 * 60_000;

/** What a job's next progress report throws once its API instance is stopping. */
class JobInterrupted extends Error {}

/**
 * Long-running work with progress recorded in the graph, so any API instance can report it. The work runs in
 * this process after `start` returns; its failure is recorded on the job, never thrown to the caller.
 */
export class JobsService {
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly repository: JobsRepository,
    private readonly logger: Logger,
    private readonly maxPageSize: number,
  ) {}

  /** Starts `work` as a job; `subject` names what it works on (e.g. `segment:<id>`) for `latestFor`. */
  async start(
    kind: string,
    message: string | null,
    work: (progress: JobProgress) => Promise<string | void>,
    subject: string | null = null,
  ): Promise<Job> {
    const job = await this.repository.create(randomUUID(), kind, null, message, subject);
    let done = 0;
    let total: number | null = null;
    let lastWrite = Date.now();
    const progress: JobProgress = {
      total: (n) => {
        total = n;
      },
      advance: async (n) => {
        if (this.stopping) {
          throw new JobInterrupted(
            `interrupted after ${done} of ${total ?? 'an unknown number of'} units: the API instance running it stopped; start it again`,
          );
        }
        done += n;
        if (Date.now() - lastWrite > 1000) {
          lastWrite = Date.now();
          await this.repository.update(job.id, { done, total, state: JobState.RUNNING });
        }
      },
    };
    const run = (async () => {
      try {
        const summary = await work(progress);
        await this.repository.update(job.id, {
          done,
          total,
          state: JobState.SUCCEEDED,
          message: summary ?? null,
        });
      } catch (error) {
        this.logger.error('job failed', { job: job.id, kind, error });
        await this.repository
          .update(job.id, {
            done,
            total,
            state: JobState.FAILED,
            error: error instanceof Error ? error.message : String(error),
          })
          .catch(() => undefined);
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return job;
  }

  job(id: string): Promise<Job | null> {
    return this.repository.byIds([id]).then(([job]) => job ?? null);
  }

  /** The most recent job about `subject`. */
  latestFor(subject: string): Promise<Job | null> {
    return this.repository.latestFor(subject);
  }

  jobs(kind: string | null, first: number): Promise<Job[]> {
    checkPageSize(first, this.maxPageSize);
    return this.repository.recent(kind, first);
  }

  /** Marks as failed the jobs a stopped process left running (called at start-up). */
  failAbandoned(): Promise<number> {
    return this.repository.failAbandoned(Date.now() - ABANDONED_AFTER_MS);
  }

  /** Resolves when every job started by this process has finished (tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /**
   * Shutdown: the running jobs stop at their next progress report (between batches, each committed), are
   * recorded as FAILED with the reason, and this resolves once they have. A job over a large graph can take
   * minutes, longer than a process manager waits after SIGTERM.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.idle();
  }
}
