// Where ingestion time goes: ingests generated events through the service of a started Portrait (the default tag
// catalogue and the write benchmark's segments on) from `senders` concurrent senders (default 1), and prints the
// time of each statement (with several senders, lock waits included). As in write.mjs, a warm-up set is
// ingested and wiped first, so that Neo4j's and Node's JIT are warm.
// With `flips`, the subscription benchmark's workload instead: identify events that flip one trait of users of
// a pool of rate x 5 (each flip makes its profile enter or leave a segment), sent at `rate` events/s in
// batches every 50 ms (at most 64 outstanding) for `seconds`, after as many seconds of the same as warm-up.
// With `traits`, a CRM sync on a loaded graph (nothing is wiped): identify events that change one trait of
// `count` users who have engagement (skipping the first `offset`, so that runs take different users), in
// batches of 100.
// With `heavy`, long-lived profiles: `users` users (default 10) with `history` interactions each (default 5,000,
// spread over two years: views, cart adds and orders), then `rounds` batches of one new view per user; the
// rounds' statements are timed (what settling a profile with a long history costs).
// With NEO4J_PID set to the Neo4j process's id (Linux), the CPU time Neo4j used is printed too.
//   npm run build && node tools/neo4j.mjs run --fresh -- node tools/bench/ingest-profile.mjs [people] [batch] [senders]
//   npm run build && node tools/neo4j.mjs run --fresh -- node tools/bench/ingest-profile.mjs flips [rate] [seconds]
//   NEO4J_URI=... node tools/bench/ingest-profile.mjs traits [count] [offset]
//   npm run build && node tools/neo4j.mjs run --fresh -- node tools/bench/ingest-profile.mjs heavy [history] [users] [rounds]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createSegment, startBenchPortrait, wipeDatabase } from './common.mjs';
import { identifyEvents } from './subscription-clients.mjs';
import { SEGMENTS } from './write.mjs';

const require = createRequire(import.meta.url);
const { generateEvents } = require('../../dist/src/demo/generator.js');
const { batches } = require('../../dist/src/demo/demo.js');

/** Times each statement `services` runs until the returned function is called; that returns the times. */
function timeStatements(services) {
  const byQuery = new Map();
  const stop = services.executor.onQuery((e) => {
    const s = byQuery.get(e.query) ?? { n: 0, ms: 0 };
    s.n += 1;
    s.ms += e.ms;
    byQuery.set(e.query, s);
  });
  return () => {
    stop();
    return byQuery;
  };
}

/** Runs `work` and prints what it took: wall time, events/s, this process's and Neo4j's CPU, each statement. */
async function measured(label, events, services, work) {
  const times = timeStatements(services);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const neo4jCpu = neo4jSeconds();
  await work();
  await services.ingest.idle();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const neo4jUsed = neo4jSeconds() - neo4jCpu;
  const byQuery = times();
  const neo4j = Number.isNaN(neo4jUsed)
    ? ''
    : `, Neo4j's ${neo4jUsed.toFixed(1)} s (${((1000 * neo4jUsed) / events()).toFixed(2)} ms an event)`;
  console.log(
    `${events()} events, ${label}: ${seconds.toFixed(1)} s, ${Math.round(events() / seconds)} events/s; this process's CPU ${((used.user + used.system) / 1e6).toFixed(1)} s${neo4j}`,
  );
  const total = [...byQuery.values()].reduce((s, q) => s + q.ms, 0);
  for (const [name, s] of [...byQuery].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(
      `${name.padEnd(36)} ${String(s.n).padStart(6)} calls ${(s.ms / 1000).toFixed(2).padStart(7)} s ${((100 * s.ms) / total).toFixed(1).padStart(5)}% ${(s.ms / s.n).toFixed(2).padStart(7)} ms a call`,
    );
  }
}

/** Starts Portrait with the benchmark settings, runs `work(portrait)`, and stops it. */
async function withPortrait(work) {
  const portrait = await startBenchPortrait();
  try {
    return await work(portrait);
  } finally {
    await portrait.stop();
  }
}

/** Ingests `people` people's events (seed `seed`) into a freshly started Portrait; the timings, or none. */
function ingestAll(count, seed, measure, batchSize, senders) {
  return withPortrait(async (portrait) => {
    const { services } = portrait;
    for (const { name, rule } of SEGMENTS) await createSegment(portrait, `profile ${name}`, rule);
    const events = [...generateEvents({ people: count, seed, now: Date.now() })];
    const queue = [...batches(events, batchSize)];
    const send = () =>
      Promise.all(
        Array.from({ length: senders }, async () => {
          for (let batch = queue.shift(); batch; batch = queue.shift()) await services.ingest.ingest(batch);
        }),
      );
    if (!measure) await send();
    else
      await measured(
        `${count} people, batch ${batchSize}, ${senders} senders`,
        () => events.length,
        services,
        send,
      );
  });
}

/** The subscription benchmark's writes, in process: flips of one trait at `rate` events/s. */
function flips(rate, seconds) {
  return withPortrait(async (portrait) => {
    const { services } = portrait;
    const run = `flips-${Date.now().toString(36)}`;
    const users = Array.from({ length: rate * 5 }, (_, i) => `${run}-u${i}`);
    const identify = identifyEvents(`${run}-m`);
    for (let i = 0; i < users.length; i += 500)
      await services.ingest.ingest(users.slice(i, i + 500).map((u) => identify(u, false)));
    await createSegment(portrait, `flips ${run}`, { trait: 'bench_live', eq: true });
    const live = new Map();
    let next = 0;
    let sent = 0;
    const send = async () => {
      const started = performance.now();
      const requests = [];
      let outstanding = 0;
      for (let tick = 0; tick < (seconds * 1000) / 50; tick += 1) {
        const wait = started + tick * 50 - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (outstanding >= 64) continue;
        const batch = Array.from({ length: rate / 20 }, () => {
          const user = users[next++ % users.length];
          live.set(user, !live.get(user));
          return identify(user, live.get(user));
        });
        sent += batch.length;
        outstanding += 1;
        requests.push(services.ingest.ingest(batch).finally(() => (outstanding -= 1)));
      }
      await Promise.all(requests);
    };
    await send();
    await services.ingest.idle();
    sent = 0;
    await measured(`flips at ${rate}/s for ${seconds} s`, () => sent, services, send);
  });
}

/** Trait updates of `count` users with engagement, from the `offset`-th on, in batches of 100. */
function traits(count, offset) {
  return withPortrait(async (portrait) => {
    const { services } = portrait;
    const { records } = await portrait.driver.executeQuery(
      `MATCH (i:Identifier {namespace: 'user_id'})-[:IN]->(p:Profile) WHERE EXISTS { (p)-[:ENGAGED]->() }
       RETURN i.value AS user ORDER BY user SKIP toInteger($offset) LIMIT toInteger($count)`,
      { offset, count },
      { database: portrait.config.NEO4J_DATABASE },
    );
    const users = records.map((r) => r.get('user'));
    const run = Date.now().toString(36);
    const events = users.map((userId, i) => ({
      type: 'identify',
      messageId: `traits-${run}-${i}`,
      userId,
      traits: { crm_tier: `tier-${run}` },
      timestamp: new Date().toISOString(),
    }));
    await measured(
      `trait updates of users with engagement`,
      () => events.length,
      services,
      async () => {
        for (const batch of batches(events, 100)) await services.ingest.ingest(batch);
      },
    );
  });
}

/** `history` interactions for each of `users` users over two years, then `rounds` rounds of one view each. */
function heavy(history, users, rounds) {
  return withPortrait(async (portrait) => {
    const { services } = portrait;
    for (const { name, rule } of SEGMENTS) await createSegment(portrait, `profile ${name}`, rule);
    const run = Date.now().toString(36);
    const now = Date.now();
    const product = (i) => ({
      product_id: `heavy-p${i % 2000}`,
      name: `Product ${i % 2000}`,
      category: `Category ${i % 7} > Sub ${i % 3}`,
      price: 10 + (i % 90),
    });
    let messages = 0;
    const event = (userId, i, at) => {
      const kind = i % 20;
      const base = {
        type: 'track',
        messageId: `heavy-${run}-${(messages += 1)}`,
        userId,
        timestamp: new Date(at).toISOString(),
      };
      if (kind === 0) {
        const line = { ...product(i * 7), quantity: 1 };
        return {
          ...base,
          event: 'Order Completed',
          properties: {
            order_id: `heavy-${run}-o${messages}`,
            total: line.price,
            revenue: line.price,
            currency: 'CNY',
            products: [line],
          },
        };
      }
      return {
        ...base,
        event: kind < 4 ? 'Product Added' : 'Product Viewed',
        properties: product(i * 13 + kind),
      };
    };
    const span = 730 * 86_400_000;
    const past = [];
    for (let u = 0; u < users; u += 1)
      for (let i = 0; i < history; i += 1)
        past.push(event(`heavy-${run}-u${u}`, i, now - span + (span * i) / history));
    await measured(
      `${users} users' histories of ${history} interactions, in batches of 500`,
      () => past.length,
      services,
      async () => {
        for (const batch of batches(past, 500)) await services.ingest.ingest(batch);
      },
    );
    const round = (r) =>
      Array.from({ length: users }, (_, u) => event(`heavy-${run}-u${u}`, history + r, Date.now()));
    for (let r = 0; r < 5; r += 1) await services.ingest.ingest(round(r));
    await services.ingest.idle();
    let sent = 0;
    await measured(
      `${users} users with ${history} interactions each, one more each a round, ${rounds} rounds`,
      () => sent,
      services,
      async () => {
        for (let r = 0; r < rounds; r += 1) {
          await services.ingest.ingest(round(5 + r));
          sent += users;
        }
      },
    );
  });
}

if (process.argv[2] === 'heavy') {
  await heavy(Number(process.argv[3] ?? 5000), Number(process.argv[4] ?? 10), Number(process.argv[5] ?? 50));
} else if (process.argv[2] === 'traits') {
  await traits(Number(process.argv[3] ?? 3000), Number(process.argv[4] ?? 0));
} else if (process.argv[2] === 'flips') {
  await flips(Number(process.argv[3] ?? 1000), Number(process.argv[4] ?? 15));
} else {
  const people = Number(process.argv[2] ?? 1000);
  const batchSize = Number(process.argv[3] ?? 500);
  const senders = Number(process.argv[4] ?? 1);
  await ingestAll(100, 12, false, batchSize, senders);
  await wipe();
  await ingestAll(people, 11, true, batchSize, senders);
}

/** CPU seconds used so far by the process NEO4J_PID names (Linux), or NaN. */
function neo4jSeconds() {
  const pid = process.env.NEO4J_PID;
  if (!pid) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function wipe() {
  return withPortrait((portrait) => wipeDatabase(portrait.driver, portrait.config.NEO4J_DATABASE));
}
