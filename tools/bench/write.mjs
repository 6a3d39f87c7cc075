// The write benchmark (issue 7, item 3): events per second through Portrait's HTTP POST /v1/batch — batches
// of generated events (src/demo/generator.ts) from several concurrent senders with a tracker key, with identity
// stitching, the default tag catalogue and segments with window rules on — against a bare writer that does the
// same writes (events, identifiers, links between the identifiers an event carries, carried-by evidence,
// products and categories, interactions) as batched UNWIND/MERGE statements straight through neo4j-driver,
// without stitching, tags or segments: what the database can take.
//
//   npm run build && node tools/neo4j.mjs run --fresh -- node tools/bench/write.mjs --people 2000
//
// Both writers start from an empty database: the script wipes it between them (the bare writer uses
// Portrait's labels, constraints and indexes, so both pay for the same unique lookups), and so refuses to run
// on a database that holds anything unless --wipe is given. First come warm-up rounds: in each, each writer
// ingests a small warm-up set (--warmup-people, another seed) that is wiped after it, until Neo4j's JIT
// compilers are quiet (--jit-quiet, at most --warmup seconds), so that neither pays for a cold JIT (Neo4j's or
// Node's). Then come the measured rounds (--rounds): in each, Portrait takes the whole set, then the bare
// writer, and Neo4j's CPU during each is reported. The ratio given is the last round's: the small warm-up set
// leaves code cold that the whole set runs (a JIT log showed Neo4j compiling Lucene's vector-index code, Bolt's
// and the kernel's for 0.6 of a core through Portrait's first measured run, code the bare writer, measured next,
// then ran compiled), so the first round is reported but the writers are compared once each has run the set.
// Portrait is restarted after every wipe: it caches keys, rules and definitions that a wipe would pull from under
// it.

import {
  benchConfig,
  cli,
  createKey,
  createSegment,
  dataSize,
  dist,
  distribution,
  isMain,
  log,
  markdownTable,
  neo4jJvm,
  ratio,
  reportHeader,
  resultBase,
  startBenchPortrait,
  warmRounds,
  wipeDatabase,
  withDefaults,
} from './common.mjs';

const NAME = 'write';

export const spec = {
  people: { type: 'number', default: 2000, smoke: 20, help: 'people of the generated event set' },
  warmupPeople: { type: 'number', default: 100, smoke: 0, help: 'people of the warm-up set (0: none)' },
  warmup: {
    type: 'number',
    default: 300,
    smoke: 0,
    help: "most seconds of warm-up rounds (both writers, the warm-up set each); they end once Neo4j's JIT is quiet",
  },
  jitQuiet: {
    type: 'number',
    default: 0.05,
    help: "warm-up rounds end once Neo4j's JIT compilers used under this share of a core in one (0: one round)",
  },
  rounds: {
    type: 'number',
    default: 2,
    smoke: 1,
    help: "measured rounds (each writer takes the whole set in each); the ratio given is the last round's",
  },
  batch: { type: 'number', default: 500, smoke: 50, help: 'events per request (and per bare batch)' },
  senders: { type: 'number', default: 4, smoke: 1, help: 'concurrent senders (and bare writers)' },
  seed: { type: 'number', default: 11, help: 'seed of the event generator' },
  acknowledge: {
    type: 'string',
    default: 'settled',
    help: "Portrait's INGEST_ACKNOWLEDGE: settled (the default) or stored; the clock stops once all is settled either way",
  },
  wipe: { type: 'boolean', default: false, help: 'allow wiping a database that holds data' },
  existing: {
    type: 'boolean',
    default: false,
    help: 'ingest into the graph as it is (no wipe, no warm-up, no bare run): stitching at that size',
  },
};

// The segments Portrait evaluates for every changed profile: window rules, so the scheduler matters too.
export const SEGMENTS = [
  { name: 'recent buyers', rule: { event: 'Order Completed', withinDays: 30 } },
  { name: 'active this week', rule: { withinDays: 7 } },
  { name: 'frequent viewers', rule: { event: 'Product Viewed', withinDays: 14, count: { gte: 5 } } },
  {
    name: 'Shanghai cart adders',
    rule: {
      all: [
        { trait: 'city', eq: 'Shanghai' },
        { event: 'Product Added', withinDays: 90 },
      ],
    },
  },
];

// ---------------------------------------------------------------------------------------------------------
// The bare writer

const BARE = {
  events: `UNWIND $rows AS e
MERGE (ev:Event {messageId: e.messageId})
  ON CREATE SET ev.type = e.type, ev.name = e.name, ev.at = e.at, ev.receivedAt = e.receivedAt`,
  identifiers: `UNWIND $rows AS x
MERGE (i:Identifier {namespace: x.namespace, value: x.value})
  ON CREATE SET i.kind = x.kind, i.firstSeen = x.firstSeen, i.lastSeen = x.lastSeen, i.createdAt = $now,
    i.shared = false, i.blocked = false
  ON MATCH SET i.firstSeen = CASE WHEN x.firstSeen < i.firstSeen THEN x.firstSeen ELSE i.firstSeen END,
    i.lastSeen = CASE WHEN x.lastSeen > i.lastSeen THEN x.lastSeen ELSE i.lastSeen END
SET i.traits = coalesce(x.traits, i.traits)`,
  links: `UNWIND $rows AS l
MATCH (a:Identifier {namespace: l.a.namespace, value: l.a.value})
MATCH (b:Identifier {namespace: l.b.namespace, value: l.b.value})
MERGE (a)-[r:LINKED]->(b)
  ON CREATE SET r.at = l.at, r.messageId = l.messageId, r.type = l.type, r.lastAt = l.lastAt, r.count = l.count
  ON MATCH SET r.count = r.count + l.count,
    r.lastAt = CASE WHEN l.lastAt > r.lastAt THEN l.lastAt ELSE r.lastAt END`,
  carriers: `UNWIND $rows AS c
MATCH (e:Event {messageId: c.messageId})
MATCH (i:Identifier {namespace: c.namespace, value: c.value})
CREATE (e)-[:CARRIED {primary: c.primary}]->(i)`,
  categories: `UNWIND $rows AS c
MERGE (cat:Category {path: c.path}) ON CREATE SET cat.name = c.name
WITH cat, c WHERE c.parent IS NOT NULL
MATCH (parent:Category {path: c.parent})
MERGE (cat)-[:CHILD_OF]->(parent)`,
  products: `UNWIND $rows AS x
MERGE (p:Product {id: x.id}) ON CREATE SET p.createdAt = x.at
SET p.name = coalesce(x.name, p.name), p.price = coalesce(x.price, p.price),
  p.brand = coalesce(x.brand, p.brand), p.category = coalesce(x.category, p.category)
WITH p, x WHERE x.category IS NOT NULL
MATCH (c:Category {path: x.category})
MERGE (p)-[:IN_CATEGORY]->(c)`,
  interactions: `UNWIND $rows AS x
MATCH (i:Identifier {namespace: x.namespace, value: x.identifier})
CREATE (i)-[:DID]->(it:Interaction {id: x.id, messageId: x.messageId, event: x.event, at: x.at,
  productId: x.productId, quantity: x.quantity, value: x.value, orderId: x.orderId, properties: x.properties})
WITH it, x WHERE x.productId IS NOT NULL
MATCH (p:Product {id: x.productId})
CREATE (it)-[:ON]->(p)`,
};

const byKey = (key) => (x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0);

/**
 * The rows the bare writer stores for one batch, from events validated by Portrait's own normalisation (so
 * both writers store the same identifiers, interactions and products). Traits are stored as the batch's latest
 * JSON per identifier, without Portrait's per-trait newest-wins merge. Rows are sorted by key so concurrent
 * batches lock nodes in one order.
 */
function bareRows(events, normalize, categoryAncestry) {
  const identifiers = new Map();
  const links = new Map();
  const carriers = [];
  const products = new Map();
  const categories = new Map();
  const interactions = [];
  const rows = { events: [] };
  for (const raw of events) {
    const outcome = normalize(raw);
    if (!outcome.ok) continue;
    const e = outcome.event;
    rows.events.push({
      messageId: e.messageId,
      type: e.type,
      name: e.name,
      at: e.at,
      receivedAt: e.receivedAt,
    });
    for (const id of e.identifiers) {
      const isPrimary = id.key === e.primary.key;
      const row = identifiers.get(id.key);
      const traits = isPrimary && e.traits ? JSON.stringify(e.traits) : null;
      if (!row) {
        identifiers.set(id.key, {
          namespace: id.namespace,
          value: id.value,
          kind: id.kind,
          firstSeen: e.at,
          lastSeen: e.at,
          traits,
        });
      } else {
        row.firstSeen = Math.min(row.firstSeen, e.at);
        row.lastSeen = Math.max(row.lastSeen, e.at);
        row.traits = traits ?? row.traits;
      }
      if (e.identifiers.length > 1) {
        carriers.push({
          messageId: e.messageId,
          namespace: id.namespace,
          value: id.value,
          primary: isPrimary,
        });
      }
      if (isPrimary) continue;
      const [a, b] = id.key < e.primary.key ? [id, e.primary] : [e.primary, id];
      const pair = `${a.key}\n${b.key}`;
      const link = links.get(pair);
      if (!link) {
        links.set(pair, {
          a: { namespace: a.namespace, value: a.value },
          b: { namespace: b.namespace, value: b.value },
          at: e.at,
          lastAt: e.at,
          messageId: e.messageId,
          type: e.type,
          count: 1,
          key: pair,
        });
      } else {
        link.count += 1;
        link.lastAt = Math.max(link.lastAt, e.at);
      }
    }
    for (const line of e.products) {
      products.set(line.id, {
        id: line.id,
        name: line.name,
        category: line.category,
        price: line.price,
        brand: line.brand,
        at: e.at,
      });
      if (!line.category) continue;
      for (const path of categoryAncestry(line.category)) {
        const cut = path.lastIndexOf('/');
        categories.set(path, {
          path,
          name: path.slice(cut + 1),
          parent: cut === -1 ? null : path.slice(0, cut),
        });
      }
    }
    for (const x of e.interactions) {
      interactions.push({
        id: x.id,
        messageId: e.messageId,
        event: x.event,
        at: e.at,
        productId: x.productId,
        quantity: x.quantity,
        value: x.value,
        orderId: x.orderId,
        properties: JSON.stringify(x.properties),
        namespace: e.primary.namespace,
        identifier: e.primary.value,
      });
    }
  }
  const identifierKey = (x) => `${x.namespace}:${x.value}`;
  return {
    events: rows.events,
    identifiers: [...identifiers.values()].sort(byKey(identifierKey)),
    links: [...links.values()].sort(byKey((l) => l.key)),
    carriers: carriers.sort(byKey(identifierKey)),
    // Parents before children, as the categories statement needs.
    categories: [...categories.values()].sort(
      (x, y) => x.path.split('/').length - y.path.split('/').length || (x.path < y.path ? -1 : 1),
    ),
    products: [...products.values()].sort(byKey((p) => p.id)),
    interactions: interactions.sort(byKey((x) => `${x.namespace}:${x.identifier}`)),
  };
}

async function bareWrite(driver, database, batches, senders) {
  const queue = [...batches];
  const now = Date.now();
  await Promise.all(
    Array.from({ length: senders }, async () => {
      const session = driver.session({ database });
      try {
        for (let rows = queue.shift(); rows; rows = queue.shift()) {
          const batch = rows;
          await session.executeWrite(async (tx) => {
            for (const [name, statement] of Object.entries(BARE)) {
              if (batch[name].length > 0) await tx.run(statement, { rows: batch[name], now });
            }
          });
        }
      } finally {
        await session.close();
      }
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Portrait through HTTP

async function portraitSetup(portrait) {
  await portrait.services.tags.installDefaults();
  for (const { name, rule } of SEGMENTS) await createSegment(portrait, `bench ${name} ${Date.now()}`, rule);
  return createKey(portrait, 'tracker');
}

/**
 * Sends the batches to /v1/batch from `senders` concurrent loops, all of them or until the time `until` (ms since
 * the epoch) has passed; per-request times and Portrait's tallies.
 */
export async function sendBatches(url, trackerKey, batches, senders, until = Infinity) {
  const queue = [...batches];
  const tally = {
    requests: 0,
    accepted: 0,
    duplicates: 0,
    suppressed: 0,
    rejected: 0,
    failed: 0,
    failures: [],
  };
  const requestMs = [];
  // Segment's libraries send the write key as the HTTP Basic user name.
  const authorization = `Basic ${Buffer.from(`${trackerKey}:`).toString('base64')}`;
  await Promise.all(
    Array.from({ length: senders }, async () => {
      for (let batch = queue.shift(); batch && Date.now() < until; batch = queue.shift()) {
        const started = performance.now();
        const response = await fetch(`${url}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify({ batch, sentAt: new Date().toISOString() }),
        });
        const body = await response.json().catch(() => ({}));
        requestMs.push(performance.now() - started);
        tally.requests += 1;
        if (response.status !== 200) {
          tally.failed += batch.length;
          if (tally.failures.length < 5)
            tally.failures.push(`${response.status} ${JSON.stringify(body).slice(0, 200)}`);
          continue;
        }
        tally.accepted += body.accepted;
        tally.duplicates += body.duplicates;
        tally.suppressed += body.suppressed;
        tally.rejected += body.rejected.length;
      }
    }),
  );
  return { tally, requestMs };
}

/**
 * sendBatches of `events` in batches of options.batch from options.senders senders to `portrait`, with the
 * seconds taken until every event is stored and settled (with INGEST_ACKNOWLEDGE=stored, requests are answered
 * before their profiles are settled).
 */
async function timedSend(portrait, trackerKey, events, options) {
  const started = performance.now();
  const sent = await sendBatches(
    portrait.server.url,
    trackerKey,
    chunks(events, options.batch),
    options.senders,
  );
  await portrait.services.ingest.idle();
  return { ...sent, seconds: (performance.now() - started) / 1000 };
}

// ---------------------------------------------------------------------------------------------------------

/** What each writer leaves in the database: the writes both do, and those only Portrait does. */
async function stored(driver, database) {
  const count = async (pattern) => {
    const { records } = await driver.executeQuery(`MATCH ${pattern} RETURN count(*) AS n`, {}, { database });
    return records[0].get('n');
  };
  return {
    events: await count('(:Event)'),
    identifiers: await count('(:Identifier)'),
    links: await count('()-[:LINKED]->()'),
    carried: await count('()-[:CARRIED]->()'),
    products: await count('(:Product)'),
    interactions: await count('(:Interaction)'),
    profiles: await count('(:Profile)'),
    tagged: await count('(:Profile)-[:HAS_TAG]->()'),
    memberships: await count('(:Profile)-[:MEMBER_OF]->()'),
  };
}

export function chunks(items, size) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * --existing: Portrait alone, ingesting into the graph as it is (say a bulk-loaded 1M profiles). The events'
 * people share their user ids with the people of any generated data set (u0000001, ...), so on a generated
 * graph they are returning customers on new devices: every batch stitches into existing components. The
 * segments are created first, each timed over every profile in the graph.
 */
async function intoExisting(options, result, driver, database, say) {
  const { generateEvents } = dist('demo/generator.js');
  result.data = await dataSize(driver, database);
  const events = [...generateEvents({ people: options.people, seed: options.seed, now: Date.now() })];
  const portrait = await startBenchPortrait({ INGEST_ACKNOWLEDGE: options.acknowledge });
  try {
    await portrait.services.tags.installDefaults();
    result.segmentSeconds = [];
    for (const { name, rule } of SEGMENTS) {
      const t = Date.now();
      await createSegment(portrait, `bench ${name} ${Date.now()}`, rule, 3_600_000);
      result.segmentSeconds.push({ name, seconds: Math.round((Date.now() - t) / 100) / 10 });
      say(`segment "${name}" evaluated over the graph in ${result.segmentSeconds.at(-1).seconds} s`);
    }
    const trackerKey = await createKey(portrait, 'tracker');
    const before = await stored(driver, database);
    say(`portrait: ${events.length} events of ${options.people} people, ${options.senders} senders`);
    const { seconds, ...sent } = await timedSend(portrait, trackerKey, events, options);
    const after = await stored(driver, database);
    result.portrait = {
      events: events.length,
      seconds: Math.round(seconds * 100) / 100,
      eventsPerSecond: Math.round(sent.tally.accepted / seconds),
      ...sent.tally,
      requestMs: distribution(sent.requestMs),
      added: Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]])),
    };
    for (const failure of sent.tally.failures) result.warnings.push(`portrait request failed: ${failure}`);
    say(`portrait: ${result.portrait.eventsPerSecond} events/s`);
  } finally {
    await portrait.stop();
  }
  result.seconds = Math.round((Date.now() - Date.parse(result.startedAt)) / 100) / 10;
  return result;
}

/** The benchmark; resolves to the result object that the command line prints and writes. */
export async function run(given = {}) {
  const options = withDefaults(spec, given);
  const started = Date.now();
  const say = (message) => log(NAME, message);
  const config = benchConfig();
  const { createDriver } = dist('db/driver.js');
  const { applySchema } = dist('db/migrations.js');
  const { silentLogger } = dist('common/logger.js');
  const { generateEvents } = dist('demo/generator.js');
  const { normalizeEvent } = dist('ingest/segment-event.js');
  const { defaultRulesConfig, toIdentityRules } = dist('identity/rules.js');
  const { categoryAncestry } = dist('ingest/ecommerce.js');
  const database = config.NEO4J_DATABASE;
  const driver = createDriver(config);
  try {
    await applySchema(driver, database, silentLogger);
    const result = await resultBase(
      NAME,
      'Write benchmark: events/s through /v1/batch',
      options,
      driver,
      database,
    );
    if (options.existing) return await intoExisting(options, result, driver, database, say);
    const { records } = await driver.executeQuery('MATCH (n) RETURN count(n) AS n', {}, { database });
    if (records[0].get('n') > 0 && !options.wipe) {
      throw new Error(
        'the database is not empty and this benchmark wipes it: run it on a fresh one (node tools/neo4j.mjs run --fresh -- ...) or pass --wipe',
      );
    }
    await wipeDatabase(driver, database);

    const now = Date.now();
    const events = [...generateEvents({ people: options.people, seed: options.seed, now })];
    const warmup =
      options.warmupPeople > 0
        ? [...generateEvents({ people: options.warmupPeople, seed: options.seed + 1, now })]
        : [];
    const batches = chunks(events, options.batch);
    say(
      `${events.length} events of ${options.people} people in ${batches.length} batches of ${options.batch}`,
    );

    const jvm = neo4jJvm(config.NEO4J_URI);
    // Portrait: warm-up (wiped), then measured, each on a freshly started instance.
    const portraitRun = async (set, measured) => {
      const portrait = await startBenchPortrait({ INGEST_ACKNOWLEDGE: options.acknowledge });
      try {
        const trackerKey = await portraitSetup(portrait);
        // Every attempt at a storing transaction claims its events once, and every attempt at a settling one
        // drops its rounds' records once, last: a round of concurrent requests is one transaction of each kind
        // (an attempt the executor retried counts again if it got that far).
        let storing = 0;
        let settling = 0;
        const stop = portrait.services.executor.onQuery((event) => {
          if (event.query === 'ingest.claimEvents') storing += 1;
          if (event.query === 'ingest.dropUnsettled') settling += 1;
        });
        const watch = jvm?.watch();
        const { seconds, ...sent } = await timedSend(portrait, trackerKey, set, options);
        sent.neo4jCores = watch?.() ?? null;
        stop();
        sent.storing = storing;
        sent.settling = settling;
        if (!measured) return null;
        return { ...sent, seconds };
      } finally {
        await portrait.stop();
      }
    };
    // The bare writer's rows are prepared before its clock starts (their preparation is reported apart).
    const rules = toIdentityRules(defaultRulesConfig());
    const normalize = (event) =>
      normalizeEvent(event, 0, { rules, receivedAt: Date.now(), maxEventBytes: config.MAX_EVENT_BYTES });

    // Warm-up rounds: each writer takes the warm-up set (wiped after it), until Neo4j's JIT compilers are
    // quiet. A freshly started JVM compiles for minutes and takes half a core of two doing it; measured then,
    // the first writer would pay for it more than the second, and both more than a server that has run a while.
    if (warmup.length > 0) {
      const warm = chunks(warmup, options.batch).map((b) => bareRows(b, normalize, categoryAncestry));
      result.warmup = await warmRounds(
        jvm,
        { quiet: options.jitQuiet, maxSeconds: options.warmup, say },
        async (round) => {
          say(`warm-up round ${round}: each writer takes ${warmup.length} events`);
          await portraitRun(warmup, false);
          await wipeDatabase(driver, database);
          await bareWrite(driver, database, warm, options.senders);
          await wipeDatabase(driver, database);
        },
      );
    }

    // The bare writer's rows, prepared once (their preparation is reported apart).
    const prepared = performance.now();
    const rows = batches.map((b) => bareRows(b, normalize, categoryAncestry));
    const prepareSeconds = (performance.now() - prepared) / 1000;
    const written = rows.reduce((sum, r) => sum + r.events.length, 0);
    result.rounds = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      const last = round === options.rounds;
      say(`round ${round}: portrait, ${options.senders} senders`);
      const p = await portraitRun(events, true);
      result.portrait = {
        events: events.length,
        seconds: Math.round(p.seconds * 100) / 100,
        eventsPerSecond: Math.round(p.tally.accepted / p.seconds),
        ...p.tally,
        requestMs: distribution(p.requestMs),
        storingTransactions: p.storing,
        settlingTransactions: p.settling,
        stored: await stored(driver, database),
        neo4jCores: p.neo4jCores,
      };
      say(`round ${round}: portrait: ${result.portrait.eventsPerSecond} events/s`);
      for (const failure of p.tally.failures) result.warnings.push(`portrait request failed: ${failure}`);
      if (last) result.data = await dataSize(driver, database);
      await wipeDatabase(driver, database);

      say(`round ${round}: bare, ${options.senders} writers`);
      const t = performance.now();
      const watch = jvm?.watch();
      await bareWrite(driver, database, rows, options.senders);
      const seconds = (performance.now() - t) / 1000;
      const bareCores = watch?.() ?? null;
      result.bare = {
        events: written,
        seconds: Math.round(seconds * 100) / 100,
        eventsPerSecond: Math.round(written / seconds),
        prepareSeconds: Math.round(prepareSeconds * 100) / 100,
        stored: await stored(driver, database),
        neo4jCores: bareCores,
      };
      say(`round ${round}: bare: ${result.bare.eventsPerSecond} events/s`);
      result.rounds.push({
        portrait: result.portrait.eventsPerSecond,
        bare: result.bare.eventsPerSecond,
        ratio: ratio(result.portrait.eventsPerSecond, result.bare.eventsPerSecond),
        portraitCores: result.portrait.neo4jCores,
        bareCores,
      });
      // The last round's bare writes stay (what the smoke test leaves); earlier rounds' are wiped.
      if (!last) await wipeDatabase(driver, database);
    }

    // Both must have stored the same writes, or the ratio compares different work.
    for (const field of ['events', 'identifiers', 'links', 'carried', 'products', 'interactions']) {
      if (result.portrait.stored[field] !== result.bare.stored[field]) {
        result.warnings.push(
          `${field}: Portrait stored ${result.portrait.stored[field]}, the bare writer ${result.bare.stored[field]}`,
        );
      }
    }
    for (const warning of result.warnings) say(`WARNING: ${warning}`);
    result.ratio = { 'portrait/bare': result.rounds.at(-1).ratio };
    result.seconds = Math.round((Date.now() - started) / 100) / 10;
    return result;
  } finally {
    await driver.close();
  }
}

/** The warm-up rounds and Neo4j's JIT at their end. */
function warmupText(result) {
  const w = result.warmup;
  if (!w) return 'none';
  const jit =
    w.compilerCores === null
      ? "Neo4j's process not found, its JIT not watched"
      : `Neo4j's JIT compilers used ${w.compilerCores} of a core in the last`;
  return `${w.rounds} round${w.rounds === 1 ? '' : 's'} in ${w.seconds} s (${jit})`;
}

/** Cores Neo4j used, by thread group. */
function coresText(cores) {
  return cores
    ? `${cores.total} cores (JIT compilers ${cores.compiler}, GC ${cores.gc}, the rest ${cores.work})`
    : 'not measured (its process was not found)';
}

/** Portrait's row of the report's table; `more` goes before the tallies in its notes. */
function portraitRow(p, more) {
  const notes = `request p50 ${p.requestMs.p50} ms, p99 ${p.requestMs.p99} ms; ${more}rejected ${p.rejected}, duplicates ${p.duplicates}, failed ${p.failed}`;
  return ['portrait /v1/batch', p.eventsPerSecond, p.accepted, p.seconds, notes];
}

/** The report as markdown. */
export function markdown(result) {
  const { portrait: p, bare: b } = result;
  if (!b) {
    return [
      reportHeader(result),
      `- events: ${p.events} generated events of ${result.options.people} people (seed ${result.options.seed}), batches of ${result.options.batch}, ${result.options.senders} concurrent senders, into the graph as it was`,
      '',
      markdownTable(
        ['segment created', 'evaluated over every profile, s'],
        result.segmentSeconds.map((x) => [x.name, x.seconds]),
      ),
      '',
      markdownTable(['writer', 'events/s', 'events', 'seconds', 'notes'], [portraitRow(p, '')]),
      '',
      `Added to the graph: ${Object.entries(p.added)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}`,
      ...(result.warnings.length ? ['', ...result.warnings.map((w) => `**WARNING**: ${w}`)] : []),
    ].join('\n');
  }
  const stored = Object.keys(p.stored).map((k) => [k, p.stored[k], b.stored[k]]);
  const rounds = result.rounds ?? [];
  return [
    reportHeader(result),
    `- events: ${p.events} generated events of ${result.options.people} people (seed ${result.options.seed}), batches of ${result.options.batch}, ${result.options.senders} concurrent senders; ${SEGMENTS.length} segments with window rules and the default tag catalogue on`,
    `- warm-up: ${warmupText(result)}`,
    `- Neo4j's CPU while Portrait wrote: ${coresText(p.neo4jCores)}; while the bare writer wrote: ${coresText(b.neo4jCores)}${rounds.length > 1 ? ' (last round)' : ''}`,
    '',
    ...(rounds.length > 1
      ? [
          markdownTable(
            [
              'round',
              'portrait events/s',
              'bare events/s',
              'ratio',
              "Neo4j's JIT compilers (portrait / bare), cores",
            ],
            rounds.map((r, i) => [
              i + 1,
              r.portrait,
              r.bare,
              r.ratio,
              `${r.portraitCores?.compiler ?? '?'} / ${r.bareCores?.compiler ?? '?'}`,
            ]),
          ),
          '',
        ]
      : []),
    markdownTable(
      ['writer', 'events/s', 'events', 'seconds', 'notes'],
      [
        portraitRow(
          p,
          `INGEST_ACKNOWLEDGE=${result.options.acknowledge}; ${p.requests} requests in ${p.storingTransactions} storing and ${p.settlingTransactions} settling transactions; `,
        ),
        [
          'bare UNWIND/MERGE',
          b.eventsPerSecond,
          b.events,
          b.seconds,
          `rows prepared beforehand in ${b.prepareSeconds} s`,
        ],
      ],
    ),
    '',
    `Ratio measured in this run${rounds.length > 1 ? ` (its last round of ${rounds.length}; the table above gives every round)` : ''}: portrait/bare events/s = **${result.ratio['portrait/bare']}**`,
    '',
    'Stored by each (the first six are the writes both do):',
    '',
    markdownTable(['', 'portrait', 'bare'], stored),
    ...(result.warnings.length ? ['', ...result.warnings.map((w) => `**WARNING**: ${w}`)] : []),
  ].join('\n');
}

if (isMain(import.meta.url)) await cli({ name: NAME, spec, run, markdown });
