import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import type { Config } from '../config';
import type { Logger } from '../common/logger';
import { credentialsOf } from '../security/authenticator';
import type { RateLimiter } from '../security/rate-limit';
import { admit } from './auth.middleware';
import { createContext, type Context } from './context';
import type { Services } from './services';

/** What the GraphQL endpoint needs besides Apollo. */
export interface GraphqlHttpDependencies {
  readonly config: Config;
  readonly services: Services;
  readonly limiter: RateLimiter;
  readonly logger: Logger;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Body text read from a request, or the error to answer when it could not be. */
type Body = { text: string } | { status: number; code: string; message: string };

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, headers = {}): void {
  send(res, status, JSON.stringify({ errors: [{ message, extensions: { code } }] }), headers);
}

/** The request's body as text, refused once it grows past `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.resolve(tooLarge(limit));
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(size > limit ? tooLarge(limit) : { text: Buffer.concat(chunks, size).toString('utf8') }),
    );
    req.on('error', (error) =>
      resolve({ status: 400, code: 'BAD_REQUEST', message: `the body could not be read: ${error.message}` }),
    );
  });
}

const tooLarge = (limit: number): Body => ({
  status: 413,
  code: 'PAYLOAD_TOO_LARGE',
  message: `request body larger than ${limit} bytes`,
});

const isJson = (contentType: string | undefined): boolean => {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type?.endsWith('+json') ?? false);
};

async function writeResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) headers[name] = value;
  if (response.body.kind === 'complete') {
    const body = response.body.string;
    res.writeHead(response.status ?? 200, { ...headers, 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(response.status ?? 200, headers);
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * GraphQL over HTTP on node:http directly, without Express: authentication and rate limit (`admit`), the JSON
 * body (413 past MAX_BATCH_BYTES, 400 when it does not parse), then Apollo. Every profile read passes here,
 * and Express's router, body parser and response helpers cost a request as much as executing its fields.
 */
export function graphqlHttpHandler(apollo: ApolloServer<Context>, deps: GraphqlHttpDependencies): Handler {
  const { config, services, limiter, logger } = deps;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const admission = await admit(services, limiter, logger, credentialsOf(req.headers.authorization));
    if (admission.viewer === null) {
      req.resume();
      return sendError(res, admission.status, admission.code, admission.message, admission.headers);
    }
    let body: unknown = undefined;
    if (req.method === 'POST' && isJson(req.headers['content-type'])) {
      const read = await readBody(req, config.MAX_BATCH_BYTES);
      if (!('text' in read)) return sendError(res, read.status, read.code, read.message);
      try {
        body = read.text === '' ? {} : JSON.parse(read.text);
      } catch (error) {
        return sendError(res, 400, 'BAD_REQUEST', `the body is not valid JSON: ${(error as Error).message}`);
      }
    } else {
      req.resume();
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const viewer = admission.viewer;
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: (req.method ?? 'GET').toUpperCase(),
        headers,
        search: query === -1 ? '' : url.slice(query),
        body,
      },
      context: async () => createContext(services, config, viewer),
    });
    await writeResponse(res, response);
  };
  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error('request failed', { error });
      if (res.headersSent) res.destroy();
      else sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
    });
  };
}
