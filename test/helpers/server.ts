import { silentLogger } from '../../src/common/logger';
import { startPortrait, type Portrait } from '../../src/server/bootstrap';
import { TEST_ADMIN_KEY, testConfig } from './neo4j';

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
  adminKey: string;
  /** A GraphQL request with the admin key (or `key`; null sends no credentials). */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    key?: string | null,
  ): Promise<GraphQLResponse<T>>;
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Creates an API key with `role` (and scopes) through the API, returning its secret. */
  createKey(role: string, scopes?: string[]): Promise<string>;
  close(): Promise<void>;
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

export function basicAuth(writeKey: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` };
}

/** The real server on a free port against the test Neo4j, with real HTTP requests to it. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const portrait = await startPortrait(testConfig(env), silentLogger);
  const { url, graphqlUrl, websocketUrl } = portrait.server;
  const adminKey = env.ADMIN_API_KEY ?? TEST_ADMIN_KEY;
  const gql: TestServer['gql'] = async (query, variables, key = adminKey) => {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(key ? bearer(key) : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as GraphQLResponse['body'] } as never;
  };
  return {
    portrait,
    url,
    graphqlUrl,
    websocketUrl,
    adminKey,
    gql,
    async post(path, body, headers = bearer(adminKey)) {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async createKey(role, scopes = []) {
      const { body } = await gql<{ createApiKey: { secret: string } }>(
        'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
        { input: { name: `test ${role}`, role, scopes } },
      );
      if (!body.data) throw new Error(`could not create a ${role} key: ${JSON.stringify(body.errors)}`);
      return body.data.createApiKey.secret;
    },
    close: () => portrait.stop(),
  };
}
