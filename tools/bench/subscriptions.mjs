// The subscription benchmark (issue 7, item 4): how long a segment membership change takes from the commit of
// the event that caused it to its delivery to subscribers. N subscribers (graphql-ws, the official client)
// listen to `segmentMembershipChanged` of one segment whose rule tests one trait; a sender posts identify
// events to /v1/batch at a steady rate, in small batches every --interval ms, each flipping that trait for a
// user of a pool, so every event makes its profile enter or leave the segment.
//
// Latency of one delivery = when a subscriber received the change - when the /v1/batch request that caused
// it returned. The request returns once its transaction has committed, so this is an upper bound of the time
// since commit... except that Portrait announces changes right after the commit and before it answers, so a
// delivery may beat the response home: small negative latencies are real, not a clock error. The time since
// the commit (from Portrait's commit hook) and since the request was sent are reported too.
//
// The subscribers and the sender run in a worker thread (subscription-clients.mjs): they are other machines in
// production, and in the server's event loop their parsing of every delivery would delay the server's own work.
// They still share the cores. Times are absolute (timeOrigin + now) so the two threads' clocks compare.
//
//   npm run build && node tools/neo4j.mjs run --fresh -- node tools/bench/subscriptions.mjs [--redis]
//
// With --redis the same is measured again with REDIS_URL set and two Portrait instances in this thread on
// one Neo4j: subscribers on one, the sender on the other, so every change crosses Redis.

import { Worker } from 'node:worker_threads';
import {
  cli,
  createKey,
  createSegment,
  dataSize,
  distribution,
  isMain,
  log,
  mainThreadCpuSeconds,
  markdownTable,
  neo4jJvm,
  ratio,
  reportHeader,
  resultBase,
  startBenchPortrait,
  untilJitQuiet,
  withDefaults,
} from './common.mjs';
import { clock, identifyEvents } from './subscription-clients.mjs';

const NAME = 'subscriptions';

export const spec = {
  subscribers: { type: 'number', default: 100, smoke: 5, help: 'graphql-ws subscribers' },
  rate: { type: 'number', default: 1000, smoke: 20, help: 'events per second sent' },
  interval: { type: 'number', default: 50, help: 'milliseconds between batches (50 to 100 is typical)' },
  duration: { type: 'number', default: 20, smoke: 2, help: 'seconds of sending' },
  warmup: {
    type: 'number',
    default: 180,
    smoke: 0,
    help: "most seconds of sending before measuring; it ends sooner once Neo4j's JIT is quiet (--jit-quiet)",
  },
  jitQuiet: {
    type: 'number',
    default: 0.05,
    help: "warm-up ends once Neo4j's JIT compilers used under this share of a core for 10 s (0: all of --warmup)",
  },
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
  const say = (message) => log(NAME, `${label}: ${message}`);
  const runId = `bench-${label}-${Date.now().toString(36)}`;
  const pool = Math.max(10, Math.trunc(options.pool || options.rate * 5));
  const users = Array.from({ length: pool + 1 }, (_, i) => `${runId}-u${i}`);
  const identify = identifyEvents(`${runId}-m`);

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

  // The exact commit: the sender's instance announces each committed transaction's segment changes right after
  // its commit (and before it answers the request); this thread can listen there. A cursor is the change's seq.
  const committedAt = new Map();
  const stopListening = senderSide.services.changes.onCommitted((settlement) => {
    const now = clock();
    for (const c of settlement.segmentChanges)
      if (c.segmentId === segmentId) committedAt.set(String(c.seq), now);
  });

  say(`connecting ${options.subscribers} subscribers (in a worker thread, with the sender)`);
  const worker = new Worker(new URL('./subscription-clients.mjs', import.meta.url), {
    workerData: {
      options,
      websocketUrl: subscriberSide.server.websocketUrl,
      batchUrl: `${senderSide.server.url}/v1/batch`,
      segmentId,
      users,
      profileOf: [...profileOf],
      dashboardKey,
      trackerKey,
      runId,
    },
  });
  // Neo4j's JIT: the warm-up lasts until its compilers are quiet, and its CPU while sending is reported.
  const jvm = neo4jJvm(senderSide.config.NEO4J_URI);
  let finished = false;
  let warmup = null;
  let measuring = null;
  let neo4jCores = null;
  // The API's CPU (this thread: the Portrait instances; the subscribers and the sender are a worker thread)
  // from the first measured event to the last delivery, drain included.
  let apiCpuFrom = null;
  let apiCpuSeconds = null;
  // The whole process's over the same time: the API's thread, the worker thread, V8's GC helpers, libuv's pool.
  let processCpuFrom = null;
  let processCpuSeconds = null;
  const warmUp = async () => {
    if (!jvm || options.jitQuiet <= 0) {
      say(
        `warming up for ${options.warmup} s${jvm ? '' : " (Neo4j's process not found: its JIT is not watched)"}`,
      );
      return;
    }
    say(
      `warming up until Neo4j's JIT compilers use under ${options.jitQuiet} of a core (at most ${options.warmup} s)`,
    );
    warmup = await untilJitQuiet(jvm, {
      quiet: options.jitQuiet,
      maxSeconds: options.warmup,
      stopped: () => finished,
    });
    say(`warm after ${warmup.seconds} s (compilers at ${warmup.compilerCores} of a core)`);
    worker.postMessage({ type: 'warm' });
  };
  try {
    const outcome = await new Promise((resolve, reject) => {
      worker.on('message', (message) => {
        if (message.type === 'say') say(message.message);
        else if (message.type === 'warming') warmUp().catch(reject);
        else if (message.type === 'measuring') {
          apiCpuFrom = mainThreadCpuSeconds();
          processCpuFrom = process.cpuUsage();
          if (jvm) measuring = jvm.watch();
        } else if (message.type === 'sent' && measuring) neo4jCores = measuring();
        else if (message.type === 'done') {
          if (apiCpuFrom !== null) apiCpuSeconds = mainThreadCpuSeconds() - apiCpuFrom;
          if (processCpuFrom !== null) {
            const used = process.cpuUsage(processCpuFrom);
            processCpuSeconds = (used.user + used.system) / 1e6;
          }
          resolve(message);
        } else if (message.type === 'failed') reject(new Error(message.message));
      });
      worker.on('error', reject);
      worker.on('exit', (code) =>
        reject(new Error(`the client thread exited (code ${code}) before it reported`)),
      );
    });
    const { cursors, receivedAt } = outcome.delivered;
    const fromCommit = [];
    for (let i = 0; i < cursors.length; i += 1) {
      const at = committedAt.get(cursors[i]);
      if (at !== undefined) fromCommit.push(receivedAt[i] - at);
    }
    const { deliveries } = outcome.result;
    const api =
      apiCpuSeconds === null
        ? null
        : {
            cpuSeconds: Math.round(apiCpuSeconds * 100) / 100,
            cpuUsPerDelivery: deliveries ? Math.round((apiCpuSeconds * 1e7) / deliveries) / 10 : null,
            processCpuSeconds: processCpuSeconds === null ? null : Math.round(processCpuSeconds * 100) / 100,
          };
    return { ...outcome.result, fromCommitMs: distribution(fromCommit), warmup, neo4jCores, api };
  } finally {
    finished = true;
    stopListening();
    await worker.terminate();
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

/** How long a run warmed up, and why it stopped. */
function warmupText(run, options) {
  if (options.warmup <= 0) return 'no warm-up';
  if (!run.warmup) return `warm-up ${options.warmup} s`;
  const { seconds, compilerCores } = run.warmup;
  return compilerCores < options.jitQuiet
    ? `warm-up ${seconds} s, until Neo4j's JIT compilers used ${compilerCores} of a core over 10 s`
    : `warm-up ${seconds} s (its limit; Neo4j's JIT compilers still used ${compilerCores} of a core)`;
}

/** Neo4j's CPU while the measured events were sent, by thread group. */
function neo4jCpuText(cores) {
  if (!cores) return "Neo4j's CPU not measured (its process was not found)";
  return `Neo4j used ${cores.total} cores while sending (JIT compilers ${cores.compiler}, GC ${cores.gc}, the rest ${cores.work})`;
}

/** The API's CPU from the first measured event to the last delivery. */
function apiCpuText(api) {
  if (!api) return "the API's CPU not measured (no /proc)";
  const rest =
    api.processCpuSeconds === null || api.processCpuSeconds === undefined
      ? ''
      : `; the whole process ${api.processCpuSeconds} s (its other threads, the subscribers' and sender's worker, V8's garbage collection helpers and libuv's pool: ${Math.round((api.processCpuSeconds - api.cpuSeconds) * 100) / 100} s)`;
  return `the API's thread used ${api.cpuSeconds} s of CPU from the first measured event to the last delivery (${api.cpuUsPerDelivery} µs a delivery)${rest}`;
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
    `- load: ${result.options.subscribers} subscribers on one segment; identify events at ${result.options.rate}/s, a batch every ${result.options.interval} ms, for ${result.options.duration} s; each event makes one profile enter or leave the segment`,
    ...runs.map(
      ([label, r]) =>
        `- ${label}: ${warmupText(r, result.options)}; ${neo4jCpuText(r.neo4jCores)}; ${apiCpuText(r.api)}`,
    ),
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
