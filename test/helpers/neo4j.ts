import { randomUUID } from 'node:crypto';
import type { Driver } from 'neo4j-driver';
import { loadConfig, type Config } from '../../src/config';
import { createLogger, silentLogger, type LogLevel } from '../../src/common/logger';
import { createDriver } from '../../src/db/driver';
import { Executor, type QueryEvent } from '../../src/db/executor';
import { createServices, type Services } from '../../src/server/services';
import { createProfileLoaders } from '../../src/profiles/profiles.loaders';
import type { Profile } from '../../src/profiles/profile.type';

/** The bootstrap admin key of test servers. */
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';

/**
 * Settings for tests: the Neo4j `npm test` started, no demo data, any free port, and no scheduler ticking
 * in the background (tests call `scheduler.tick(now)` with the time they need).
 */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    ...process.env,
    DEMO_DATA: 'false',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    SCHEDULER_INTERVAL_MS: '0',
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    RATE_LIMIT_PER_MINUTE: '0',
    ...overrides,
  });
}

/** A prefix unique to one test, so tests sharing the database never see each other's identifiers. */
export function unique(label = 't'): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** Silent, unless TEST_LOG_LEVEL names a level: for seeing what the services log while a test runs. */
const testLogger = process.env.TEST_LOG_LEVEL
  ? createLogger(process.env.TEST_LOG_LEVEL as LogLevel)
  : silentLogger;

export interface TestDb {
  config: Config;
  driver: Driver;
  executor: Executor;
  services: Services;
  /** A profile as the API resolves it, read with fresh loaders. */
  profileById(id: string): Promise<Profile | null>;
  profileOf(namespace: string, value: string): Promise<Profile | null>;
  /** Statements run while `work` runs. */
  countQueries<T>(work: () => Promise<T>): Promise<{ result: T; queries: QueryEvent[] }>;
  /** Runs a Cypher statement directly (assertions on the stored graph). */
  cypher(text: string, params?: Record<string, unknown>): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export async function openTestDb(
  overrides: Record<string, string> = {},
  options: { clock?: () => number } = {},
): Promise<TestDb> {
  const config = testConfig(overrides);
  const driver = createDriver(config);
  const executor = new Executor(driver, config.NEO4J_DATABASE, testLogger, undefined, config.NEO4J_RETRY_MS);
  const services = createServices(executor, config, testLogger, undefined, options.clock);
  return {
    config,
    driver,
    executor,
    services,
    profileById: (id) =>
      services.profiles.profile(createProfileLoaders(services.repositories.profiles), id, null),
    profileOf: (namespace, value) =>
      services.profiles.profile(createProfileLoaders(services.repositories.profiles), null, {
        namespace,
        value,
      }),
    async countQueries(work) {
      const queries: QueryEvent[] = [];
      const stop = executor.onQuery((event) => queries.push(event));
      try {
        return { result: await work(), queries };
      } finally {
        stop();
      }
    },
    async cypher(text, params = {}) {
      const { records } = await driver.executeQuery(text, params, { database: config.NEO4J_DATABASE });
      return records.map((record) => record.toObject());
    },
    close: async () => {
      await services.ingest.idle();
      await driver.close();
    },
  };
}

/** Deletes everything (for test files that need an empty database; the suite runs in band). */
export async function wipe(db: TestDb): Promise<void> {
  // CALL ... IN TRANSACTIONS needs an auto-commit transaction, hence session.run.
  const session = db.driver.session({ database: db.config.NEO4J_DATABASE });
  try {
    await session.run('MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
  } finally {
    await session.close();
  }
}
