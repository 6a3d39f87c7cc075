// The subscription benchmark (issue 7, item 4): how long a segment membership change takes from the commit of
// the event that caused it to its delivery to subscribers. N subscribers (graphql-ws, the official client)
// listen to `segmentMembershipChanged` of one segment whose rule tests one trait; a sender posts identify
// events to /v1/batch at a steady rate, in small batches every --interval ms, each flipping that trait for a
// user of a pool, so every event makes its profile enter or leave the segment.
//
// Latency of one delivery = when a subscriber received the change - when the /v1/batch request that caused
// it returned. The request returns once its transaction has committed, so this is an upper bound of the time
// since commit... except that Portrait announces changes right after the commit and before it answers, so a
// delivery may beat the response home: small negative latencies are real, not a clock error (one process,
// one monotonic clock). The time since the request was sent is reported too (`fromSendMs`).
//
//   npm run build && node tools/neo4j.mjs run --fresh -- node tools/bench/subscriptions.mjs [--redis]
//
// With --redis the same is measured again with REDIS_URL set and two Portrait instances in this process on
// one Neo4j: subscribers on one, the sender on the other, so every change crosses Redis.

import {
  cli,
  createKey,
  createSegment,
  dataSize,
  distribution,
  isMain,
  log,
  markdownTable,
  ratio,
  reportHeader,
  requireFromRoot,
  resultBase,
  startBenchPortrait,
  withDefaults,
} from './common.mjs';

const NAME = 'subscriptions';

export const spec = {
  subscribers: { type: 'number', default: 100, smoke: 5, help: 'graphql-ws subscribers' },
  rate: { type: 'number', default: 1000, smoke: 20, help: 'events per second sent' },
  interval: { type: 'number', default: 50, help: 'milliseconds between batches (50 to 100 is typical)' },
  duration: { type: 'number', default: 20, smoke: 2, help: 'seconds of sending' },
  warmup: { type: 'number', default: 3, smoke: 0, help: 'seconds of sending before measuring' },
  pool: {
    type: 'number',
    default: 0,
    help: 'users whose trait is flipped (0: rate x 5, so a user flips every 5 s)',
  },
  maxInFlight: {
    type: 'number',
    default: 64,
    help: 'most /v1/batch requests outstanding before a tick is skipped',
  },
  drain: {
    type: 'number',
    default: 15,
    smoke: 10,
    help: 'seconds to wait for late deliveries after sending',
  },
  redis: { type: 'boolean', default: false, help: 'measure again across two instances with Redis' },
  redisUrl: { type: 'string', default: 'redis://127.0.0.1:6379', help: 'Redis for --redis' },
};

const SUBSCRIPTION = `subscription ($segmentId: ID!) {
  segmentMembershipChanged(segmentId: $segmentId) { cursor change profileId }
}`;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Identify events through the ingestion service, in batches (setting up the pool, not measured). */
async function ingestAll(portrait, events) {
  for (let i = 0; i < events.length; i += 500)
    await portrait.services.ingest.ingest(events.slice(i, i + 500));
}

/**
 * One measurement: `subscriberSide` serves the subscribers, `senderSide` takes the events (the same instance
 * without Redis). Resolves to the latency figures.
 */
async function measure(options, subscriberSide, senderSide, label) {
  const { createClient } = requireFromRoot('graphql-ws');
  const WebSocket = requireFromRoot('ws');
  const say = (message) => log(NAME, `${label}: ${message}`);
  const runId = `bench-${label}-${Date.now().toString(36)}`;
  const pool = Math.max(10, Math.trunc(options.pool || options.rate * 5));
  const users = Array.from({ length: pool + 1 }, (_, i) => `${runId}-u${i}`);
  const timestamp = () => new Date().toISOString();
  let messages = 0;
  const identify = (userId, value) => ({
    type: 'identify',
    messageId: `${runId}-m${(messages += 1)}`,
    userId,
    traits: { bench_live: value },
    timestamp: timestamp(),
  });

  // The pool's profiles exist before the segment, all outside it.
  say(`creating ${users.length} profiles`);
  await ingestAll(
    senderSide,
    users.map((u) => identify(u, false)),
  );
  const segmentId = await createSegment(subscriberSide, `bench live ${runId}`, {
    trait: 'bench_live',
    eq: true,
  });
  const { records } = await senderSide.driver.executeQuery(
    `UNWIND $users AS u
     MATCH (:Identifier {namespace: 'user_id', value: u})-[:IN]->(p:Profile)
     RETURN u, p.id AS id`,
    { users },
    { database: senderSide.config.NEO4J_DATABASE },
  );
  const profileOf = new Map(records.map((r) => [r.get('u'), r.get('id')]));
  if (profileOf.size !== users.length)
    throw new Error(`${users.length - profileOf.size} pool users have no profile`);

  const trackerKey = await createKey(senderSide, 'tracker');
  const dashboardKey = await createKey(subscriberSide, 'dashboard');

  // Toggles sent, and the pending ones per profile and direction, in order (changes of one profile arrive in
  // log order, so the first pending toggle is the one a change answers).
  const toggles = []; // { sentAt, returnedAt, ok }
  const pending = new Map();
  const byCursor = new Map();
  const deliveries = []; // triples: toggle index (-1: unmatched), received at, committed at (NaN: unknown)
  let received = 0;
  const onChange = ({ cursor, change, profileId }) => {
    const now = performance.now();
    received += 1;
    let toggle = byCursor.get(cursor);
    if (toggle === undefined) {
      toggle = pending.get(`${profileId}|${change}`)?.shift() ?? -1;
      byCursor.set(cursor, toggle);
    }
    deliveries.push(toggle, now, committedAt.get(cursor) ?? Number.NaN);
  };
  // The exact commit: the sender's instance announces each committed transaction's segment changes right after
  // its commit (and before it answers the request); this process can listen there. A cursor is the change's seq.
  const committedAt = new Map();
  const stopListening = senderSide.services.changes.onCommitted((settlement) => {
    const now = performance.now();
    for (const c of settlement.segmentChanges)
      if (c.segmentId === segmentId) committedAt.set(String(c.seq), now);
  });

  say(`connecting ${options.subscribers} subscribers`);
  const clients = [];
  const errors = [];
  let connected = 0;
  for (let i = 0; i < options.subscribers; i += 1) {
    const client = createClient({
      url: subscriberSide.server.websocketUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${dashboardKey}` },
      on: { connected: () => (connected += 1) },
    });
    clients.push(client);
    client.subscribe(
      { query: SUBSCRIPTION, variables: { segmentId } },
      {
        next: (message) => {
          if (message.errors) errors.push(JSON.stringify(message.errors).slice(0, 300));
          else onChange(message.data.segmentMembershipChanged);
        },
        error: (error) => errors.push(String(error?.message ?? error?.reason ?? error)),
        complete: () => {},
      },
    );
  }

  const trackerAuth = `Basic ${Buffer.from(`${trackerKey}:`).toString('base64')}`;
  const state = new Map(users.map((u) => [u, false]));
  let inFlight = 0;
  let accepted = 0;
  let failedRequests = 0;
  const requestMs = [];
  const send = async (batchUsers) => {
    const events = [];
    const mine = [];
    for (const user of batchUsers) {
      const value = !state.get(user);
      state.set(user, value);
      events.push(identify(user, value));
      const key = `${profileOf.get(user)}|${value ? 'ENTERED' : 'EXITED'}`;
      const index = toggles.push({ sentAt: 0, returnedAt: null, ok: false }) - 1;
      if (!pending.has(key)) pending.set(key, []);
      pending.get(key).push(index);
      mine.push({ index, key, user, value });
    }
    inFlight += 1;
    const sentAt = performance.now();
    for (const t of mine) toggles[t.index].sentAt = sentAt;
    try {
      const response = await fetch(`${senderSide.server.url}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: trackerAuth },
        body: JSON.stringify({ batch: events }),
      });
      const returnedAt = performance.now();
      const body = await response.json().catch(() => ({}));
      requestMs.push(returnedAt - sentAt);
      if (response.status !== 200 || body.accepted !== events.length) {
        throw new Error(`${response.status} ${JSON.stringify(body).slice(0, 200)}`);
      }
      accepted += events.length;
      for (const t of mine) Object.assign(toggles[t.index], { returnedAt, ok: true });
    } catch (error) {
      failedRequests += 1;
      if (errors.length < 20) errors.push(`send: ${error?.message ?? error}`);
      // A failed request changes nothing: forget its toggles.
      for (const t of mine) {
        state.set(t.user, !t.value);
        const queue = pending.get(t.key);
        const at = queue?.indexOf(t.index) ?? -1;
        if (at !== -1) queue.splice(at, 1);
      }
    } finally {
      inFlight -= 1;
    }
  };

  try {
    for (const deadline = Date.now() + 30_000; connected < options.subscribers;) {
      if (Date.now() > deadline)
        throw new Error(`only ${connected} of ${options.subscribers} subscribers connected`);
      await sleep(50);
    }
    // A first change that every subscriber must see before the clock starts: subscriptions are live.
    await send([users[0]]);
    for (const deadline = Date.now() + 30_000; received < options.subscribers;) {
      if (Date.now() > deadline) {
        throw new Error(
          `only ${received} of ${options.subscribers} subscribers saw the first change: ${errors.slice(0, 3)}`,
        );
      }
      await sleep(20);
    }
    const reset = () => {
      toggles.length = 0;
      deliveries.length = 0;
      pending.clear();
      byCursor.clear();
      committedAt.clear();
      requestMs.length = 0;
      accepted = 0;
      failedRequests = 0;
    };
    const perBatch = Math.max(1, Math.round((options.rate * options.interval) / 1000));
    // Steady sending: one batch every `interval` ms on a fixed schedule, never waiting for the previous one.
    const sendFor = async (seconds) => {
      const started = performance.now();
      const sends = [];
      let skipped = 0;
      for (let tick = 0; ; tick += 1) {
        const due = started + tick * options.interval;
        if (due - started >= seconds * 1000) break;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        if (inFlight >= options.maxInFlight) {
          skipped += 1;
          continue;
        }
        const batchUsers = [];
        for (let i = 0; i < perBatch; i += 1) {
          batchUsers.push(users[next]);
          next = next === pool ? 1 : next + 1;
        }
        sends.push(send(batchUsers));
      }
      await Promise.all(sends);
      return { sendingSeconds: (performance.now() - started) / 1000, skipped };
    };
    const expectedNow = () => toggles.filter((t) => t.ok).length * options.subscribers;
    const matched = () => deliveries.filter((_, i) => i % 3 === 0 && deliveries[i] !== -1).length;
    const drain = async (seconds) => {
      const expected = expectedNow();
      for (const deadline = Date.now() + seconds * 1000; matched() < expected && Date.now() < deadline;) {
        await sleep(100);
      }
      return expected;
    };
    let next = 1;
    reset();
    if (options.warmup > 0) {
      say(`warming up for ${options.warmup} s`);
      await sendFor(options.warmup);
      await drain(options.drain);
      reset();
    }

    say(`${perBatch} events every ${options.interval} ms for ${options.duration} s`);
    const { sendingSeconds, skipped } = await sendFor(options.duration);
    const expected = await drain(options.drain);

    const latency = [];
    const fromSend = [];
    const fromCommit = [];
    let unmatched = 0;
    for (let i = 0; i < deliveries.length; i += 3) {
      const toggle = toggles[deliveries[i]];
      if (!toggle?.ok) {
        unmatched += 1;
        continue;
      }
      latency.push(deliveries[i + 1] - toggle.returnedAt);
      fromSend.push(deliveries[i + 1] - toggle.sentAt);
      if (!Number.isNaN(deliveries[i + 2])) fromCommit.push(deliveries[i + 1] - deliveries[i + 2]);
    }
    return {
      subscribers: options.subscribers,
      eventsSent: toggles.length,
      eventsAccepted: accepted,
      eventsPerSecond: Math.round(accepted / sendingSeconds),
      targetEventsPerSecond: options.rate,
      skippedTicks: skipped,
      failedRequests,
      requestMs: distribution(requestMs),
      deliveriesExpected: expected,
      deliveries: latency.length,
      missing: expected - latency.length,
      unmatched,
      latencyMs: distribution(latency),
      fromSendMs: distribution(fromSend),
      fromCommitMs: distribution(fromCommit),
      errors: errors.slice(0, 10),
    };
  } finally {
    stopListening();
    await Promise.all(clients.map((c) => c.dispose()));
  }
}

/** The benchmark; resolves to the result object that the command line prints and writes. */
export async function run(given = {}) {
  const options = withDefaults(spec, given);
  const started = Date.now();
  const say = (message) => log(NAME, message);
  const single = await startBenchPortrait();
  let result;
  try {
    result = await resultBase(
      NAME,
      'Subscription latency: event commit to subscriber delivery',
      options,
      single.driver,
      single.config.NEO4J_DATABASE,
    );
    say('one instance, in-memory change bus');
    result.local = await measure(options, single, single, 'local');
    result.data = await dataSize(single.driver, single.config.NEO4J_DATABASE);
  } finally {
    await single.stop();
  }
  if (options.redis) {
    say(`two instances, Redis at ${options.redisUrl}`);
    const subscriberSide = await startBenchPortrait({ REDIS_URL: options.redisUrl });
    try {
      const senderSide = await startBenchPortrait({ REDIS_URL: options.redisUrl });
      try {
        result.redis = await measure(options, subscriberSide, senderSide, 'redis');
      } finally {
        await senderSide.stop();
      }
    } finally {
      await subscriberSide.stop();
    }
    const pair = (field, q) => ratio(result.redis[field][q], result.local[field][q]);
    result.ratio = {
      'redis/local p50 from return': pair('latencyMs', 'p50'),
      'redis/local p99 from return': pair('latencyMs', 'p99'),
      'redis/local p50 from commit': pair('fromCommitMs', 'p50'),
      'redis/local p99 from commit': pair('fromCommitMs', 'p99'),
    };
  }
  for (const run of [result.local, result.redis].filter(Boolean)) {
    if (run.missing > 0)
      result.warnings.push(`${run.missing} of ${run.deliveriesExpected} deliveries never arrived`);
    if (run.errors.length > 0) result.warnings.push(`errors: ${run.errors.slice(0, 3).join('; ')}`);
  }
  result.seconds = Math.round((Date.now() - started) / 100) / 10;
  return result;
}

/** The report as markdown. */
export function markdown(result) {
  const runs = [
    ['one instance', result.local],
    ['two instances + Redis', result.redis],
  ].filter(([, r]) => r);
  const latencyRows = runs.flatMap(([label, r]) =>
    [
      ['the request returned', r.latencyMs],
      ['the commit', r.fromCommitMs],
      ['the request was sent', r.fromSendMs],
    ].map(([from, d]) => [label, from, d.p50, d.p95, d.p99, d.max, d.count]),
  );
  return [
    reportHeader(result),
    `- load: ${result.options.subscribers} subscribers on one segment; identify events at ${result.options.rate}/s, a batch every ${result.options.interval} ms, for ${result.options.duration} s after ${result.options.warmup} s of warm-up; each event makes one profile enter or leave the segment`,
    '',
    "Delivery latency (ms): when a subscriber received a change, minus when the /v1/batch request that caused it returned (the figure of issue 7), when its transaction committed (from Portrait's commit hook, in this process), or when the request was sent:",
    '',
    markdownTable(['setup', 'measured from', 'p50', 'p95', 'p99', 'max', 'deliveries'], latencyRows),
    '',
    markdownTable(
      [
        'setup',
        'events/s achieved',
        'target',
        'request p50 ms',
        'request p99 ms',
        'missing',
        'failed requests',
        'skipped ticks',
      ],
      runs.map(([label, r]) => [
        label,
        r.eventsPerSecond,
        r.targetEventsPerSecond,
        r.requestMs.p50,
        r.requestMs.p99,
        r.missing,
        r.failedRequests,
        r.skippedTicks,
      ]),
    ),
    ...(result.ratio
      ? [
          '',
          'Ratios measured in this run (two instances + Redis / one instance):',
          '',
          markdownTable(['ratio', 'value'], Object.entries(result.ratio)),
        ]
      : []),
    ...(result.warnings.length ? ['', ...result.warnings.map((w) => `**WARNING**: ${w}`)] : []),
  ].join('\n');
}

if (isMain(import.meta.url)) await cli({ name: NAME, spec, run, markdown });
