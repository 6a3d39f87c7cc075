// Where ingestion time goes: ingests generated events through the service and prints time per statement.
//   npm run build && node tools/neo4j.mjs run --fresh -- node tools/bench/ingest-profile.mjs [people] [batch]
import 'reflect-metadata';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { loadConfig } = require('../../dist/src/config.js');
const { silentLogger } = require('../../dist/src/common/logger.js');
const { createDriver } = require('../../dist/src/db/driver.js');
const { Executor } = require('../../dist/src/db/executor.js');
const { applySchema } = require('../../dist/src/db/migrations.js');
const { createServices } = require('../../dist/src/server/services.js');
const { generateEvents } = require('../../dist/src/demo/generator.js');
const { batches } = require('../../dist/src/demo/demo.js');

const people = Number(process.argv[2] ?? 1000);
const batchSize = Number(process.argv[3] ?? 500);
const config = loadConfig({ ...process.env, DEMO_DATA: 'false' });
const driver = createDriver(config);
await applySchema(driver, config.NEO4J_DATABASE, silentLogger);
const executor = new Executor(driver, config.NEO4J_DATABASE, silentLogger);
const services = createServices(executor, config, silentLogger);
if (process.env.WITH_CATALOGUE !== '0') await services.tags.installDefaults();
const byQuery = new Map();
executor.onQuery((e) => {
  const s = byQuery.get(e.query) ?? { n: 0, ms: 0 };
  s.n += 1;
  s.ms += e.ms;
  byQuery.set(e.query, s);
});
const events = [...generateEvents({ people, seed: 11, now: Date.now() })];
const started = performance.now();
for (const batch of batches(events, batchSize)) await services.ingest.ingest(batch);
const seconds = (performance.now() - started) / 1000;
console.log(
  `${events.length} events, ${people} people, batch ${batchSize}: ${seconds.toFixed(1)} s, ${Math.round(events.length / seconds)} events/s`,
);
const total = [...byQuery.values()].reduce((s, q) => s + q.ms, 0);
for (const [name, s] of [...byQuery].sort((a, b) => b[1].ms - a[1].ms)) {
  console.log(
    `${name.padEnd(36)} ${String(s.n).padStart(6)} calls ${(s.ms / 1000).toFixed(2).padStart(7)} s ${((100 * s.ms) / total).toFixed(1).padStart(5)}%`,
  );
}
await driver.close();
