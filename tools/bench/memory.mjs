// API memory under load (issue 7, item 5): Portrait runs as its own process, exactly as `npm start` runs it
// (`node dist/src/main.js`), over the data already in the database. For --duration seconds this script then
// reads profiles (autocannon, --connections, the read benchmark's query), posts generated events to
// /v1/batch (--senders) and keeps --subscribers graphql-ws subscribers of every segment change, all at once,
// while it samples the API process's resident memory from /proc/<pid>/status (VmRSS; VmHWM is the kernel's
// own peak). The load runs in this process, so none of its memory is counted.
//
//   npm run build && node tools/neo4j.mjs run --fresh -- node tools/bench/memory.mjs --people 100000
//
// On a database without profiles it first bulk-loads --people generated people (src/bulk, in this process,
// timed: the load time of item 5); --people 0 requires data loaded beforehand. The events it posts are new
// people of another seed (--write-people), so writes stitch, tag and segment as in production.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import {
  BENCH_ADMIN_KEY,
  benchConfig,
  bulkLoadPeople,
  cli,
  createSegment,
  dataSize,
  dist,
  distribution,
  graphql,
  isMain,
  log,
  markdownTable,
  memoryOf,
  reportHeader,
  requireFromRoot,
  resultBase,
  root,
  withDefaults,
} from './common.mjs';
import { PORTRAIT_QUERY, load, sampleIdentifiers } from './read.mjs';
import { chunks, sendBatches } from './write.mjs';

const NAME = 'memory';

export const spec = {
  people: { type: 'number', default: 10000, smoke: 20, help: 'people bulk-loaded into an empty database' },
  duration: { type: 'number', default: 60, smoke: 2, help: 'seconds of load' },
  connections: { type: 'number', default: 16, smoke: 2, help: 'concurrent profile readers' },
  senders: { type: 'number', default: 2, smoke: 1, help: 'concurrent /v1/batch senders' },
  batch: { type: 'number', default: 200, smoke: 20, help: 'events per /v1/batch request' },
  subscribers: { type: 'number', default: 100, smoke: 2, help: 'graphql-ws subscribers of every segment' },
  writePeople: { type: 'number', default: 2000, smoke: 10, help: 'people of the events posted' },
  sample: { type: 'number', default: 2000, smoke: 20, help: 'identifiers sampled for the reads' },
  seed: { type: 'number', default: 23, help: 'seed of the posted events and of the reads' },
};

const say = (message) => log(NAME, message);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts `node dist/src/main.js` on a free port; resolves once /health answers 200. */
async function startApi(env) {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API exited (${child.exitCode}): ${stderr}`);
    const ok = await fetch(`${url}/health`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the API did not become healthy: ${stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    pid: child.pid,
    url,
    graphqlUrl: `${url}/graphql`,
    websocketUrl: `ws://127.0.0.1:${port}/graphql`,
    /** SIGTERM, as a container runtime stops it; fails when the API has not exited 30 s later. */
    async stop() {
      child.kill('SIGTERM');
      const timeout = new Promise((r) => setTimeout(() => r('timeout'), 30_000).unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        throw new Error(`the API did not exit within 30 s of SIGTERM: ${stderr}`);
      }
    },
  };
}

/** `count` graphql-ws subscribers of every segment's changes; counts what they receive. */
function subscribe(websocketUrl, key, count) {
  const { createClient } = requireFromRoot('graphql-ws');
  const WebSocket = requireFromRoot('ws');
  const state = { delivered: 0, errors: [] };
  const clients = Array.from({ length: count }, () => {
    const client = createClient({
      url: websocketUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${key}` },
    });
    client.subscribe(
      { query: 'subscription { segmentMembershipChanged(segmentId: null) { cursor profileId change } }' },
      {
        next: () => (state.delivered += 1),
        error: (error) => state.errors.length < 5 && state.errors.push(String(error?.message ?? error)),
        complete: () => undefined,
      },
    );
    return client;
  });
  return { state, close: () => Promise.all(clients.map((c) => c.dispose())) };
}

/** The benchmark; resolves to the result object that the command line prints and writes. */
export async function run(given = {}) {
  const options = withDefaults(spec, given);
  const started = Date.now();
  const { createDriver } = dist('db/driver.js');
  const { generateEvents } = dist('demo/generator.js');
  const config = benchConfig();
  const database = config.NEO4J_DATABASE;
  const driver = createDriver(config);
  const closers = [() => driver.close()];
  const workDir = mkdtempSync(join(os.tmpdir(), 'portrait-memory-'));
  closers.push(async () => rmSync(workDir, { recursive: true, force: true }));
  try {
    const result = await resultBase(NAME, 'API memory under load', options, driver, database);
    if ((await dataSize(driver, database)).profiles === 0 && options.people > 0) {
      result.bulkLoad = await bulkLoadPeople(config, driver, { people: options.people, name: NAME });
    }
    result.data = await dataSize(driver, database);
    if (result.data.profiles === 0) {
      throw new Error('the database holds no profiles: pass --people N, or load some first');
    }

    say('starting the API process (node dist/src/main.js)');
    const api = await startApi({
      DEMO_DATA: 'false',
      ADMIN_API_KEY: BENCH_ADMIN_KEY,
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'error',
    });
    closers.unshift(() => api.stop());
    await new Promise((r) => setTimeout(r, 2000));
    result.memory = { idleMb: memoryOf(api.pid).rssMb };

    const portrait = { server: { graphqlUrl: api.graphqlUrl }, config: { ADMIN_API_KEY: BENCH_ADMIN_KEY } };
    // Evaluating a new segment over every profile (issue 4, item 7), timed from the mutation to the end of
    // its evaluation job.
    const evaluating = Date.now();
    await createSegment(portrait, `memory active ${Date.now()}`, { withinDays: 7 });
    result.newSegmentSeconds = Math.round((Date.now() - evaluating) / 100) / 10;
    const { createApiKey } = await graphql(
      api.graphqlUrl,
      BENCH_ADMIN_KEY,
      'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
      { input: { name: `memory tracker ${Date.now()}`, role: 'tracker' } },
    );
    const identifiers = await sampleIdentifiers(driver, database, options.sample);
    const plan = join(workDir, 'plan.json');
    writeFileSync(plan, JSON.stringify({ identifiers, query: PORTRAIT_QUERY, seed: options.seed }));
    const events = [...generateEvents({ people: options.writePeople, seed: options.seed, now: Date.now() })];
    const subscribers = subscribe(api.websocketUrl, BENCH_ADMIN_KEY, options.subscribers);
    closers.unshift(() => subscribers.close());
    await new Promise((r) => setTimeout(r, 1000));
    result.memory.withSubscribersMb = memoryOf(api.pid).rssMb;

    say(
      `${options.duration} s of ${options.connections} readers, ${options.senders} senders, ${options.subscribers} subscribers`,
    );
    const samples = [];
    const sampler = setInterval(() => samples.push(memoryOf(api.pid).rssMb), 250);
    const until = Date.now() + options.duration * 1000;
    const [reads, { tally: writes }] = await Promise.all([
      load(
        { url: api.graphqlUrl, key: BENCH_ADMIN_KEY },
        { plan, connections: options.connections, seconds: options.duration },
      ),
      sendBatches(api.url, createApiKey.secret, chunks(events, options.batch), options.senders, until),
    ]);
    clearInterval(sampler);
    const end = memoryOf(api.pid);
    result.memory.underLoadMb = distribution(samples);
    result.memory.peakMb = end.peakMb;
    result.load = {
      reads: {
        requestsPerSecond: reads.requestsPerSecond,
        p50: reads.latencyMs.p50,
        p99: reads.latencyMs.p99,
        errors: reads.errors + reads.non2xx + reads.mismatches,
      },
      writes: { ...writes, eventsPerSecond: Math.round(writes.accepted / options.duration) },
      subscriptions: { delivered: subscribers.state.delivered, errors: subscribers.state.errors },
    };
    if (writes.failed > 0) result.warnings.push(`${writes.failed} events failed: ${writes.failures[0]}`);
    if (result.load.reads.errors > 0) result.warnings.push(`${result.load.reads.errors} reads failed`);
    if (subscribers.state.errors.length > 0)
      result.warnings.push(`subscription errors: ${subscribers.state.errors[0]}`);
    say(`peak RSS ${Math.round(end.peakMb)} MB`);
    result.seconds = Math.round((Date.now() - started) / 100) / 10;
    return result;
  } finally {
    for (const close of closers) await close();
  }
}

const mb = (x) => (x === null || x === undefined ? null : Math.round(x));

/** The report as markdown. */
export function markdown(result) {
  const m = result.memory;
  const l = result.load;
  return [
    reportHeader(result),
    '',
    ...(result.bulkLoad
      ? [
          `Bulk load of ${result.bulkLoad.people} people: ${result.bulkLoad.events} events in ${result.bulkLoad.totalSeconds} s ` +
            `(${Object.entries(result.bulkLoad.seconds)
              .map(([phase, s]) => `${phase} ${s} s`)
              .join(', ')})`,
          '',
        ]
      : []),
    markdownTable(
      ['API process', 'resident MB'],
      [
        ['idle, after start', mb(m.idleMb)],
        [`with ${result.options.subscribers} subscribers`, mb(m.withSubscribersMb)],
        ['under load, median of samples', mb(m.underLoadMb.p50)],
        ['under load, p99 of samples', mb(m.underLoadMb.p99)],
        ['peak (VmHWM)', mb(m.peakMb)],
      ],
    ),
    '',
    markdownTable(
      ['load', 'figure'],
      [
        [`new segment evaluated over ${result.data.profiles} profiles, s`, result.newSegmentSeconds],
        ['profile reads/s', l.reads.requestsPerSecond],
        ['read p50 / p99 ms', `${l.reads.p50} / ${l.reads.p99}`],
        ['events/s accepted', l.writes.eventsPerSecond],
        ['subscription deliveries', l.subscriptions.delivered],
      ],
    ),
    ...result.warnings.map((w) => `\nWARNING: ${w}`),
  ].join('\n');
}

if (isMain(import.meta.url)) await cli({ name: NAME, spec, run, markdown });
