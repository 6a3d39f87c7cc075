import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { MemoryRateLimiter, RedisRateLimiter, unlimited } from '../security/rate-limit';
import type { Driver } from 'neo4j-driver';
import { Scheduler } from '../audiences/scheduler';
import { parseIdentityRules } from '../identity/rules';
import { LocalChangeBus, RedisChangeBus, changeChannel } from '../segments/change-bus';
import { SegmentsRepository } from '../segments/segments.repository';
import type { Config } from '../config';
import type { Logger } from '../common/logger';
import { createDriver } from '../db/driver';
import { Executor } from '../db/executor';
import { applySchema } from '../db/migrations';
import { startServer, type RunningServer } from './http';
import { buildPortraitSchema } from './schema';
import { createServices, type Services } from './services';

export interface Portrait {
  readonly config: Config;
  readonly driver: Driver;
  readonly services: Services;
  readonly server: RunningServer;
  readonly scheduler: Scheduler;
  /** Stops the server, then closes the driver. */
  stop(): Promise<void>;
}

/** Waits until Neo4j answers, retrying for up to `timeoutMs` (a database starting next to us is normal). */
export async function waitForNeo4j(driver: Driver, logger: Logger, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await driver.verifyConnectivity();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      if (attempt === 1 || attempt % 10 === 0) {
        logger.info('waiting for Neo4j', { reason: error instanceof Error ? error.message : String(error) });
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * The settings with an admin key: production refuses to start without ADMIN_API_KEY; development makes a
 * random one and logs it, so that `npm start` works out of the box and nobody ships a default key.
 */
function withAdminKey(config: Config, logger: Logger): Config {
  if (config.ADMIN_API_KEY) return config;
  if (config.NODE_ENV === 'production') throw new Error('ADMIN_API_KEY is required in production');
  const key = `dev-${randomBytes(24).toString('base64url')}`;
  logger.warn('ADMIN_API_KEY is not set: using a key made for this run only', { adminApiKey: key });
  return { ...config, ADMIN_API_KEY: key };
}

/**
 * Start-up duties: jobs a stopped process left running are failed, events it stored are settled, configured
 * identity rules applied.
 */
async function prepare(services: Services, config: Config, logger: Logger): Promise<void> {
  const abandoned = await services.jobs.failAbandoned();
  if (abandoned > 0) logger.warn('marked jobs of a stopped process as failed', { jobs: abandoned });
  if (await services.tags.installDefaults()) logger.info('installed the default tag catalogue');
  const current = await services.identity.refreshRules();
  // Events a stopped process stored but did not settle (another instance's in-flight rounds are settled
  // twice at worst, which changes nothing).
  const leftovers = await services.ingest.settleLeftovers(Date.now());
  if (leftovers > 0) logger.info('settled events a stopped process had stored', { rounds: leftovers });
  if (config.IDENTITY_RULES_FILE) {
    let input: unknown;
    try {
      input = JSON.parse(readFileSync(config.IDENTITY_RULES_FILE, 'utf8'));
    } catch (error) {
      throw new Error(`IDENTITY_RULES_FILE ${config.IDENTITY_RULES_FILE}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const wanted = parseIdentityRules(input);
    if (JSON.stringify(wanted) !== JSON.stringify(current)) {
      const { job } = await services.identity.setRules(wanted);
      logger.info('identity rules applied from file', {
        file: config.IDENTITY_RULES_FILE,
        job: job?.id ?? null,
      });
    }
  }
}

/**
 * Everything `npm start` does before serving: connect, apply the schema, build services and the GraphQL
 * schema, listen. End-to-end tests call it too (with PORT 0).
 */
export async function startPortrait(
  settings: Config,
  logger: Logger,
  status?: () => Record<string, unknown>,
): Promise<Portrait> {
  const config = withAdminKey(settings, logger);
  const driver = createDriver(config);
  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 })
    : null;
  const rateLimiter =
    config.RATE_LIMIT_PER_MINUTE === 0
      ? unlimited
      : redis
        ? new RedisRateLimiter(redis, config.RATE_LIMIT_PER_MINUTE)
        : new MemoryRateLimiter(config.RATE_LIMIT_PER_MINUTE);
  try {
    await waitForNeo4j(driver, logger);
    await applySchema(driver, config.NEO4J_DATABASE, logger);
    const executor = new Executor(driver, config.NEO4J_DATABASE, logger, undefined, config.NEO4J_RETRY_MS);
    const bus = config.REDIS_URL
      ? await RedisChangeBus.connect(
          config.REDIS_URL,
          changeChannel(await new SegmentsRepository(executor).changeLogId()),
          logger,
        )
      : new LocalChangeBus();
    const services = createServices(executor, config, logger, bus);
    await prepare(services, config, logger);
    const schema = await buildPortraitSchema(config.PERSONAL_TRAITS);
    const server = await startServer({
      config,
      driver,
      services,
      schema,
      logger,
      rateLimiter,
      ...(status ? { status } : {}),
    });
    const lifecycle = {
      newDays: config.LIFECYCLE_NEW_DAYS,
      activeDays: config.LIFECYCLE_ACTIVE_DAYS,
      atRiskDays: config.LIFECYCLE_AT_RISK_DAYS,
      dormantDays: config.LIFECYCLE_DORMANT_DAYS,
    };
    const scheduler = new Scheduler(
      executor,
      services.audiences,
      services.models,
      services.changes,
      { intervalMs: config.SCHEDULER_INTERVAL_MS, lifecycle, retrainAfterMs: 24 * 3_600_000, batchSize: 200 },
      logger,
      [
        // Events stored a minute ago and still unsettled were left by a stopped process or a failed settle.
        (now) => services.ingest.settleLeftovers(now - 60_000),
        (now) => services.recommendations.refresher.tick(now),
      ],
    );
    scheduler.start();
    return {
      config,
      driver,
      services,
      server,
      scheduler,
      stop: async () => {
        await scheduler.stop();
        await server.close();
        await services.ingest.idle();
        await services.jobs.stop();
        await services.audit.flush();
        await bus.close();
        redis?.disconnect();
        await driver.close();
      },
    };
  } catch (error) {
    redis?.disconnect();
    await driver.close();
    throw error;
  }
}
