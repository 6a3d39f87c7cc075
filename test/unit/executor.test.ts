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
  return {
    session: () => ({ executeWrite: execute, executeRead: execute, close: async () => undefined }),
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
