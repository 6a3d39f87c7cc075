import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  GraphQLError,
  Kind,
  getOperationAST,
  parse,
  type FragmentDefinitionNode,
  type GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Driver } from 'neo4j-driver';
import { WebSocketServer } from 'ws';
import type { Config } from '../config';
import type { Logger } from '../common/logger';
import { segmentRouter } from '../ingest/segment.routes';
import { credentialsOf } from '../security/authenticator';
import { checkOperation, measureOperation } from '../security/query-limits';
import type { RateLimiter } from '../security/rate-limit';
import type { Viewer } from '../security/viewer';
import { jitGateway } from './jit-executor';
import { queryLimitsPlugin } from './query-limits.plugin';
import { createContext, type Context } from './context';
import { graphqlHttpHandler } from './graphql-http';
import { createErrorFormatter } from './errors';
import { createHealthCheck } from './health';
import { auditSubscription, batchWrites, bindSubscription, subscribeShared } from './subscriptions';
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
  readonly rateLimiter: RateLimiter;
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
  // GraphQL over HTTP skips Express (graphql-http.ts); everything else goes through it. The handler exists
  // once Apollo has started, before the server listens.
  let graphql: ReturnType<typeof graphqlHttpHandler> | null = null;
  const httpServer = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (graphql !== null && (path === '/graphql' || path === '/graphql/')) graphql(req, res);
    else app(req, res);
  });

  const limits = { maxDepth: config.MAX_QUERY_DEPTH, maxCost: config.MAX_QUERY_COST };
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  wsServer.on('connection', batchWrites);
  const wsCleanup = useServer<Record<string, unknown>, { viewer?: Viewer | null }>(
    {
      schema,
      // Each event is resolved once for all the subscribers that would get the same result.
      subscribe: subscribeShared,
      // Subscriptions authenticate in connection_init: { authorization: 'Bearer <key>' }.
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const header = (params.authorization ?? params.Authorization) as string | undefined;
        try {
          const viewer = await services.authenticator.authenticate(credentialsOf(header));
          if (!viewer) return false;
          ctx.extra.viewer = viewer;
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: (_ctx, _id, payload) => {
        try {
          const document = parse(payload.query);
          const operation = getOperationAST(document, payload.operationName ?? undefined);
          if (operation) {
            const fragments = Object.fromEntries(
              document.definitions
                .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
                .map((d) => [d.name.value, d]),
            );
            checkOperation(limits, measureOperation(schema, operation, fragments, payload.variables ?? {}));
          }
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
        }
        return undefined;
      },
      context: (ctx, id) => {
        const context = createContext(services, config, ctx.extra.viewer ?? null);
        bindSubscription(context, ctx.extra.socket, id);
        return context;
      },
      onOperation: (_ctx, _id, _payload, args, result) => auditSubscription(args, result),
      onError: (_ctx, _id, _payload, errors) => {
        logger.warn('subscription error', { errors: errors.map((e) => e.message) });
      },
    },
    wsServer,
  );

  const production = config.NODE_ENV === 'production';
  const apollo = new ApolloServer<Context>({
    gateway: jitGateway(schema),
    introspection: !production,
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // main.ts stops everything on SIGINT/SIGTERM; Apollo's own handlers would stop Apollo alone and then
    // re-raise the signal into ours, leaving a process that never exits (outside tests, where they are on).
    stopOnTerminationSignals: false,
    // Compact JSON (Apollo pretty-prints by default: a third more bytes and time on large answers).
    stringifyResult: (value) => JSON.stringify(value),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // No HTTP cache hints are used; the plugin would otherwise instrument every field of every answer.
      ApolloServerPluginCacheControlDisabled(),
      queryLimitsPlugin(limits),
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
    res.status(report.status === 'ok' ? 200 : 503).json({
      ...report,
      ingestion: services.ingest.backlog(),
      ...(deps.status?.() ?? {}),
    });
  });

  const limiter = deps.rateLimiter;
  app.use(
    '/v1',
    segmentRouter(
      services,
      limiter,
      { maxBatchBytes: config.MAX_BATCH_BYTES, acknowledge: config.INGEST_ACKNOWLEDGE },
      logger,
    ),
  );

  graphql = graphqlHttpHandler(apollo, { config, services, limiter, logger });

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
