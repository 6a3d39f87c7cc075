// Speed of what recommendation services and marketers ask (issue 5, item 6): relatedProducts and
// recommendations (goal: p99 under 10 ms on 100k products and 10M interactions) and lookalikes top-100 for a
// 1,000-profile seed (goal: under 200 ms over 1M profiles), each end to end over HTTP against Portrait started
// in this process, over the data already in the database. The timed requests go through node:http over
// kept-alive sockets (--client fetch for fetch, whose own garbage, collected in this process's pauses, added
// 0.5-1.5 ms to relatedProducts' median; BENCHMARKS.md, "the client's own cost").
//
//   npm run build && node tools/neo4j.mjs run --fresh -- node tools/bench/recommend.mjs --people 20000
//   NEO4J_URI=bolt://... node tools/bench/recommend.mjs --people 0     (a database loaded beforehand, e.g. by
//     npm run bulk-load -- --people 1000000 --products 100000 --activity 0.3)
//
// On a database without profiles it first bulk-loads --people generated people with --products products.
// Each query runs --requests times one after another (latency alone), then again from --concurrency clients at
// once (latency under load, and requests/s); the first --warmup of each are not counted.
//   relatedProducts: products with a related list, drawn uniformly, and drawn by engagement (as page views are).
//   recommendations: live profiles drawn uniformly.
//   lookalikes: seeds of --seed-size profiles that are alike (a random profile and its nearest neighbours in
//     the embedding index), the hardest seed: its own members crowd the top of the index's answer.
// First, the floor in the same run: `RETURN 1` over a bare Bolt connection and through neo4j-driver
// (bolt-floor.mjs), so that a query's p99 can be read against the round trip's own.

import {
  BENCH_ADMIN_KEY,
  benchConfig,
  bulkLoadPeople,
  cli,
  dataSize,
  dist,
  distribution,
  graphql,
  graphqlClient,
  isMain,
  log,
  markdownTable,
  neo4jJvm,
  reportHeader,
  resultBase,
  startBenchPortrait,
  withDefaults,
} from './common.mjs';
import { openBareBolt } from './bolt-floor.mjs';

const NAME = 'recommend';

export const spec = {
  people: { type: 'number', default: 20000, smoke: 30, help: 'people bulk-loaded into an empty database' },
  products: { type: 'number', default: 100000, smoke: 60, help: 'catalogue size of a bulk load' },
  activity: {
    type: 'number',
    default: 0.3,
    help: 'sessions scale of a bulk load (0.3: ~10 interactions a person)',
  },
  requests: {
    type: 'number',
    default: 2000,
    smoke: 6,
    help: 'counted requests of each product/profile query',
  },
  lookalikeRequests: { type: 'number', default: 100, smoke: 2, help: 'counted lookalike queries' },
  warmup: { type: 'number', default: 200, smoke: 1, help: 'requests of each query before counting' },
  concurrency: { type: 'number', default: 8, smoke: 2, help: 'clients at once in the loaded runs' },
  seedSize: { type: 'number', default: 1000, smoke: 10, help: 'profiles in a lookalike seed' },
  first: { type: 'number', default: 10, help: '`first` of relatedProducts and recommendations' },
  lookalikeFirst: { type: 'number', default: 100, smoke: 5, help: '`first` of lookalikes' },
  seed: { type: 'number', default: 7, help: 'seed of the samples' },
  client: {
    type: 'string',
    default: 'http',
    help: 'HTTP client of the timed requests: http (node:http, kept-alive sockets) or fetch',
  },
};

const say = (message) => log(NAME, message);

const RELATED = `query ($id: ID!, $first: Int) {
  relatedProducts(productId: $id, first: $first) { product { id name category } confidence lift support score }
}`;
const RECOMMENDATIONS = `query ($id: ID!, $first: Int) {
  recommendations(profileId: $id, first: $first) { product { id name category } score reason }
}`;
const LOOKALIKES = `query ($ids: [ID!], $first: Int) {
  lookalikes(seed: { profileIds: $ids }, first: $first) { profile { id } score reasons }
}`;

async function rows(driver, database, query, params = {}) {
  const { records } = await driver.executeQuery(query, params, { database });
  return records.map((r) => r.toObject());
}

/** The inputs of each query: products with a list (uniformly and by engagement), profiles, alike seeds. */
async function samples(driver, database, options, random) {
  const products = await rows(
    driver,
    database,
    'MATCH (p:Product) WHERE p.relatedCount > 0 RETURN p.id AS id, coalesce(p.engagedProfiles, 0) AS engaged',
  );
  const total = options.warmup + options.requests;
  const uniform =
    products.length === 0
      ? []
      : Array.from({ length: total }, () => products[Math.floor(random() * products.length)].id);
  const cumulative = [];
  let sum = 0;
  for (const p of products) cumulative.push((sum += Number(p.engaged) + 1));
  const weighted = Array.from({ length: products.length === 0 ? 0 : total }, () => {
    const target = random() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return products[lo].id;
  });
  const [{ count }] = await rows(driver, database, 'MATCH (p:Profile) RETURN count(p) AS count');
  // A uniform sample of live profiles in one scan: each kept with a probability that gives ~2x what is needed.
  const fraction = Math.min(1, (2 * total) / Math.max(1, Number(count)));
  const profiles = (
    await rows(
      driver,
      database,
      'MATCH (p:Profile) WHERE rand() < $fraction RETURN p.id AS id LIMIT toInteger($n)',
      { fraction, n: 2 * total },
    )
  ).map((r) => r.id);
  const people = Array.from({ length: total }, () => profiles[Math.floor(random() * profiles.length)]);
  const anchors = (
    await rows(
      driver,
      database,
      'MATCH (p:Profile) WHERE p.embedding IS NOT NULL AND rand() < $fraction RETURN p.id AS id LIMIT toInteger($n)',
      { fraction: Math.min(1, (4 * total) / Math.max(1, Number(count))), n: 4 * total },
    )
  ).map((r) => r.id);
  const seeds = [];
  const lookalikeTotal = Math.min(options.warmup, 10) + options.lookalikeRequests;
  for (let i = 0; i < lookalikeTotal && anchors.length > 0; i += 1) {
    const anchor = anchors[Math.floor(random() * anchors.length)];
    const near = await rows(
      driver,
      database,
      `MATCH (a:Profile {id: $anchor})
       CALL db.index.vector.queryNodes('profile_embedding', toInteger($k), a.embedding) YIELD node
       RETURN node.id AS id`,
      { anchor, k: options.seedSize },
    );
    seeds.push(near.map((r) => r.id));
  }
  return { uniform, weighted, people, seeds, productsWithList: products.length };
}

/** Runs `call` over `inputs` from `concurrency` clients; latencies (ms) of all but the first `warmup`. */
async function measure(call, inputs, concurrency, warmup) {
  const latencies = [];
  const errors = [];
  let next = 0;
  let sizes = 0;
  const started = { at: 0 };
  const worker = async () => {
    for (;;) {
      const index = next;
      next += 1;
      if (index >= inputs.length) return;
      if (index === warmup) started.at = performance.now();
      const at = performance.now();
      try {
        sizes += await call(inputs[index]);
        if (index >= warmup) latencies.push(performance.now() - at);
      } catch (error) {
        if (errors.length < 5) errors.push(String(error?.message ?? error).slice(0, 300));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started.at) / 1000;
  return {
    ...distribution(latencies),
    requestsPerSecond: Math.round((latencies.length / seconds) * 10) / 10,
    meanResults: Math.round((sizes / inputs.length) * 10) / 10,
    errors,
  };
}

/**
 * The floor every query stands on, measured in the same run: `RETURN 1` over a bare Bolt connection (Neo4j and
 * the machine alone) and through neo4j-driver as Portrait's reads run it (a session per statement, auto-commit).
 */
async function floors(driver, config, options) {
  const total = options.warmup + options.requests;
  const inputs = Array.from({ length: total }, () => null);
  const { hostname, port } = new URL(config.NEO4J_URI);
  const bolt = await openBareBolt({
    host: hostname,
    port: Number(port || 7687),
    user: config.NEO4J_USER,
    password: config.NEO4J_PASSWORD,
  });
  let bare;
  try {
    bare = await measure(() => bolt.roundTrip().then(() => 0), inputs, 1, options.warmup);
  } finally {
    bolt.close();
  }
  const statement = async () => {
    const session = driver.session({ database: config.NEO4J_DATABASE, defaultAccessMode: 'READ' });
    try {
      await session.run('RETURN 1');
    } finally {
      await session.close();
    }
    return 0;
  };
  return {
    bare,
    driver: await measure(statement, inputs, 1, options.warmup),
    driverLoaded: await measure(statement, inputs, options.concurrency, options.warmup),
  };
}

/** The benchmark; resolves to the result object that the command line prints and writes. */
export async function run(given = {}) {
  const options = withDefaults(spec, given);
  if (!['http', 'fetch'].includes(options.client))
    throw new Error(`--client takes http or fetch, not ${options.client}`);
  const started = Date.now();
  const { createDriver } = dist('db/driver.js');
  const config = benchConfig();
  const database = config.NEO4J_DATABASE;
  const driver = createDriver(config);
  const closers = [() => driver.close()];
  try {
    const result = await resultBase(
      NAME,
      'Related products, recommendations, lookalikes',
      options,
      driver,
      database,
    );
    if ((await dataSize(driver, database)).profiles === 0 && options.people > 0) {
      result.bulkLoad = await bulkLoadPeople(config, driver, {
        people: options.people,
        products: options.products,
        activity: options.activity,
        name: NAME,
      });
    }
    result.data = await dataSize(driver, database);
    if (result.data.profiles === 0) throw new Error('the database holds no profiles: pass --people N');
    const [{ engaged }] = await rows(driver, database, 'MATCH ()-[e:ENGAGED]->() RETURN count(e) AS engaged');
    result.data.engagedEdges = Number(engaged);

    say('sampling products, profiles and seeds');
    const random = dist('demo/generator.js').prng(options.seed);
    const input = await samples(driver, database, options, random);
    result.data.productsWithRelatedList = input.productsWithList;

    say('the floor: RETURN 1 over bare Bolt, then through neo4j-driver');
    result.floor = await floors(driver, config, options);

    const portrait = await startBenchPortrait();
    closers.unshift(() => portrait.stop());
    const url = portrait.server.graphqlUrl;
    let send = (query, variables) => graphql(url, BENCH_ADMIN_KEY, query, variables);
    if (options.client === 'http') {
      const client = graphqlClient(url, BENCH_ADMIN_KEY, options.concurrency);
      closers.unshift(() => client.close());
      send = client.request;
    }
    const ask = (query, variables, field) => send(query, variables).then((data) => data[field].length);
    const first = options.first;
    const queries = [
      [
        'relatedProducts, products drawn uniformly',
        (id) => ask(RELATED, { id, first }, 'relatedProducts'),
        input.uniform,
      ],
      [
        'relatedProducts, products drawn by engagement',
        (id) => ask(RELATED, { id, first }, 'relatedProducts'),
        input.weighted,
      ],
      [
        'recommendations, profiles drawn uniformly',
        (id) => ask(RECOMMENDATIONS, { id, first }, 'recommendations'),
        input.people,
      ],
      [
        `lookalikes top ${options.lookalikeFirst}, seed of ${options.seedSize} alike profiles`,
        (ids) => ask(LOOKALIKES, { ids, first: options.lookalikeFirst }, 'lookalikes'),
        input.seeds,
      ],
    ];
    result.queries = [];
    if (input.productsWithList === 0)
      result.warnings.push(
        'no product has a related list (the refresh has not run): relatedProducts not timed',
      );
    // Neo4j's JIT compilers while each query was timed: a Neo4j still compiling its read paths (just started,
    // or only ever loaded) is slower than it will be.
    const jvm = neo4jJvm(config.NEO4J_URI);
    for (const [name, call, inputs] of queries) {
      if (inputs.length === 0) continue;
      const warmup = name.startsWith('lookalikes') ? Math.min(options.warmup, 10) : options.warmup;
      say(`${name}: ${inputs.length - warmup} requests, one at a time`);
      const alone = await watched(jvm, () => measure(call, inputs, 1, warmup));
      say(`${name}: again from ${options.concurrency} clients`);
      const loaded = await watched(jvm, () => measure(call, inputs, options.concurrency, warmup));
      result.queries.push({ name, alone, loaded });
      for (const errors of [alone.errors, loaded.errors])
        if (errors.length > 0) result.warnings.push(`${name}: ${errors[0]}`);
    }
    result.seconds = Math.round((Date.now() - started) / 100) / 10;
    return result;
  } finally {
    for (const close of closers) await close();
  }
}

/** What `timed` resolves to, with the cores Neo4j's JIT compilers used meanwhile (null when not watched). */
async function watched(jvm, timed) {
  const watch = jvm?.watch();
  const measured = await timed();
  return { ...measured, neo4jCompilerCores: watch?.().compiler ?? null };
}

/** A line of the report's table: latency alone, under load (when measured) and the mean number of results. */
function row(name, alone, loaded = null, results = '') {
  const jit = (m) => m?.neo4jCompilerCores ?? '';
  return [
    name,
    alone.p50,
    alone.p99,
    alone.max,
    loaded?.requestsPerSecond ?? '',
    loaded?.p50 ?? '',
    loaded?.p99 ?? '',
    results,
    loaded ? `${jit(alone)} / ${jit(loaded)}` : '',
  ];
}

/** The report as markdown. */
export function markdown(result) {
  const c = result.options.concurrency;
  return [
    reportHeader(result),
    '',
    ...(result.bulkLoad
      ? [
          `Bulk load of ${result.bulkLoad.people} people: ${result.bulkLoad.events} events in ${result.bulkLoad.totalSeconds} s`,
          '',
        ]
      : []),
    `${result.data.productsWithRelatedList} products with a related list, ${result.data.engagedEdges} ENGAGED edges.`,
    '',
    markdownTable(
      [
        // Results saved before --client existed were timed with fetch.
        `query (end to end over HTTP, ${result.options.client === 'http' ? 'node:http' : 'fetch'} client)`,
        'p50 ms',
        'p99 ms',
        'max ms',
        `${c} clients: req/s`,
        'p50 ms',
        'p99 ms',
        'results',
        "Neo4j's JIT, cores (alone / loaded)",
      ],
      [
        row('floor: `RETURN 1` over bare Bolt (no driver, no API)', result.floor.bare),
        row(
          'floor: `RETURN 1` through neo4j-driver (no API)',
          result.floor.driver,
          result.floor.driverLoaded,
        ),
        ...result.queries.map((q) => row(q.name, q.alone, q.loaded, q.alone.meanResults)),
      ],
    ),
    ...result.warnings.map((w) => `\nWARNING: ${w}`),
  ].join('\n');
}

if (isMain(import.meta.url)) await cli({ name: NAME, spec, run, markdown });
