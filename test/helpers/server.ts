import { silentLogger } from '../../src/common/logger';
import { startPortrait, type Portrait } from '../../src/server/bootstrap';
import { testConfig } from './neo4j';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  body: {
    data?: T | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  };
}

export interface TestServer {
  portrait: Portrait;
  url: string;
  graphqlUrl: string;
  websocketUrl: string;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** The real server on a free port against the test Neo4j, with real HTTP requests to it. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const portrait = await startPortrait(testConfig(env), silentLogger);
  const { url, graphqlUrl, websocketUrl } = portrait.server;
  return {
    portrait,
    url,
    graphqlUrl,
    websocketUrl,
    async gql(query, variables) {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as GraphQLResponse['body'] } as never;
    },
    async post(path, body, headers = {}) {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    close: () => portrait.stop(),
  };
}

export function basicAuth(writeKey: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` };
}
