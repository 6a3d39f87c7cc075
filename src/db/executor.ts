import { Neo4jError, type Driver, type Transaction } from 'neo4j-driver';
import type { Logger } from '../common/logger';
import { PortraitError } from '../common/errors';
import type { CypherQuery } from './cypher';

export type Params = Record<string, unknown>;
export type Row = Record<string, unknown>;

/** One statement run, as seen by listeners (tests count round trips with it; logs time slow ones). */
export interface QueryEvent {
  query: string;
  transaction: string;
  mode: 'READ' | 'WRITE';
  ms: number;
  rows: number;
}

/** The statements of one transaction. */
export interface TxRunner {
  run(query: CypherQuery, params?: Params): Promise<Row[]>;
  /**
   * Queues `work` to run in this transaction after the transaction's own work has returned, right before the
   * commit (in the order queued). Meant for writes that every writer contends for, such as a global counter:
   * done last, their lock is held only while the transaction commits. A retried transaction queues again.
   */
  beforeCommit(work: () => Promise<void>): void;
}

const unavailable = new Set([
  'ServiceUnavailable',
  'SessionExpired',
  'Neo.TransientError.General.DatabaseUnavailable',
  'Neo.ClientError.Database.DatabaseNotFound',
]);

/** `Retry-After` of the errors below: how long an unreachable database or a burst of contention lasts. */
const RETRY_UNAVAILABLE_SECONDS = 5;
const RETRY_TRANSIENT_SECONDS = 1;

/** The first pause before a transient failure is tried again, and the longest (the pause doubles). */
const FIRST_RETRY_DELAY_MS = 20;
const MAX_RETRY_DELAY_MS = 1_000;

/**
 * Starts a statement (`run` creates the driver's Result) without the stack trace the driver captures for
 * every result, so that its errors point at the caller: the driver formats that trace eagerly, which cost 4 %
 * of the CPU time of a profile read. Portrait's errors name their statement instead (Executor.translate).
 */
function withoutCallerStack<T>(run: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return run();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * The one way Portrait talks to Neo4j. Every statement runs in a transaction (or an auto-commit read) tagged
 * with the operation name and tried again on transient failures such as deadlocks, and Neo4j's errors become
 * typed errors: unavailability, transient failures that outlasted the retries (TRANSIENT_ERROR, 503) and
 * constraint conflicts are shown to clients, anything else is masked by the server's error formatter.
 */
export class Executor {
  private readonly listeners = new Set<(event: QueryEvent) => void>();

  constructor(
    private readonly driver: Driver,
    private readonly database: string,
    private readonly logger: Logger,
    private readonly slowQueryMs = 500,
    /** How long transient failures are tried again (NEO4J_RETRY_MS). */
    private readonly retryMs = 15_000,
  ) {}

  /** Calls `listener` after every statement; returns a function that removes it. */
  onQuery(listener: (event: QueryEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * One read statement, as an auto-commit transaction: RUN and PULL leave in one write and nothing else is
   * sent, where a transaction adds BEGIN and COMMIT and a round trip — a sizeable share of a small read's cost
   * (the profile query of the read benchmark). Transient failures are retried like transactions; a read-only
   * statement can always be run again.
   */
  async read(query: CypherQuery, params: Params = {}): Promise<Row[]> {
    const session = this.driver.session({ database: this.database, defaultAccessMode: 'READ' });
    const config = { metadata: { app: 'portrait', operation: query.name } };
    try {
      return await this.retrying(query.name, async () => {
        const started = performance.now();
        const result = await withoutCallerStack(() => session.run(query.text, params, config));
        return this.recorded(query, query.name, 'READ', started, result.records);
      });
    } catch (error) {
      throw this.translate(error, query.name);
    } finally {
      await session.close();
    }
  }

  write(query: CypherQuery, params: Params = {}): Promise<Row[]> {
    return this.writeTx(query.name, (tx) => tx.run(query, params));
  }

  /** Runs `work` in one read transaction; it may be retried, so it must not have side effects outside it. */
  readTx<T>(name: string, work: (tx: TxRunner) => Promise<T>): Promise<T> {
    return this.transaction('READ', name, work);
  }

  /** Runs `work` in one write transaction, committed when it resolves; retried as a whole on transient errors. */
  writeTx<T>(name: string, work: (tx: TxRunner) => Promise<T>): Promise<T> {
    return this.transaction('WRITE', name, work);
  }

  private async transaction<T>(
    mode: 'READ' | 'WRITE',
    name: string,
    work: (tx: TxRunner) => Promise<T>,
  ): Promise<T> {
    const session = this.driver.session({
      database: this.database,
      defaultAccessMode: mode === 'READ' ? 'READ' : 'WRITE',
    });
    const config = { metadata: { app: 'portrait', operation: name } };
    try {
      return await this.retrying(name, async () => {
        const tx = session.beginTransaction(config);
        try {
          const finishing: Array<() => Promise<void>> = [];
          const result = await work(this.runner(tx, name, mode, finishing));
          for (const finish of finishing) await finish();
          await tx.commit();
          return result;
        } finally {
          if (tx.isOpen()) await tx.rollback().catch(() => undefined);
        }
      });
    } catch (error) {
      throw this.translate(error, name);
    } finally {
      await session.close();
    }
  }

  /**
   * Runs `attempt` until it succeeds, fails with an error that is not transient, or `retryMs` has passed.
   * The pause before each new attempt starts short and doubles, with jitter. The driver's own retries of
   * managed transactions (not used) wait a second before the first: a deadlock between two settles of one
   * component paid that second every time, though the winner commits in milliseconds.
   */
  private async retrying<T>(operation: string, attempt: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.retryMs;
    for (let delay = FIRST_RETRY_DELAY_MS, attempts = 1; ; delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS)) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof Neo4jError && error.retryable) || Date.now() + delay > deadline) throw error;
        const pause = delay * (0.8 + Math.random() * 0.4);
        // Worth knowing when it happens often: the lock order of some transaction is worth a look.
        this.logger.debug('transaction attempt failed with a transient error; trying again', {
          operation,
          attempts,
          retryInMs: Math.round(pause),
          code: error.code,
          message: error.message,
        });
        attempts += 1;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  private runner(
    tx: Pick<Transaction, 'run'>,
    transaction: string,
    mode: 'READ' | 'WRITE',
    finishing: Array<() => Promise<void>>,
  ): TxRunner {
    return {
      beforeCommit: (finish) => {
        finishing.push(finish);
      },
      run: async (query, params = {}) => {
        const started = performance.now();
        const result = await withoutCallerStack(() => tx.run(query.text, params));
        return this.recorded(query, transaction, mode, started, result.records);
      },
    };
  }

  /** The rows of a statement that has run, told to the listeners (and logged when slow). */
  private recorded(
    query: CypherQuery,
    transaction: string,
    mode: 'READ' | 'WRITE',
    started: number,
    records: ReadonlyArray<{ toObject(): object }>,
  ): Row[] {
    const rows = records.map((record) => record.toObject() as Row);
    const event: QueryEvent = {
      query: query.name,
      transaction,
      mode,
      ms: performance.now() - started,
      rows: rows.length,
    };
    if (event.ms > this.slowQueryMs) this.logger.warn('slow query', { ...event });
    for (const listener of this.listeners) listener(event);
    return rows;
  }

  private translate(error: unknown, operation: string): unknown {
    if (error instanceof PortraitError) return error;
    if (error instanceof Neo4jError) {
      if (unavailable.has(error.code)) {
        return new PortraitError('SERVICE_UNAVAILABLE', 'The database is unavailable; try again shortly.', {
          operation,
          retryAfterSeconds: RETRY_UNAVAILABLE_SECONDS,
        });
      }
      if (error.retryable) {
        // Still failing after the retries (NEO4J_RETRY_MS): the transaction was rolled back.
        this.logger.warn('transaction retries exhausted', { operation, code: error.code, error });
        return new PortraitError(
          'TRANSIENT_ERROR',
          'The database stayed busy with conflicting concurrent transactions through every retry, so this ' +
            "request's transaction was rolled back; retry it shortly.",
          { operation, reason: error.code, retryAfterSeconds: RETRY_TRANSIENT_SECONDS },
        );
      }
      if (error.code === 'Neo.ClientError.Schema.ConstraintValidationFailed') {
        return new PortraitError('CONFLICT', 'The write conflicts with existing data; try again.', {
          operation,
        });
      }
      // Shown to no client, logged in full: its stack was not captured (withoutCallerStack), so it names
      // the statement instead.
      error.stack = `${String(error)}\n    at statement ${operation}`;
    }
    return error;
  }
}
