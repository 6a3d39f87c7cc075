import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Driver } from 'neo4j-driver';
import { WebSocketServer } from 'ws';
import type { Config } from '../config';
import type { Logger } from '../common/logger';
import { segmentRouter } from '../ingest/segment.routes';
import { createContext, type Context } from './context';
import { createErrorFormatter } from './errors';
import { createHealthCheck } from './health';
import type { Services } from './services';

export interface RunningServer {
  readonly httpServer: Server;
  /** Base URL, e.g. http://127.0.0.1:4000 */
  readonly url: string;
  readonly graphqlUrl: string;
  readonly websocketUrl: string;
  close(): Promise<void>;
}

export interface ServerDependencies {
  readonly config: Config;
  readonly driver: Driver;
  readonly services: Services;
  readonly schema: GraphQLSchema;
  readonly logger: Logger;
  /** Extra state reported by /health (demo loading progress). */
  readonly status?: () => Record<string, unknown>;
}

/**
 * Starts the HTTP server: GraphQL over HTTP and graphql-ws on /graphql, the Segment tracking API on /v1,
 * and /health. Resolves once it listens; `close` drains requests and subscriptions.
 */
export async function startServer(deps: ServerDependencies): Promise<RunningServer> {
  const { config, driver, services, schema, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer(
    {
      schema,
      context: () => createContext(services, config),
      onError: (_ctx, _id, _payload, errors) => {
        logger.warn('subscription error', { errors: errors.map((e) => e.message) });
      },
    },
    wsServer,
  );

  const production = config.NODE_ENV === 'production';
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: !production,
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ...(production ? [ApolloServerPluginLandingPageDisabled()] : []),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  const health = createHealthCheck(driver, config.NEO4J_DATABASE);
  app.get('/health', async (_req, res) => {
    const report = await health();
    res.status(report.status === 'ok' ? 200 : 503).json({ ...report, ...(deps.status?.() ?? {}) });
  });

  app.use(
    '/v1',
    segmentRouter(
      services.ingest,
      { maxBatchBytes: config.MAX_BATCH_BYTES, writeKeys: config.SEGMENT_WRITE_KEYS },
      logger,
    ),
  );

  app.use(
    '/graphql',
    express.json({ limit: config.MAX_BATCH_BYTES }),
    expressMiddleware(apollo, { context: async () => createContext(services, config) }),
  );

  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const type = (error as { type?: string } | null)?.type;
    if (res.headersSent) return next(error);
    if (type === 'entity.too.large') {
      res.status(413).json({
        errors: [
          {
            message: `request body larger than ${config.MAX_BATCH_BYTES} bytes`,
            extensions: { code: 'PAYLOAD_TOO_LARGE' },
          },
        ],
      });
    } else if (type === 'entity.parse.failed') {
      res.status(400).json({
        errors: [
          {
            message: `the body is not valid JSON: ${(error as Error).message}`,
            extensions: { code: 'BAD_REQUEST' },
          },
        ],
      });
    } else {
      logger.error('request failed', { error });
      res.status(500).json({
        errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      });
    }
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.PORT, config.HOST, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  const url = `http://${host}:${address.port}`;
  return {
    httpServer,
    url,
    graphqlUrl: `${url}/graphql`,
    websocketUrl: `ws://${host}:${address.port}/graphql`,
    close: async () => {
      await apollo.stop();
      wsServer.close();
    },
  };
}
