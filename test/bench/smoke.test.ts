import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openTestDb, wipe, type TestDb } from '../helpers/neo4j';

// A tiny run of each benchmark of tools/bench against the test Neo4j, so that they never rot: each must
// finish and produce its result with no errors. Timings are not checked: on a shared machine they mean nothing.
//
// The scripts are plain ESM (.mjs) on the compiled code; Jest runs tests as CommonJS and cannot import them
// without --experimental-vm-modules, so each runs as a child process (`--smoke --json`) and its JSON is parsed.

const root = resolve(__dirname, '..', '..');

// The few fields of each result that the tests read beyond matchers (the results are plain JSON).
interface ReadResult {
  targets: Record<string, { requests: number }>;
  warmDatabase: unknown;
  ratios: Record<string, unknown>;
  verified: unknown[];
}
interface MemoryResult {
  memory: { idleMb: number; peakMb: number };
  load: { reads: { requestsPerSecond: number }; writes: { requests: number } };
}
interface SubscriptionsResult {
  local: { deliveries: number; warmup: unknown; neo4jCores: unknown };
}
interface RecommendResult {
  floor: Record<'bare' | 'driver' | 'driverLoaded', { count: number; errors: string[] }>;
  queries: Array<{ name: string; alone: { count: number; meanResults: number }; loaded: { count: number } }>;
}
interface RefreshResult {
  refresh: { job: { state: string } | null; lists: number; peakRssMb: number };
}
interface WriteResult {
  portrait: {
    accepted: number;
    events: number;
    eventsPerSecond: number;
    added?: Record<string, number>;
    storingTransactions?: number;
    settlingTransactions?: number;
  };
  segmentSeconds?: Array<{ name: string; seconds: number }>;
  data: { profiles: number };
  bare: { eventsPerSecond: number };
  ratio: Record<string, number>;
  rounds?: unknown[];
  warmup?: unknown;
}
let out: string;
let db: TestDb;

// The scripts require dist/: compile the tree as it is, so that a stale dist/ is never what is tested.
beforeAll(async () => {
  const build = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
  out = mkdtempSync(join(tmpdir(), 'portrait-bench-smoke-'));
  db = await openTestDb();
  // The read benchmark loads its own small data set into an empty database; the write benchmark wipes it.
  await wipe(db);
}, 180_000);

afterAll(async () => {
  // Leave the database empty for the test files that follow (the write benchmark leaves its bare writes).
  await wipe(db);
  await db.close();
  rmSync(out, { recursive: true, force: true });
});

/** Runs `node tools/bench/<script> --smoke --json ...args` and resolves to its JSON result. */
function runScript<T>(script: string, args: string[] = []): Promise<T> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(
      process.execPath,
      [join(root, 'tools', 'bench', script), '--smoke', '--json', '--out', out, ...args],
      { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with ${code}:\n${stderr.slice(-4000)}`));
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolveRun(JSON.parse(line) as T);
      } catch {
        reject(
          new Error(`${script} printed no JSON result:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`),
        );
      }
    });
  });
}

const machineAndData = {
  command: expect.stringContaining('tools/bench/'),
  machine: expect.objectContaining({ nproc: expect.any(Number), memoryGiB: expect.any(Number) }),
  data: expect.objectContaining({ profiles: expect.any(Number), identifiers: expect.any(Number) }),
  seconds: expect.any(Number),
};
// Neo4j's CPU by thread group, read from /proc when the test Neo4j is the launcher's (tools/neo4j.mjs, found by
// its Bolt port); with another Neo4j (NEO4J_URI set to a remote one) the scripts cannot see it, and say so.
const boltPort = /:(\d+)\/?$/.exec(process.env.NEO4J_URI ?? '')?.[1];
const launcherNeo4j =
  boltPort !== undefined &&
  spawnSync('pgrep', ['-f', `io\\.portrait\\.neo4j\\.Launcher \\S+ ${boltPort} `]).status === 0;
const cores = launcherNeo4j
  ? {
      total: expect.any(Number),
      compiler: expect.any(Number),
      gc: expect.any(Number),
      work: expect.any(Number),
    }
  : null;
const compilerCores = launcherNeo4j ? expect.any(Number) : null;

const latency = expect.objectContaining({
  count: expect.any(Number),
  p50: expect.any(Number),
  p95: expect.any(Number),
  p99: expect.any(Number),
  max: expect.any(Number),
});

describe('benchmark smoke runs', () => {
  it('read.mjs measures all four targets, which return the same data', async () => {
    // One turn of a second per target before measuring (the limit of one second ends the turns).
    const result = await runScript<ReadResult>('read.mjs', [
      '--warm-database',
      '1',
      '--warm-database-max',
      '1',
    ]);
    expect(result).toMatchObject({ benchmark: 'read', ...machineAndData, warnings: [] });
    expect(result.warmDatabase).toEqual({ turns: 1, seconds: expect.any(Number), compilerCores });
    expect(Object.keys(result.targets)).toEqual([
      'portrait',
      'neo4j-graphql',
      'neo4j-graphql-cypher',
      'bare',
    ]);
    for (const target of Object.values(result.targets)) {
      expect(target).toMatchObject({
        requestsPerSecond: expect.any(Number),
        latencyMs: expect.objectContaining({ p50: expect.any(Number), p99: expect.any(Number) }),
        errors: 0,
        timeouts: 0,
        non2xx: 0,
        mismatches: 0,
        neo4jCores: cores,
        neo4jCpuMsPerRequest: launcherNeo4j ? expect.any(Number) : null,
        // Read from /proc/self (Linux, where CI runs).
        serverCpuMsPerRequest: expect.any(Number),
      });
      expect(target.requests).toBeGreaterThan(0);
    }
    expect(Object.keys(result.ratios)).toEqual([
      'portrait/neo4j-graphql',
      'portrait/neo4j-graphql-cypher',
      'portrait/bare',
    ]);
    expect(result.verified.length).toBeGreaterThan(0);
  }, 180_000);

  it('memory.mjs samples the API process while it reads, writes and streams', async () => {
    // On the read run's small data set, or (run alone) on 20 people it bulk-loads.
    const result = await runScript<MemoryResult>('memory.mjs');
    expect(result).toMatchObject({ benchmark: 'memory', ...machineAndData, warnings: [] });
    expect(result.memory).toMatchObject({
      idleMb: expect.any(Number),
      withSubscribersMb: expect.any(Number),
      underLoadMb: expect.objectContaining({ p50: expect.any(Number), max: expect.any(Number) }),
    });
    expect(result.memory.peakMb).toBeGreaterThanOrEqual(result.memory.idleMb);
    expect(result.load.reads.requestsPerSecond).toBeGreaterThan(0);
    expect(result.load.writes.requests).toBeGreaterThan(0);
  }, 180_000);

  it('subscriptions.mjs delivers every change to every subscriber', async () => {
    // One second of warm-up: the JIT is watched, and the warm-up ends at its limit.
    const result = await runScript<SubscriptionsResult>('subscriptions.mjs', ['--warmup', '1']);
    expect(result).toMatchObject({ benchmark: 'subscriptions', ...machineAndData, warnings: [] });
    expect(result.local).toMatchObject({
      warmup: launcherNeo4j ? { seconds: expect.any(Number), compilerCores } : null,
      neo4jCores: cores,
      // Read from /proc/self (Linux, where CI runs).
      api: { cpuSeconds: expect.any(Number), cpuUsPerDelivery: expect.any(Number) },
    });
    expect(result.local).toMatchObject({
      subscribers: 5,
      failedRequests: 0,
      missing: 0,
      errors: [],
      latencyMs: latency,
      fromSendMs: latency,
      fromCommitMs: latency,
      eventsPerSecond: expect.any(Number),
    });
    expect(result.local.deliveries).toBeGreaterThan(0);
  }, 180_000);

  it('recommend.mjs times related products, recommendations and lookalikes on a catalogue it bulk-loads', async () => {
    await wipe(db);
    const result = await runScript<RecommendResult>('recommend.mjs');
    expect(result).toMatchObject({ benchmark: 'recommend', ...machineAndData, warnings: [] });
    // The floor's round trips (bare Bolt, and through the driver alone and from several clients) all answered.
    for (const floor of Object.values(result.floor)) {
      expect(floor).toEqual(latency);
      expect(floor.errors).toEqual([]);
      expect(floor.count).toBe(6);
    }
    expect(result.queries.map((q) => q.name.split(',')[0])).toEqual([
      'relatedProducts',
      'relatedProducts',
      'recommendations',
      'lookalikes top 5',
    ]);
    for (const query of result.queries) {
      expect(query.alone).toEqual(latency);
      expect(query.loaded).toEqual(latency);
      expect(query.alone).toMatchObject({ neo4jCompilerCores: compilerCores });
      expect(query.loaded).toMatchObject({ neo4jCompilerCores: compilerCores });
      // Every counted request answered, and answered with something (a list, not an error).
      expect(query.alone.count).toBeGreaterThan(0);
      expect(query.alone.meanResults).toBeGreaterThan(0);
    }
  }, 180_000);

  it('refresh.mjs times a full and an incremental related-products refresh over the graph as it is', async () => {
    for (const mode of ['all', 'dirty']) {
      const result = await runScript<RefreshResult>('refresh.mjs', ['--mode', mode]);
      expect(result).toMatchObject({ benchmark: 'refresh', ...machineAndData, warnings: [] });
      // The recommend run's catalogue has co-engaged products; --dirty-top (smoke: 5) marks some changed.
      expect(result.refresh.job).toMatchObject({ state: 'SUCCEEDED' });
      expect(result.refresh.lists).toBeGreaterThan(0);
      expect(result.refresh.peakRssMb).toBeGreaterThan(0);
    }
  }, 180_000);

  it('write.mjs --existing ingests into the graph as it is, after timing its segments over it', async () => {
    const [before] = await db.cypher('MATCH (p:Profile) RETURN count(p) AS profiles');
    expect(before!.profiles).toBeGreaterThan(0); // the recommend run's people
    const result = await runScript<WriteResult>('write.mjs', ['--existing']);
    expect(result).toMatchObject({ benchmark: 'write', ...machineAndData, warnings: [] });
    expect(result.data).toMatchObject({ profiles: before!.profiles });
    expect(result.segmentSeconds).toHaveLength(4);
    expect(result.portrait.accepted).toBe(result.portrait.events);
    expect(result.portrait.added).toMatchObject({ events: result.portrait.events });
  }, 180_000);

  it('write.mjs stores the same writes through Portrait and the bare writer', async () => {
    // One warm-up round of five people each (the limit of one second ends the rounds after the first), then two
    // measured rounds.
    const result = await runScript<WriteResult>('write.mjs', [
      '--wipe',
      '--warmup-people',
      '5',
      '--warmup',
      '1',
      '--rounds',
      '2',
    ]);
    expect(result).toMatchObject({ benchmark: 'write', ...machineAndData, warnings: [] });
    expect(result.warmup).toEqual({ rounds: 1, seconds: expect.any(Number), compilerCores });
    expect(result).toMatchObject({ portrait: { neo4jCores: cores }, bare: { neo4jCores: cores } });
    expect(result.portrait).toMatchObject({
      eventsPerSecond: expect.any(Number),
      failed: 0,
      rejected: 0,
      requestMs: latency,
      storingTransactions: expect.any(Number),
      settlingTransactions: expect.any(Number),
    });
    expect(result.portrait.storingTransactions).toBeGreaterThanOrEqual(1);
    expect(result.portrait.settlingTransactions).toBeGreaterThanOrEqual(1);
    expect(result.portrait.accepted).toBe(result.portrait.events);
    expect(result.bare).toMatchObject({
      events: result.portrait.events,
      eventsPerSecond: expect.any(Number),
    });
    expect(result.ratio).toEqual({ 'portrait/bare': expect.any(Number) });
    // Every round is reported, and the ratio given is the last one's.
    expect(result.rounds).toEqual([
      {
        portrait: expect.any(Number),
        bare: expect.any(Number),
        ratio: expect.any(Number),
        portraitCores: cores,
        bareCores: cores,
      },
      {
        portrait: result.portrait.eventsPerSecond,
        bare: result.bare.eventsPerSecond,
        ratio: result.ratio['portrait/bare'],
        portraitCores: cores,
        bareCores: cores,
      },
    ]);
  }, 180_000);
});
