import 'reflect-metadata';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/common/logger';
import { createDriver } from '../../src/db/driver';
import { applySchema } from '../../src/db/migrations';
import { waitForNeo4j } from '../../src/server/bootstrap';

/** Integration and end-to-end tiers need the real Neo4j: fail fast with a clear message without it. */
export default async function globalSetup(): Promise<void> {
  if (!process.env.NEO4J_URI) {
    throw new Error('NEO4J_URI is not set: run the tests with `npm test`, which starts a local Neo4j.');
  }
  const config = loadConfig({ ...process.env, DEMO_DATA: 'false' });
  const driver = createDriver(config);
  try {
    await waitForNeo4j(driver, silentLogger, 60_000);
    await applySchema(driver, config.NEO4J_DATABASE, silentLogger);
  } finally {
    await driver.close();
  }
}
