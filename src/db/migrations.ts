import type { Driver } from 'neo4j-driver';
import type { Logger } from '../common/logger';
import { schemaStatements } from './cypher';

/**
 * Applies cypher/schema/ (constraints and indexes, all `IF NOT EXISTS`) and waits until the indexes are
 * online, so the first queries after start-up already use them. Safe to run on every start.
 */
export async function applySchema(driver: Driver, database: string, logger: Logger): Promise<void> {
  const session = driver.session({ database });
  try {
    for (const { file, statement } of schemaStatements()) {
      await session.run(statement);
      logger.debug('schema statement applied', { file, statement });
    }
    await session.run('CALL db.awaitIndexes(300)');
  } finally {
    await session.close();
  }
}
