import { Neo4jError, type Driver } from 'neo4j-driver';
import { silentLogger } from '../../src/common/logger';
import { PortraitError } from '../../src/common/errors';
import { Executor } from '../../src/db/executor';

/**
 * A driver whose write transactions run `work` against a transaction that records the statements, once per
 * entry of `attempts`: an error there fails that attempt (the driver retries as long as attempts remain).
 */
function fakeDriver(attempts: Array<Error | null>, statements: string[]): Driver {
  const managed = {
    run: async (text: string) => {
      statements.push(text);
      return { records: [] };
    },
  };
  const execute = async (work: (tx: typeof managed) => Promise<unknown>) => {
    let last: unknown;
    for (const failure of attempts) {
      statements.push('BEGIN');
      try {
        const result = await work(managed);
        if (failure) throw failure;
        statements.push('COMMIT');
        return result;
      } catch (error) {
        statements.push('ROLLBACK');
        last = error;
      }
    }
    throw last;
  };
  // Auto-commit statements (`read`): one attempt per entry of `attempts` too.
  let attempt = 0;
  const run = async (text: string) => {
    statements.push(`AUTOCOMMIT ${text}`);
    const failure = attempts[attempt++];
    if (failure) throw failure;
    return { records: [{ toObject: () => ({ answer: 42 }) }] };
  };
  return {
    session: () => ({ executeWrite: execute, executeRead: execute, run, close: async () => undefined }),
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

  it('gives up reading after retryMs, with the same error as a managed transaction', async () => {
    const deadlock = neo4jError('Neo.TransientError.Transaction.DeadlockDetected');
    const executor = new Executor(
      fakeDriver([deadlock, deadlock, deadlock], []),
      'neo4j',
      silentLogger,
      500,
      150,
    );
    const failure = await executor.read(query('work')).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'TRANSIENT_ERROR', status: 503 });
  });

  it('turns a transient failure that outlasted the retries into TRANSIENT_ERROR (503, retry after 1 s)', async () => {
    const deadlock = neo4jError('Neo.TransientError.Transaction.DeadlockDetected');
    const executor = new Executor(fakeDriver([deadlock, deadlock], []), 'neo4j', silentLogger);
    const failure = await executor.write(query('work')).catch((error: unknown) => error);
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
    const unavailable = await new Executor(fakeDriver([gone], []), 'neo4j', silentLogger)
      .write(query('work'))
      .catch((error: unknown) => error);
    expect(unavailable).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, retryAfterSeconds: 5 });
    const syntax = neo4jError('Neo.ClientError.Statement.SyntaxError');
    const other = await new Executor(fakeDriver([syntax], []), 'neo4j', silentLogger)
      .write(query('work'))
      .catch((error: unknown) => error);
    expect(other).toBe(syntax);
  });
});
