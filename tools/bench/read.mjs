// The read benchmark (issue 7, item 2): one profile query — by identifier, with the profile's identifiers,
// tags, segments and latest 20 interactions with their products — served over HTTP by
//   a. Portrait (startPortrait, in this process);
//   b. @neo4j/graphql, the Neo4j GraphQL Library, over the same database with equivalent type definitions,
//      served by @apollo/server standalone — what a user would pick instead — in two shapes: the library's
//      own relationship fields ("neo4j-graphql") and with a @cypher field for the latest interactions
//      ("neo4j-graphql-cypher", see TYPE_DEFS);
//   c. a bare node:http handler running the one best hand-written Cypher query — the practical limit.
// Each target is loaded by autocannon (in a worker thread) at a fixed concurrency for a fixed time, every
// request asking for an identifier drawn from one seeded random sequence of identifiers sampled from the
// database, so that all targets do the same work. Before measuring, the answers of all targets are compared
// for a few identifiers.
//
//   npm run build && node tools/neo4j.mjs run --fresh -- node tools/bench/read.mjs --duration 20
//
// Without data in the database the script loads the demo data set (--people) through Portrait's ingestion
// service; --no-load uses what is there (a bigger graph loaded beforehand) and fails on an empty database.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cli,
  createSegment,
  dataSize,
  dist,
  isMain,
  loadDemoData,
  log,
  mainThreadCpuSeconds,
  markdownTable,
  neo4jJvm,
  ratio,
  reportHeader,
  requireFromRoot,
  resultBase,
  startBenchPortrait,
  warmRounds,
  withDefaults,
} from './common.mjs';

const NAME = 'read';
const here = dirname(fileURLToPath(import.meta.url));

export const spec = {
  duration: { type: 'number', default: 20, smoke: 1, help: 'seconds of load per target' },
  rounds: {
    type: 'number',
    default: 4,
    smoke: 1,
    help: 'slices each target is measured in, the targets in a rotated order each round',
  },
  warmup: { type: 'number', default: 3, smoke: 0, help: 'seconds of load per target before measuring' },
  warmDatabase: {
    type: 'number',
    default: 10,
    smoke: 0,
    help: "seconds of load per target, every target in turn, before the first is measured; the turns go on until Neo4j's JIT is quiet",
  },
  warmDatabaseMax: {
    type: 'number',
    default: 300,
    help: 'most seconds of those turns',
  },
  jitQuiet: {
    type: 'number',
    default: 0.05,
    help: "the turns end once Neo4j's JIT compilers used under this share of a core in one (0: one turn)",
  },
  connections: { type: 'number', default: 16, help: 'concurrent connections (autocannon)' },
  people: {
    type: 'number',
    default: 2000,
    smoke: 20,
    help: 'people of the demo data set loaded into an empty database',
  },
  load: { type: 'boolean', default: true, help: 'load the demo data set when the database has none' },
  sample: { type: 'number', default: 2000, smoke: 50, help: 'identifiers sampled from the database' },
  verify: { type: 'number', default: 5, smoke: 3, help: 'identifiers whose answers are compared first' },
  seed: { type: 'number', default: 7, help: 'seed of the identifier sequence' },
  targets: {
    type: 'string',
    default: 'portrait,neo4j-graphql,neo4j-graphql-cypher,bare',
    help: 'targets to measure, in order',
  },
};

// ---------------------------------------------------------------------------------------------------------
// a. Portrait

export const PORTRAIT_QUERY = `query Profile($namespace: String!, $value: String!) {
  profile(identifier: { namespace: $namespace, value: $value }) {
    id
    identifiers { namespace value kind shared }
    tags { score since tag { id name } }
    segments { id name }
    interactions(first: 20) {
      edges { node { id event at quantity value product { id name price brand category } } }
    }
  }
}`;

function portraitAnswer(body) {
  const p = body.data?.profile;
  if (!p) return null;
  return {
    id: p.id,
    identifiers: p.identifiers.map((i) => `${i.namespace}:${i.value}`),
    tags: p.tags.map((t) => t.tag.id),
    segments: p.segments.map((s) => s.id),
    interactions: p.interactions.edges.map(({ node }) => ({
      id: node.id,
      product: node.product?.id ?? null,
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------
// b. @neo4j/graphql

// Portrait's graph as the library sees it. Where the library's model forces a different shape:
// - There is no "profile by identifier" root field: the query starts at `identifiers(where:)` (served by the
//   (namespace, value) uniqueness constraint's index) and follows Identifier.profile.
// - A profile's interactions hang on its identifiers, two hops away. The library sorts and limits one
//   relationship at a time, so the relationship-only shape ("neo4j-graphql") asks every identifier for its
//   own latest 20 and the client merges them (up to 20 per identifier cross the wire, 20 are kept).
//   The closest equivalent is a @cypher field ("neo4j-graphql-cypher"), which runs the same traversal as
//   Portrait's interactions-of-profiles.cypher: one list, newest first, limited in the database.
// - Portrait lists shared devices and contact points (SHARED_IN) with a profile's identifiers, and hides
//   tags marked deleted; the library needs a second relationship field for the former and would need a
//   filter for the latter (the benchmark never deletes tags, so it is left out).
// - Times (at, since) are epoch milliseconds as stored (Float); Portrait formats them as DateTime strings.
const TYPE_DEFS = /* GraphQL */ `
  type Profile @node {
    id: ID!
    identifiers: [Identifier!]! @relationship(type: "IN", direction: IN)
    sharedIdentifiers: [Identifier!]! @relationship(type: "SHARED_IN", direction: IN)
    tags: [Tag!]! @relationship(type: "HAS_TAG", direction: OUT, properties: "HasTag")
    segments: [Segment!]! @relationship(type: "MEMBER_OF", direction: OUT)
    latestInteractions(first: Int! = 20): [Interaction!]!
      @cypher(
        statement: """
        MATCH (this)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)
        WITH x ORDER BY x.at DESC, x.id DESC LIMIT $first
        RETURN x
        """
        columnName: "x"
      )
  }
  type Identifier @node {
    namespace: String!
    value: String!
    kind: String
    shared: Boolean
    profile: Profile @relationship(type: "IN", direction: OUT)
    interactions: [Interaction!]! @relationship(type: "DID", direction: OUT)
  }
  type Interaction @node {
    id: ID!
    event: String
    at: Float
    quantity: Float
    value: Float
    product: Product @relationship(type: "ON", direction: OUT)
  }
  type Product @node {
    id: ID!
    name: String
    price: Float
    brand: String
    category: String
  }
  type Tag @node {
    id: ID!
    name: String
  }
  type HasTag @relationshipProperties {
    score: Float
    since: Float
  }
  type Segment @node {
    id: ID!
    name: String
  }
`;

const INTERACTION_FIELDS = 'id event at quantity value product { id name price brand category }';

function neo4jGraphqlQuery(interactions) {
  return `query Profile($namespace: String!, $value: String!) {
  identifiers(where: { namespace: { eq: $namespace }, value: { eq: $value } }) {
    profile {
      id
      identifiers { namespace value kind shared }
      sharedIdentifiers { namespace value kind shared }
      tagsConnection { edges { properties { score since } node { id name } } }
      segments { id name }
      ${interactions}
    }
  }
}`;
}

const NEO4J_GRAPHQL_QUERY = neo4jGraphqlQuery(
  `interactionSources: identifiers {
        interactions(sort: [{ at: DESC }, { id: DESC }], limit: 20) { ${INTERACTION_FIELDS} }
      }`,
);
const NEO4J_GRAPHQL_CYPHER_QUERY = neo4jGraphqlQuery(
  `latestInteractions(first: 20) { ${INTERACTION_FIELDS} }`,
);

const newestFirst = (x, y) => y.at - x.at || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0);

function neo4jGraphqlAnswer(body) {
  const p = body.data?.identifiers?.[0]?.profile;
  if (!p) return null;
  const interactions = p.latestInteractions ?? (p.interactionSources ?? []).flatMap((i) => i.interactions);
  return {
    id: p.id,
    identifiers: [...p.identifiers, ...p.sharedIdentifiers].map((i) => `${i.namespace}:${i.value}`),
    tags: p.tagsConnection.edges.map((e) => e.node.id),
    segments: p.segments.map((s) => s.id),
    // The relationship-only shape leaves the merge of the identifiers' lists to the client.
    interactions: [...interactions]
      .sort(newestFirst)
      .slice(0, 20)
      .map((x) => ({ id: x.id, product: x.product?.id ?? null })),
  };
}

async function startNeo4jGraphql(driver, key) {
  const { Neo4jGraphQL } = requireFromRoot('@neo4j/graphql');
  const { ApolloServer } = requireFromRoot('@apollo/server');
  const { startStandaloneServer } = requireFromRoot('@apollo/server/standalone');
  const schema = await new Neo4jGraphQL({ typeDefs: TYPE_DEFS, driver }).getSchema();
  const server = new ApolloServer({ schema });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    // The same bearer check as the bare handler, so that no target skips authentication entirely.
    context: async ({ req }) => {
      if (req.headers.authorization !== `Bearer ${key}`) throw new Error('unauthenticated');
      return {};
    },
  });
  return { url, close: () => server.stop() };
}

// ---------------------------------------------------------------------------------------------------------
// c. The bare handler

// The best single query: one round trip, each part in its own subquery so that nothing multiplies rows.
const BARE_CYPHER = `
MATCH (:Identifier {namespace: $namespace, value: $value})-[:IN]->(p:Profile)
CALL (p) {
  MATCH (p)<-[r:IN|SHARED_IN]-(i:Identifier)
  WITH i, type(r) = 'SHARED_IN' AS shared ORDER BY i.namespace, i.value
  RETURN collect(i {.namespace, .value, .kind, shared: shared}) AS identifiers
}
CALL (p) {
  MATCH (p)-[r:HAS_TAG]->(t:Tag) WHERE t.deleted IS NULL
  WITH r, t ORDER BY t.name
  RETURN collect({score: r.score, since: r.since, tag: t {.id, .name}}) AS tags
}
CALL (p) {
  MATCH (p)-[:MEMBER_OF]->(s:Segment)
  WITH s ORDER BY s.name
  RETURN collect(s {.id, .name}) AS segments
}
CALL (p) {
  MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)
  WITH x ORDER BY x.at DESC, x.id DESC LIMIT 20
  OPTIONAL MATCH (x)-[:ON]->(product:Product)
  RETURN collect(x {.id, .event, .at, .quantity, .value,
    product: product {.id, .name, .price, .brand, .category}}) AS interactions
}
RETURN p.id AS id, identifiers, tags, segments, interactions`;

function bareAnswer(body) {
  const p = body.data?.profile;
  if (!p) return null;
  return {
    id: p.id,
    identifiers: p.identifiers.map((i) => `${i.namespace}:${i.value}`),
    tags: p.tags.map((t) => t.tag.id),
    segments: p.segments.map((s) => s.id),
    interactions: p.interactions.map((x) => ({ id: x.id, product: x.product?.id ?? null })),
  };
}

function startBare(driver, database, key) {
  const neo4j = requireFromRoot('neo4j-driver');
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      const reply = (status, body) => {
        const text = JSON.stringify(body);
        res.writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      };
      if (req.headers.authorization !== `Bearer ${key}`) return reply(401, { errors: [{ message: 'no' }] });
      try {
        const { namespace, value } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const { records } = await driver.executeQuery(
          BARE_CYPHER,
          { namespace, value },
          { database, routing: neo4j.routing.READ, bookmarkManager: null },
        );
        reply(200, { data: { profile: records[0] ? records[0].toObject() : null } });
      } catch (error) {
        reply(500, { errors: [{ message: String(error?.message ?? error) }] });
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// Load and comparison

async function post(url, key, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Differences between two normalised answers, as short phrases (empty when they agree). */
export function differences(expected, actual) {
  if (expected === null || actual === null) {
    return expected === actual
      ? []
      : [`profile ${expected ? 'found' : 'missing'} vs ${actual ? 'found' : 'missing'}`];
  }
  const out = [];
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const sorted = (xs) => [...xs].sort();
  if (expected.id !== actual.id) out.push(`profile id ${expected.id} vs ${actual.id}`);
  if (!same(sorted(expected.identifiers), sorted(actual.identifiers))) out.push('identifiers differ');
  if (!same(sorted(expected.tags), sorted(actual.tags))) out.push('tags differ');
  if (!same(sorted(expected.segments), sorted(actual.segments))) out.push('segments differ');
  if (
    !same(
      expected.interactions.map((x) => x.id),
      actual.interactions.map((x) => x.id),
    )
  ) {
    out.push('interaction ids differ');
  } else if (!same(expected.interactions, actual.interactions)) {
    out.push('product ids differ');
  }
  return out;
}

function runAutocannon(options) {
  const autocannon = requireFromRoot('autocannon');
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    autocannon.track(instance, {
      renderProgressBar: false,
      renderResultsTable: false,
      renderLatencyTable: false,
    });
  });
}

export async function load(target, { plan, connections, seconds }) {
  const raw = await runAutocannon({
    url: target.url,
    connections,
    duration: seconds,
    workers: 1,
    initialContext: { plan },
    verifyBody: join(here, 'read-verify.cjs'),
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${target.key}` },
        setupRequest: join(here, 'read-request.cjs'),
      },
    ],
  });
  return {
    requests: raw.requests.total,
    requestsPerSecond: Math.round((raw.requests.total / raw.duration) * 10) / 10,
    latencyMs: {
      p50: raw.latency.p50,
      p99: raw.latency.p99,
      mean: raw.latency.average,
      max: raw.latency.max,
    },
    errors: raw.errors,
    timeouts: raw.timeouts,
    non2xx: raw.non2xx,
    mismatches: raw.mismatches,
    seconds: raw.duration,
  };
}

/** The cores Neo4j used over `slices`, by thread group, weighted by each slice's seconds. */
function meanCores(slices) {
  const seconds = slices.reduce((total, s) => total + s.seconds, 0);
  const mean = (k) =>
    Math.round((slices.reduce((total, s) => total + s.neo4jCores[k] * s.seconds, 0) / seconds) * 1000) / 1000;
  return { total: mean('total'), compiler: mean('compiler'), gc: mean('gc'), work: mean('work') };
}

/**
 * One target's figures from its slices (rounds): requests and seconds summed, so requests/s over all of them;
 * the median of the slices' p50 and of their p99 (autocannon gives percentiles, not samples, per slice).
 */
export function mergeSlices(slices) {
  const sum = (pick) => slices.reduce((total, slice) => total + pick(slice), 0);
  const median = (pick) => {
    const values = slices.map(pick).sort((a, b) => a - b);
    const mid = Math.floor(values.length / 2);
    return values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  };
  const requests = sum((s) => s.requests);
  const seconds = sum((s) => s.seconds);
  return {
    requests,
    requestsPerSecond: Math.round((requests / seconds) * 10) / 10,
    latencyMs: {
      p50: median((s) => s.latencyMs.p50),
      p99: median((s) => s.latencyMs.p99),
      mean: Math.round((sum((s) => s.latencyMs.mean * s.requests) / Math.max(1, requests)) * 100) / 100,
      max: Math.max(...slices.map((s) => s.latencyMs.max)),
    },
    // Neo4j's CPU while this target was loaded: cores by thread group, and milliseconds of CPU per request.
    neo4jCores: slices.every((s) => s.neo4jCores) ? meanCores(slices) : null,
    neo4jCpuMsPerRequest: slices.every((s) => s.neo4jCores)
      ? Math.round((sum((s) => s.neo4jCores.total * s.seconds * 1000) / Math.max(1, requests)) * 1000) / 1000
      : null,
    // The server's own CPU (this process's main thread, where every target is served) per request.
    serverCpuMsPerRequest: slices.every((s) => s.serverCpuSeconds !== undefined)
      ? Math.round((sum((s) => s.serverCpuSeconds * 1000) / Math.max(1, requests)) * 1000) / 1000
      : null,
    errors: sum((s) => s.errors),
    timeouts: sum((s) => s.timeouts),
    non2xx: sum((s) => s.non2xx),
    mismatches: sum((s) => s.mismatches),
    seconds,
    rounds: slices.map((s) => s.requestsPerSecond),
  };
}

/** Identifiers of profiles, sampled at random from the whole database. */
export async function sampleIdentifiers(driver, database, count) {
  const { records } = await driver.executeQuery(
    `MATCH (i:Identifier)-[:IN]->(:Profile)
     WITH i, rand() AS r ORDER BY r LIMIT toInteger($count)
     RETURN i.namespace AS namespace, i.value AS value`,
    { count },
    { database },
  );
  return records.map((r) => ({ namespace: r.get('namespace'), value: r.get('value') }));
}

/** The benchmark; resolves to the result object that the command line prints and writes. */
export async function run(given = {}) {
  const options = withDefaults(spec, given);
  const started = Date.now();
  const say = (message) => log(NAME, message);
  const portrait = await startBenchPortrait();
  const database = portrait.config.NEO4J_DATABASE;
  const key = portrait.config.ADMIN_API_KEY;
  const { createDriver } = dist('db/driver.js');
  // b and c get drivers of their own, with Portrait's settings (pool size, retries, plain numbers).
  const otherDriver = createDriver(portrait.config);
  const closers = [() => otherDriver.close(), () => portrait.stop()];
  const workDir = mkdtempSync(join(tmpdir(), 'portrait-bench-read-'));
  closers.unshift(() => rmSync(workDir, { recursive: true, force: true }));
  try {
    const result = await resultBase(
      NAME,
      'Read benchmark: one profile by identifier',
      options,
      portrait.driver,
      database,
    );
    if (options.load) {
      const applied = await loadDemoData(portrait.services, { people: options.people, name: NAME });
      if (applied > 0) {
        // Memberships for the query to return; created after the load, evaluated over all profiles.
        await createSegment(portrait, `bench recent buyers ${started}`, {
          event: 'Order Completed',
          withinDays: 90,
        });
        await createSegment(portrait, `bench viewers ${started}`, {
          event: 'Product Viewed',
          withinDays: 30,
          count: { gte: 3 },
        });
        result.loaded = { people: options.people, events: applied };
      }
    }
    result.data = await dataSize(portrait.driver, database);
    if (result.data.profiles === 0)
      throw new Error('the database holds no profiles: drop --no-load to load some');

    const identifiers = await sampleIdentifiers(portrait.driver, database, options.sample);
    say(`sampled ${identifiers.length} identifiers of ${result.data.identifiers}`);

    const neo4jGraphql = await startNeo4jGraphql(otherDriver, key);
    closers.unshift(neo4jGraphql.close);
    const bare = await startBare(otherDriver, database, key);
    closers.unshift(bare.close);
    const all = {
      portrait: { url: portrait.server.graphqlUrl, key, query: PORTRAIT_QUERY, answer: portraitAnswer },
      'neo4j-graphql': { url: neo4jGraphql.url, key, query: NEO4J_GRAPHQL_QUERY, answer: neo4jGraphqlAnswer },
      'neo4j-graphql-cypher': {
        url: neo4jGraphql.url,
        key,
        query: NEO4J_GRAPHQL_CYPHER_QUERY,
        answer: neo4jGraphqlAnswer,
      },
      bare: { url: bare.url, key, query: null, answer: bareAnswer },
    };
    const names = options.targets.split(',').map((t) => t.trim());
    for (const name of names)
      if (!all[name]) throw new Error(`unknown target ${name}; targets: ${Object.keys(all)}`);

    // The same data from every target, or the comparison means nothing.
    result.verified = [];
    for (const variables of identifiers.slice(0, options.verify)) {
      const answers = {};
      for (const name of names) {
        const { url, query, answer } = all[name];
        const reply = await post(url, key, query ? { query, variables } : variables);
        answers[name] = reply.status === 200 && !reply.body.errors ? answer(reply.body) : null;
        if (reply.status !== 200 || reply.body.errors) {
          result.warnings.push(
            `${name} failed on ${variables.namespace}:${variables.value}: ${JSON.stringify(reply.body).slice(0, 300)}`,
          );
        }
      }
      const [reference, ...others] = names;
      for (const name of others) {
        const diff = differences(answers[reference], answers[name]);
        if (diff.length > 0) {
          result.warnings.push(
            `${name} differs from ${reference} on ${variables.namespace}:${variables.value}: ${diff.join(', ')}`,
          );
        }
      }
      result.verified.push({
        identifier: `${variables.namespace}:${variables.value}`,
        interactions: answers[reference]?.interactions.length ?? null,
      });
    }
    for (const warning of result.warnings) say(`WARNING: ${warning}`);

    // Portrait's statements per request, counted while it is measured (its executor sees every one).
    const statements = new Map();
    let counting = false;
    portrait.services.executor.onQuery((event) => {
      if (!counting) return;
      const s = statements.get(event.query) ?? { calls: 0, ms: 0 };
      s.calls += 1;
      s.ms += event.ms;
      statements.set(event.query, s);
    });

    const plans = {};
    for (const name of names) {
      plans[name] = join(workDir, `${name}.json`);
      writeFileSync(plans[name], JSON.stringify({ identifiers, query: all[name].query, seed: options.seed }));
    }
    // A fresh Neo4j gets much faster over its first minutes (the JVM compiles the hot paths, taking half a core
    // of two): a target measured first would meet a colder database than the next ones, and all of them a
    // colder one than a server that has run a while. Every target's queries run in turn, until the compilers
    // are quiet, before any is measured.
    const jvm = neo4jJvm(portrait.config.NEO4J_URI);
    if (options.warmDatabase > 0) {
      const warm = await warmRounds(
        jvm,
        { quiet: options.jitQuiet, maxSeconds: options.warmDatabaseMax, say },
        async (turn) => {
          for (const name of names) {
            say(`${name}: warming the database for ${options.warmDatabase} s (turn ${turn})`);
            await load(all[name], {
              plan: plans[name],
              connections: options.connections,
              seconds: options.warmDatabase,
            });
          }
        },
      );
      result.warmDatabase = { turns: warm.rounds, seconds: warm.seconds, compilerCores: warm.compilerCores };
    }

    for (const name of names) {
      if (options.warmup > 0) {
        say(`${name}: warming up for ${options.warmup} s`);
        await load(all[name], {
          plan: plans[name],
          connections: options.connections,
          seconds: options.warmup,
        });
      }
    }
    // The machine's speed drifts over a run: measured in turn, the last target would meet another machine
    // than the first. So each target is measured in --rounds slices, the targets in a rotated order each round.
    const slices = Object.fromEntries(names.map((name) => [name, []]));
    const seconds = options.duration / options.rounds;
    for (let round = 0; round < options.rounds; round++) {
      const order = names.map((_, i) => names[(i + round) % names.length]);
      for (const name of order) {
        say(
          `${name}: ${options.connections} connections for ${seconds} s (round ${round + 1} of ${options.rounds})`,
        );
        counting = name === 'portrait';
        const watch = jvm?.watch();
        const serverCpu = mainThreadCpuSeconds();
        const slice = await load(all[name], { plan: plans[name], connections: options.connections, seconds });
        if (watch) slice.neo4jCores = watch();
        if (serverCpu !== null) slice.serverCpuSeconds = mainThreadCpuSeconds() - serverCpu;
        counting = false;
        slices[name].push(slice);
        say(
          `${name}: ${slice.requestsPerSecond} requests/s, p50 ${slice.latencyMs.p50} ms, p99 ${slice.latencyMs.p99} ms`,
        );
      }
    }
    result.targets = Object.fromEntries(names.map((name) => [name, mergeSlices(slices[name])]));
    result.roundRatios = {};
    if (slices.portrait) {
      for (const other of names.filter((n) => n !== 'portrait')) {
        result.roundRatios[`portrait/${other}`] = slices.portrait.map((slice, i) =>
          ratio(slice.requestsPerSecond, slices[other][i].requestsPerSecond),
        );
      }
    }
    if (result.targets.portrait) {
      const requests = result.targets.portrait.requests;
      result.portraitStatements = [...statements]
        .map(([query, s]) => ({
          query,
          perRequest: Math.round((s.calls / requests) * 100) / 100,
          meanMs: Math.round((s.ms / s.calls) * 100) / 100,
        }))
        .sort((x, y) => y.perRequest * y.meanMs - x.perRequest * x.meanMs);
    }

    const rps = (name) => result.targets[name]?.requestsPerSecond;
    const p = (name, q) => result.targets[name]?.latencyMs[q];
    result.ratios = {};
    for (const other of names.filter((n) => n !== 'portrait')) {
      result.ratios[`portrait/${other}`] = {
        requestsPerSecond: ratio(rps('portrait'), rps(other)),
        p50: ratio(p('portrait', 'p50'), p(other, 'p50')),
        p99: ratio(p('portrait', 'p99'), p(other, 'p99')),
      };
    }
    result.seconds = Math.round((Date.now() - started) / 100) / 10;
    return result;
  } finally {
    for (const close of closers) await close();
  }
}

/** The report as markdown. */
export function markdown(result) {
  const rows = Object.entries(result.targets).map(([name, t]) => [
    name,
    t.requestsPerSecond,
    t.latencyMs.p50,
    t.latencyMs.p99,
    t.requests,
    t.errors + t.timeouts + t.mismatches,
    t.non2xx,
    t.neo4jCores ? `${t.neo4jCores.total} (JIT ${t.neo4jCores.compiler})` : 'unknown',
    t.neo4jCpuMsPerRequest ?? 'unknown',
    t.serverCpuMsPerRequest ?? 'unknown',
  ]);
  const warm = result.warmDatabase;
  const ratios = Object.entries(result.ratios).map(([pair, r]) => [pair, r.requestsPerSecond, r.p50, r.p99]);
  const statements = (result.portraitStatements ?? []).map((s) => [s.query, s.perRequest, s.meanMs]);
  return [
    reportHeader(result),
    `- load: ${result.options.connections} connections, ${result.options.duration} s per target in ${result.options.rounds} rounds after ${result.options.warmup} s of warm-up, ${result.options.sample} identifiers sampled`,
    `- before the first: ${warm ? `${warm.turns} turn${warm.turns === 1 ? '' : 's'} of ${result.options.warmDatabase} s of each target, ${warm.seconds} s in all (${warm.compilerCores === null ? "Neo4j's process not found, its JIT not watched" : `Neo4j's JIT compilers used ${warm.compilerCores} of a core in the last`})` : 'no turns'}`,
    "- server CPU: this process's main thread, where every target is served (the load generator is a worker thread)",
    '',
    markdownTable(
      [
        'target',
        'requests/s',
        'p50 ms',
        'p99 ms',
        'requests',
        'errors',
        'non-2xx',
        'Neo4j cores',
        'Neo4j CPU ms/request',
        'server CPU ms/request',
      ],
      rows,
    ),
    '',
    'Ratios measured in this run (requests/s: above 1 means Portrait serves more; latency: below 1 means Portrait answers faster):',
    '',
    markdownTable(['ratio', 'requests/s', 'p50', 'p99'], ratios),
    ...(result.options.rounds > 1
      ? [
          '',
          `Requests/s ratios by round (each target measured in ${result.options.rounds} slices of ${result.options.duration / result.options.rounds} s, in a rotated order; p50 and p99 above are the medians of the slices'):`,
          '',
          markdownTable(
            ['ratio', ...Array.from({ length: result.options.rounds }, (_, i) => `round ${i + 1}`)],
            Object.entries(result.roundRatios ?? {}).map(([pair, values]) => [pair, ...values]),
          ),
        ]
      : []),
    ...(statements.length
      ? [
          '',
          'Portrait statements per request while measured:',
          '',
          markdownTable(['statement', 'per request', 'mean ms'], statements),
        ]
      : []),
    ...(result.warnings.length ? ['', ...result.warnings.map((w) => `**WARNING**: ${w}`)] : []),
  ].join('\n');
}

if (isMain(import.meta.url)) await cli({ name: NAME, spec, run, markdown });
