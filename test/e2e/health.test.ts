import { createServer } from 'node:net';
import { silentLogger } from '../../src/common/logger';
import { createDriver } from '../../src/db/driver';
import { Executor } from '../../src/db/executor';
import { unlimited } from '../../src/security/rate-limit';
import { startServer } from '../../src/server/http';
import { buildPortraitSchema } from '../../src/server/schema';
import { createServices } from '../../src/server/services';
import { TEST_ADMIN_KEY, testConfig } from '../helpers/neo4j';

/** A loopback port with nothing listening: a Neo4j that is down. */
async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('GET /health', () => {
  it('answers 503 with the reason while Neo4j cannot be reached', async () => {
    const config = testConfig({ NEO4J_URI: `bolt://127.0.0.1:${await deadPort()}`, NEO4J_RETRY_MS: '200' });
    const driver = createDriver(config);
    const services = createServices(
      new Executor(driver, config.NEO4J_DATABASE, silentLogger),
      config,
      silentLogger,
    );
    const server = await startServer({
      config,
      driver,
      services,
      schema: await buildPortraitSchema(),
      logger: silentLogger,
      rateLimiter: unlimited,
    });
    try {
      const response = await fetch(`${server.url}/health`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        status: 'unavailable',
        neo4j: 'unreachable',
        reason: expect.any(String),
      });
      // GraphQL answers with a typed error instead of hanging or crashing.
      const graphql = await fetch(server.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
        body: JSON.stringify({ query: '{ profiles { totalCount } }' }),
      });
      const body = (await graphql.json()) as { errors: Array<{ extensions: { code: string } }> };
      expect(body.errors[0]!.extensions.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await server.close();
      await driver.close();
    }
  });
});
