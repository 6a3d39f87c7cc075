import { Neo4jError, type Driver } from 'neo4j-driver';
import { silentLogger } from '../../src/common/logger';
import { PortraitError } from '../../src/common/errors';
import { Executor } from '../../src/db/executor';

/**
 * A driver whose transactions record their statements; the nth transaction begun fails at its commit with
 * `attempts[n]` when that is an error (past the end of `attempts`, as the last entry says).
 */
function fakeDriver(attempts: Array<Error | null>, statements: string[]): Driver {
  let begun = 0;
  const failureOf = (n: number) => attempts[Math.min(n, attempts.length - 1)] ?? null;
  const beginTransaction = () => {
    const failure = failureOf(begun++);
    let open = true;
    statements.push('BEGIN');
    return {
      run: async (text: string) => {
        statements.push(text);
        return { records: [] };
      },
      commit: async () => {
        open = false;
        if (failure) {
          statements.push('ROLLBACK');
          throw failure;
        }
        statements.push('COMMIT');
      },
      rollback: async () => {
        open = false;
        statements.push('ROLLBACK');
      },
      isOpen: () => open,
    };
  };
  // Auto-commit statements (`read`): one attempt per entry of `attempts` too.
  let attempt = 0;
  const run = async (text: string) => {
    statements.push(`AUTOCOMMIT ${text}`);
    const failure = failureOf(attempt++);
    if (failure) throw failure;
    return { records: [{ toObject: () => ({ answer: 42 }) }] };
  };
  return {
    session: () => ({ beginTransaction, run, close: async () => undefined }),
  } as unknown as Driver;
}

const query = (text: string) => ({ name: `test.${text}`, text });
const neo4jError = (code: string) =>
  new Neo4jError(code, code, '50N42', 'error: general processing exception');

describe('Executor', () => {
  it('runs work queued with beforeCommit last, in order, in every attempt of the transaction', async () => {
    const statements: string[] = [];
    const deadlock = neo4jError('Neo.TransientError.Transaction.DeadlockDetected');
    const executor = new Executor(fakeDriver([deadlock, null], statements), 'neo4j', silentLogger);
    const result = await executor.writeTx('test', async (tx) => {
      tx.beforeCommit(() => tx.run(query('counter')).then(() => undefined));
      tx.beforeCommit(() => tx.run(query('last')).then(() => undefined));
      await tx.run(query('work'));
      return 42;
    });
    expect(result).toBe(42);
    expect(statements).toEqual([
      ...['BEGIN', 'work', 'counter', 'last', 'ROLLBACK'],
      ...['BEGIN', 'work', 'counter', 'last', 'COMMIT'],
    ]);
  });

  it('reads in one auto-commit statement, run again after a transient failure', async () => {
    const statements: string[] = [];
    const deadlock = neo4jError('Neo.TransientError.Transaction.DeadlockDetected');
    const executor = new Executor(fakeDriver([deadlock, null], statements), 'neo4j', silentLogger);
    const seen: string[] = [];
    executor.onQuery((event) => seen.push(`${event.query} ${event.mode} ${event.rows}`));
    expect(await executor.read(query('work'))).toEqual([{ answer: 42 }]);
    expect(statements).toEqual(['AUTOCOMMIT work', 'AUTOCOMMIT work']);
    expect(seen).toEqual(['test.work READ 1']);
  });

  it('gives up reading after retryMs, with the same error as a transaction', async () => {
    const deadlock = neo4jError('Neo.TransientError.Transaction.DeadlockDetected');
    const executor = new Executor(fakeDriver([deadlock], []), 'neo4j', silentLogger, 500, 150);
    const failure = await executor.read(query('work')).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'TRANSIENT_ERROR', status: 503 });
  });

  it('turns a transient failure that outlasted the retries into TRANSIENT_ERROR (503, retry after 1 s)', async () => {
    const deadlock = neo4jError('Neo.TransientError.Transaction.DeadlockDetected');
    const statements: string[] = [];
    const executor = new Executor(fakeDriver([deadlock], statements), 'neo4j', silentLogger, 500, 150);
    const failure = await executor.write(query('work')).catch((error: unknown) => error);
    expect(statements.slice(0, 6)).toEqual(['BEGIN', 'work', 'ROLLBACK', 'BEGIN', 'work', 'ROLLBACK']);
    expect(failure).toBeInstanceOf(PortraitError);
    expect(failure).toMatchObject({
      code: 'TRANSIENT_ERROR',
      status: 503,
      retryAfterSeconds: 1,
      extensions: { operation: 'test.work', reason: 'Neo.TransientError.Transaction.DeadlockDetected' },
    });
  });

  it('tells an unreachable database from a busy one and leaves other errors to the formatter', async () => {
    const gone = neo4jError('ServiceUnavailable');
    // Tried again until retryMs (100 ms here) has passed, as a busy one is.
    const unavailable = await new Executor(fakeDriver([gone], []), 'neo4j', silentLogger, 500, 100)
      .write(query('work'))
      .catch((error: unknown) => error);
    expect(unavailable).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, retryAfterSeconds: 5 });
    const syntax = neo4jError('Neo.ClientError.Statement.SyntaxError');
    const other = await new Executor(fakeDriver([syntax], []), 'neo4j', silentLogger)
      .write(query('work'))
      .catch((error: unknown) => error);
    expect(other).toBe(syntax);
    expect(syntax.stack).toBe(`${String(syntax)}\n    at statement test.work`);
  });

  it('starts statements without capturing a stack trace, and restores the limit even when one throws', async () => {
    const limits: number[] = [];
    const limit = Error.stackTraceLimit;
    const throwing = new Error('bad parameter');
    const driver = {
      session: () => ({
        run: () => {
          limits.push(Error.stackTraceLimit);
          throw throwing;
        },
        close: async () => undefined,
      }),
    } as unknown as Driver;
    await expect(new Executor(driver, 'neo4j', silentLogger).read(query('work'))).rejects.toBe(throwing);
    expect(limits).toEqual([0]);
    expect(Error.stackTraceLimit).toBe(limit);
  });
});
