import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './common/logger';
import { loadDemoIfEmpty } from './demo/demo';
import { startPortrait } from './server/bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const demo: { state: string; done: number; total: number } = { state: 'not requested', done: 0, total: 0 };
  const portrait = await startPortrait(config, logger, () => ({ demoData: demo }));
  logger.info('Portrait is listening', {
    graphql: portrait.server.graphqlUrl,
    segment: `${portrait.server.url}/v1/batch`,
  });

  let stopping = false;
  const demoLoad = new AbortController();
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    demoLoad.abort();
    await portrait.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (config.DEMO_DATA) {
    try {
      await loadDemoIfEmpty(portrait.services, {
        people: config.DEMO_PEOPLE,
        logger,
        progress: demo,
        signal: demoLoad.signal,
      });
    } catch (error) {
      // A batch in flight when the server stops fails with the closed driver; the next start goes on.
      if (!stopping) throw error;
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Portrait failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
