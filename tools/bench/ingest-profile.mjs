// Where ingestion time goes: ingests generated events through the service of a started Portrait (the default tag
// catalogue and the write benchmark's segments on) from `senders` concurrent senders (default 1), and prints the
// time of each statement (with several senders, lock waits included). As in write.mjs, a warm-up set is
// ingested and wiped first, so that Neo4j's and Node's JIT are warm.
// With NEO4J_PID set to the Neo4j process's id (Linux), the CPU time Neo4j used is printed too.
//   npm run build && node tools/neo4j.mjs run --fresh -- node tools/bench/ingest-profile.mjs [people] [batch] [senders]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createSegment, startBenchPortrait, wipeDatabase } from './common.mjs';
import { SEGMENTS } from './write.mjs';

const require = createRequire(import.meta.url);
const { generateEvents } = require('../../dist/src/demo/generator.js');
const { batches } = require('../../dist/src/demo/demo.js');

const people = Number(process.argv[2] ?? 1000);
const batchSize = Number(process.argv[3] ?? 500);
const senders = Number(process.argv[4] ?? 1);

/** Ingests `people` people's events (seed `seed`) into a freshly started Portrait; the timings, or none. */
async function ingestAll(count, seed, measured) {
  const portrait = await startBenchPortrait();
  const { services } = portrait;
  const byQuery = new Map();
  try {
    for (const { name, rule } of SEGMENTS) await createSegment(portrait, `profile ${name}`, rule);
    const stop = services.executor.onQuery((e) => {
      const s = byQuery.get(e.query) ?? { n: 0, ms: 0 };
      s.n += 1;
      s.ms += e.ms;
      byQuery.set(e.query, s);
    });
    const events = [...generateEvents({ people: count, seed, now: Date.now() })];
    const started = performance.now();
    const cpu = process.cpuUsage();
    const neo4jCpu = neo4jSeconds();
    const queue = [...batches(events, batchSize)];
    await Promise.all(
      Array.from({ length: senders }, async () => {
        for (let batch = queue.shift(); batch; batch = queue.shift()) await services.ingest.ingest(batch);
      }),
    );
    await services.ingest.idle();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const neo4jUsed = neo4jSeconds() - neo4jCpu;
    stop();
    if (!measured) return;
    console.log(
      `${events.length} events, ${count} people, batch ${batchSize}, ${senders} senders: ${seconds.toFixed(1)} s, ${Math.round(events.length / seconds)} events/s; this process's CPU ${((used.user + used.system) / 1e6).toFixed(1)} s${Number.isNaN(neo4jUsed) ? '' : `, Neo4j's ${neo4jUsed.toFixed(1)} s`}`,
    );
    const total = [...byQuery.values()].reduce((s, q) => s + q.ms, 0);
    for (const [name, s] of [...byQuery].sort((a, b) => b[1].ms - a[1].ms)) {
      console.log(
        `${name.padEnd(36)} ${String(s.n).padStart(6)} calls ${(s.ms / 1000).toFixed(2).padStart(7)} s ${((100 * s.ms) / total).toFixed(1).padStart(5)}%`,
      );
    }
  } finally {
    await portrait.stop();
  }
}

await ingestAll(100, 12, false);
await wipe();
await ingestAll(people, 11, true);

/** CPU seconds used so far by the process NEO4J_PID names (Linux), or NaN. */
function neo4jSeconds() {
  const pid = process.env.NEO4J_PID;
  if (!pid) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function wipe() {
  const portrait = await startBenchPortrait();
  try {
    await wipeDatabase(portrait.driver, portrait.config.NEO4J_DATABASE);
  } finally {
    await portrait.stop();
  }
}
