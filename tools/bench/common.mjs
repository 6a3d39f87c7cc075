// What the benchmark scripts share: flags, the machine and data description, the report (markdown on stdout,
// the same as JSON in bench-results/), Portrait started in-process with benchmark settings, the demo data.
// The scripts require the compiled code: run `npm run build` first.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** `require` from the project root: packages, and the compiled code under dist/. */
export const requireFromRoot = createRequire(join(root, 'package.json'));

/** A module of the compiled code, e.g. `dist('server/bootstrap.js')`; fails with the fix when dist/ is missing. */
export function dist(path) {
  try {
    return requireFromRoot(`./dist/src/${path}`);
  } catch (error) {
    if (error?.code === 'MODULE_NOT_FOUND' && String(error.message).includes(`dist/src/${path}`)) {
      throw new Error(`dist/src/${path} is missing: run \`npm run build\` first`, { cause: error });
    }
    throw error;
  }
}

/** The bootstrap admin key of benchmark runs (a throw-away database, never production). */
export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789abcdef';

/** Progress goes to stderr, so that stdout holds only the report (or only JSON with --json). */
export function log(name, message) {
  process.stderr.write(`[bench:${name}] ${message}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// Flags

/**
 * Parses `--name value`, `--name=value`, `--flag` and `--no-flag` against `spec` ({ name: { type, default,
 * smoke, help } }). With `--smoke`, each flag's `smoke` value replaces its default (flags given still win).
 * Names are kebab-case on the command line and camelCase in the result. Throws on unknown flags.
 */
export function parseFlags(argv, spec) {
  const full = {
    json: { type: 'boolean', default: false, help: 'print only the result as JSON on stdout' },
    smoke: { type: 'boolean', default: false, help: 'tiny sizes for a quick check that the script works' },
    out: { type: 'string', default: join(root, 'bench-results'), help: 'folder for the JSON result' },
    help: { type: 'boolean', default: false, help: 'print the flags' },
    ...spec,
  };
  const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  const kebab = (name) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const given = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const match = /^--(no-)?([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unexpected argument ${arg}`);
    const [, negated, rawName, inline] = match;
    const name = camel(rawName);
    const def = full[name];
    if (!def) {
      throw new Error(`unknown flag --${rawName}; flags: ${Object.keys(full).map(kebab).join(', ')}`);
    }
    if (def.type === 'boolean') {
      if (inline !== undefined) given[name] = !['false', '0', 'no'].includes(inline);
      else given[name] = !negated;
      continue;
    }
    if (negated) throw new Error(`--no-${rawName}: not a boolean flag`);
    const value = inline ?? argv[(i += 1)];
    if (value === undefined) throw new Error(`--${rawName} needs a value`);
    if (def.type === 'number') {
      const number = Number(value);
      if (!Number.isFinite(number)) throw new Error(`--${rawName} must be a number (got ${value})`);
      given[name] = number;
    } else {
      given[name] = value;
    }
  }
  const smoke = given.smoke ?? false;
  const options = {};
  for (const [name, def] of Object.entries(full)) {
    options[name] = name in given ? given[name] : smoke && 'smoke' in def ? def.smoke : def.default;
  }
  options.help = given.help ?? false;
  return options;
}

export function flagsHelp(spec) {
  return Object.entries(spec)
    .map(([name, def]) => {
      const flag = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      const smoke = 'smoke' in def ? `, --smoke: ${JSON.stringify(def.smoke)}` : '';
      return `  ${flag.padEnd(22)} ${def.help} (default ${JSON.stringify(def.default)}${smoke})`;
    })
    .join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Numbers

/** The p-th percentile (0..100) of ascending `sorted` numbers, nearest rank; null when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** count, min, p50, p95, p99, max and mean of `values` (milliseconds), rounded to 0.1. */
export function distribution(values) {
  const sorted = Float64Array.from(values).sort();
  const round = (x) => (x === null ? null : Math.round(x * 10) / 10);
  const sum = sorted.reduce((s, x) => s + x, 0);
  return {
    count: sorted.length,
    min: round(sorted.length ? sorted[0] : null),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : null),
    mean: round(sorted.length ? sum / sorted.length : null),
  };
}

/** a / b to three significant places; null when either is missing or b is 0. */
export function ratio(a, b) {
  if (typeof a !== 'number' || typeof b !== 'number' || b === 0) return null;
  return Number((a / b).toPrecision(3));
}

// ---------------------------------------------------------------------------------------------------------
// The machine, the database, the data

function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => /^model name\s*:/.test(l));
    return line ? line.replace(/^model name\s*:\s*/, '').trim() : (os.cpus()[0]?.model ?? 'unknown');
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

/** nproc, total memory, CPU model and Node.js version of this machine. */
export function machine() {
  return {
    nproc: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    cpuModel: cpuModel(),
    node: process.version,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** VmRSS and VmHWM (peak) of a process, in MB. */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

// ---------------------------------------------------------------------------------------------------------
// Neo4j's JVM: how much of its CPU goes to compiling

/** Linux's clock ticks a second (USER_HZ), the unit of /proc/<pid>/stat's times: 100 on every Linux kernel. */
const CLOCK_TICKS = 100;

/** The thread groups a JVM's CPU is reported in, by thread name (Linux truncates names to 15 characters). */
function threadGroup(name) {
  if (/^C[12] CompilerThre/.test(name)) return 'compiler';
  if (/^(GC Thread|G1 )|^VM Thread/.test(name)) return 'gc';
  return 'work';
}

/**
 * The local Neo4j JVM serving `uri` (the launcher of tools/neo4j.mjs, found by its Bolt port), or the process
 * NEO4J_PID names; null when neither is found (a remote or Docker Neo4j), and the figures are then unknown.
 */
export function neo4jJvm(uri = process.env.NEO4J_URI ?? '') {
  let pid = Number(process.env.NEO4J_PID) || null;
  if (!pid) {
    const port = /:(\d+)\/?$/.exec(uri)?.[1];
    if (!port) return null;
    for (const entry of safeReaddir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const args = safeRead(`/proc/${entry}/cmdline`).split('\0');
      const at = args.indexOf('io.portrait.neo4j.Launcher');
      if (at !== -1 && args[at + 2] === port) pid = Number(entry);
    }
    if (!pid) return null;
  }
  return {
    pid,
    /** CPU seconds used so far by each thread group: { compiler, gc, work, total }. */
    cpu() {
      const used = { compiler: 0, gc: 0, work: 0, total: 0 };
      for (const tid of safeReaddir(`/proc/${pid}/task`)) {
        const thread = threadCpu(pid, tid);
        if (!thread) continue;
        const { name, seconds } = thread;
        used[threadGroup(name)] += seconds;
        used.total += seconds;
      }
      return used;
    },
    /** Starts watching: the function it returns gives the cores each thread group used since, on average. */
    watch() {
      const before = this.cpu();
      const started = performance.now();
      return () => coresBetween(before, this.cpu(), (performance.now() - started) / 1000);
    },
  };
}

/**
 * CPU seconds used so far by this process's main thread (Linux; null elsewhere): where the benchmarks run the
 * servers they compare, apart from their load generators (worker threads) and V8's and libuv's helper threads.
 */
export function mainThreadCpuSeconds() {
  return threadCpu(process.pid, process.pid)?.seconds ?? null;
}

/** The name of a thread and the CPU seconds (user and system) it used so far, from /proc; null if unreadable. */
function threadCpu(pid, tid) {
  const stat = safeRead(`/proc/${pid}/task/${tid}/stat`);
  if (!stat) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    seconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
  };
}

/** Cores used on average by each thread group between two `cpu()` readings `seconds` apart. */
function coresBetween(before, after, seconds) {
  const cores = (k) => Math.round(((after[k] - before[k]) / seconds) * 1000) / 1000;
  return { total: cores('total'), compiler: cores('compiler'), gc: cores('gc'), work: cores('work') };
}

/**
 * Waits while Neo4j's JIT compilers are busy: a freshly started JVM compiles for minutes, taking half a core
 * of two, and a server that has run for a while does not. Call it while the benchmark's own load runs (the
 * code being compiled is the code that load runs). Resolves once the compiler threads used under `quiet` of a
 * core over the last `window` seconds, or after `maxSeconds`, to { seconds, compilerCores } (the last window's).
 */
export async function untilJitQuiet(
  jvm,
  { quiet = 0.05, window = 10, maxSeconds = 180, stopped = () => false },
) {
  const started = performance.now();
  const readings = [{ at: started, cpu: jvm.cpu() }];
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = performance.now();
    readings.push({ at: now, cpu: jvm.cpu() });
    while (readings.length > 2 && now - readings[1].at >= window * 1000) readings.shift();
    const first = readings[0];
    const spanSeconds = (now - first.at) / 1000;
    const compilerCores = (readings.at(-1).cpu.compiler - first.cpu.compiler) / spanSeconds;
    const seconds = (now - started) / 1000;
    if ((spanSeconds >= window && compilerCores < quiet) || seconds >= maxSeconds || stopped())
      return { seconds: Math.round(seconds), compilerCores: Math.round(compilerCores * 1000) / 1000 };
  }
}

/**
 * Runs `round` (a pass of the benchmark's own load) again and again until Neo4j's JIT compilers used under
 * `quiet` of a core during one, or `maxSeconds` have passed; one round when the JVM is not watched (`jvm`
 * null) or `quiet` is 0. Resolves to { rounds, seconds, compilerCores } (the last round's cores, or null).
 */
export async function warmRounds(jvm, { quiet, maxSeconds, say = () => {} }, round) {
  const started = performance.now();
  for (let rounds = 1; ; rounds += 1) {
    const watch = jvm?.watch();
    await round(rounds);
    const seconds = (performance.now() - started) / 1000;
    const cores = watch?.() ?? null;
    const warm = { rounds, seconds: Math.round(seconds), compilerCores: cores?.compiler ?? null };
    if (!cores || quiet <= 0 || cores.compiler < quiet || seconds >= maxSeconds) return warm;
    say(`Neo4j's JIT compilers used ${cores.compiler} of a core in round ${rounds}: another round`);
  }
}

function safeReaddir(path) {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function safeRead(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Neo4j's version and memory settings (null where the server does not say). */
export async function neo4jInfo(driver, database) {
  const info = {
    version: null,
    heap: process.env.NEO4J_HEAP ?? null,
    pageCacheMb: process.env.NEO4J_PAGECACHE_MB ?? null,
  };
  try {
    const { records } = await driver.executeQuery(
      'CALL dbms.components() YIELD name, versions, edition RETURN versions[0] AS version, edition',
      {},
      { database },
    );
    info.version = records[0] ? `${records[0].get('version')} ${records[0].get('edition')}` : null;
  } catch {
    // an older or restricted server: the version stays unknown
  }
  return info;
}

/** How many of each kind of node the database holds (from the count store: instant at any size). */
export async function dataSize(driver, database) {
  const labels = ['Profile', 'Identifier', 'Interaction', 'Product', 'Event', 'Segment', 'Tag'];
  const size = {};
  for (const label of labels) {
    const { records } = await driver.executeQuery(
      `MATCH (n:${label}) RETURN count(n) AS n`,
      {},
      { database },
    );
    size[`${label.toLowerCase()}s`] = records[0].get('n');
  }
  return size;
}

/** Deletes every node (the benchmark's own throw-away database); constraints and indexes stay. */
export async function wipeDatabase(driver, database) {
  // CALL ... IN TRANSACTIONS needs an auto-commit transaction, hence session.run.
  const session = driver.session({ database });
  try {
    await session.run('MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
  } finally {
    await session.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Portrait in-process

/** The settings of a benchmark run: the Neo4j of NEO4J_URI, port 0, no demo data, no limits, no scheduler. */
export function benchConfig(overrides = {}) {
  const { loadConfig } = dist('config.js');
  return loadConfig({
    ...process.env,
    DEMO_DATA: 'false',
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_API_KEY: BENCH_ADMIN_KEY,
    RATE_LIMIT_PER_MINUTE: '0',
    SCHEDULER_INTERVAL_MS: '0',
    LOG_LEVEL: 'error',
    ...overrides,
  });
}

/** Starts Portrait in this process (startPortrait, as `npm start` does) with the benchmark settings. */
export async function startBenchPortrait(overrides = {}) {
  if (!process.env.NEO4J_URI) {
    throw new Error(
      'NEO4J_URI is not set: run through `node tools/neo4j.mjs run --fresh -- node tools/bench/<script>.mjs`',
    );
  }
  const { startPortrait } = dist('server/bootstrap.js');
  const { createLogger } = dist('common/logger.js');
  const config = benchConfig(overrides);
  return startPortrait(config, createLogger(config.LOG_LEVEL));
}

/** The `data` of a GraphQL answer with HTTP status `status`; throws with the errors when there are any. */
function dataOf(status, body) {
  if (status < 200 || status > 299 || body.errors) {
    throw new Error(`GraphQL ${status}: ${JSON.stringify(body.errors ?? body)}`);
  }
  return body.data;
}

/** A GraphQL request; resolves to `data`, throws with the errors when there are any. */
export async function graphql(url, key, query, variables = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return dataOf(response.status, await response.json());
}

/**
 * A GraphQL client for timed loops: node:http over at most `sockets` kept-alive connections. `graphql` above
 * uses fetch (undici), whose streams and promises cost the benchmark's process, which is Portrait's own, about
 * twice the garbage of the request it times (see BENCHMARKS.md, "the client's own cost"). Resolves to `data`,
 * throws with the errors when there are any. `close()` ends the kept-alive connections.
 */
export function graphqlClient(url, key, sockets = 1) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port, pathname } = new URL(url);
  const request = (query, variables = {}) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ query, variables });
      const headers = {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        authorization: `Bearer ${key}`,
      };
      const req = http.request(
        { host: hostname, port, path: pathname, method: 'POST', agent, headers },
        (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            try {
              resolve(dataOf(res.statusCode, JSON.parse(Buffer.concat(chunks).toString('utf8'))));
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { request, close: () => agent.destroy() };
}

/** Creates an API key with `role` through the admin key; returns its secret. */
export async function createKey(portrait, role) {
  const data = await graphql(
    portrait.server.graphqlUrl,
    portrait.config.ADMIN_API_KEY,
    'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
    { input: { name: `bench ${role} ${Date.now()}`, role } },
  );
  return data.createApiKey.secret;
}

/** Creates a segment through the API and waits until its evaluation over all profiles has finished. */
export async function createSegment(portrait, name, rule, timeoutMs = 300_000) {
  const { graphqlUrl } = portrait.server;
  const key = portrait.config.ADMIN_API_KEY;
  const { createSegment: segment } = await graphql(
    graphqlUrl,
    key,
    'mutation ($name: String!, $rule: JSON!) { createSegment(name: $name, rule: $rule) { id } }',
    { name, rule },
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const data = await graphql(
      graphqlUrl,
      key,
      'query ($id: ID!) { segment(id: $id) { evaluation { state error } } }',
      { id: segment.id },
    );
    const state = data.segment.evaluation?.state ?? 'SUCCEEDED';
    if (state === 'SUCCEEDED') return segment.id;
    if (state === 'FAILED') throw new Error(`segment ${name}: ${data.segment.evaluation.error}`);
    if (Date.now() > deadline) throw new Error(`segment ${name} still evaluating after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Loads the seeded demo data set (src/demo/generator.ts) through Portrait's ingestion service, exactly as
 * `npm start` does, when the database holds no events; returns the number of events applied (0 otherwise).
 */
export async function loadDemoData(services, { people, seed = 42, name }) {
  const { loadDemoIfEmpty } = dist('demo/demo.js');
  const progress = { state: 'waiting', done: 0, total: 0 };
  let lastLog = 0;
  const logger = {
    debug() {},
    warn() {},
    error() {},
    info(message, fields) {
      if (message !== 'demo data progress' || Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        log(name, `${message} ${fields ? JSON.stringify(fields) : ''}`);
      }
    },
  };
  return loadDemoIfEmpty(services, { people, seed, logger, progress });
}

/**
 * Bulk-loads generated people into an empty database, as `npm run bulk-load -- --people N [--products P]
 * [--activity A]` does; resolves to the load's report with its total seconds.
 */
export async function bulkLoadPeople(
  config,
  driver,
  { people, products = 300, activity = 1, seed = 42, name },
) {
  requireFromRoot('reflect-metadata'); // the services' GraphQL types need it, as in src/main.ts
  const { Executor } = dist('db/executor.js');
  const { applySchema } = dist('db/migrations.js');
  const { createServices } = dist('server/services.js');
  const { silentLogger } = dist('common/logger.js');
  const { generateEvents } = dist('demo/generator.js');
  const { bulkLoad } = dist('bulk/bulk-load.js');
  await applySchema(driver, config.NEO4J_DATABASE, silentLogger);
  const now = Date.now();
  const services = createServices(
    new Executor(driver, config.NEO4J_DATABASE, silentLogger),
    config,
    silentLogger,
    undefined,
    () => now,
  );
  const started = Date.now();
  let last = 0;
  const report = await bulkLoad(
    services,
    services.executor,
    () => generateEvents({ people, seed, now, products, activity }),
    {
      progress: (phase, done, total) => {
        if (Date.now() - last < 10_000 && done !== total) return;
        last = Date.now();
        log(name, `bulk load: ${phase} ${done}${total === null ? '' : `/${total}`}`);
      },
    },
  );
  await services.jobs.idle();
  return { people, ...report, totalSeconds: Math.round((Date.now() - started) / 100) / 10 };
}

// ---------------------------------------------------------------------------------------------------------
// The report

/** A markdown table. */
export function markdownTable(headers, rows) {
  const cell = (x) => (x === null || x === undefined ? '—' : String(x));
  const lines = [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

/** The lines every report starts with: command, machine, Neo4j, data size. */
export function reportHeader(result) {
  const m = result.machine;
  const n = result.neo4j ?? {};
  const size = Object.entries(result.data ?? {})
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  return [
    `## ${result.title}`,
    '',
    `- command: \`${result.command}\``,
    `- machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, Node.js ${m.node}, load average ${m.loadAverage.join(' ')} at start`,
    `- Neo4j: ${n.version ?? 'unknown version'}${n.heap ? `, heap ${n.heap}` : ''}${n.pageCacheMb ? `, page cache ${n.pageCacheMb} MB` : ''}`,
    `- data: ${size || 'unknown'}`,
    `- started ${result.startedAt}, took ${result.seconds} s`,
  ].join('\n');
}

/** The command line as typed, relative to the project root. */
export function commandLine() {
  const script = relative(root, process.argv[1] ?? '');
  return ['node', script, ...process.argv.slice(2)].join(' ');
}

/** Writes `result` as JSON to <out>/<name>-<timestamp>.json; returns the path. */
export function writeResult(out, name, result) {
  mkdirSync(out, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const path = join(out, `${name}-${stamp}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/** True when the module of `importMetaUrl` is the script node was asked to run (not imported). */
export function isMain(importMetaUrl) {
  return Boolean(process.argv[1]) && importMetaUrl === pathToFileURL(process.argv[1]).href;
}

/** `options` given to a script's `run` completed with the defaults of `spec` (the smoke ones with smoke). */
export function withDefaults(spec, options = {}) {
  return { ...parseFlags(options.smoke ? ['--smoke'] : [], spec), ...options };
}

/**
 * The command line of a script: parses flags, calls `run(options)`, prints the markdown (or the JSON with
 * --json), writes the JSON file, and exits (1 on failure, with the error on stderr).
 */
export async function cli({ name, spec, run, markdown }) {
  try {
    const options = parseFlags(process.argv.slice(2), spec);
    if (options.help) {
      process.stdout.write(`${name}: flags\n${flagsHelp({ ...spec })}\n  --smoke, --json, --out DIR\n`);
      process.exit(0);
    }
    const result = await run(options);
    const path = writeResult(options.out, name, result);
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(`${markdown(result)}\n\n(written to ${relative(root, path)})\n`);
    process.exit(0);
  } catch (error) {
    process.stderr.write(`[bench:${name}] failed: ${error?.stack ?? error}\n`);
    process.exit(1);
  }
}

/** The fields every result starts with. */
export async function resultBase(name, title, options, driver, database) {
  return {
    benchmark: name,
    title,
    command: commandLine(),
    startedAt: new Date().toISOString(),
    seconds: null,
    machine: machine(),
    neo4j: await neo4jInfo(driver, database),
    options: Object.fromEntries(Object.entries(options).filter(([k]) => !['help', 'out'].includes(k))),
    data: null,
    warnings: [],
  };
}
