// Offline evaluation of recommendations and lookalikes: loads a generated data set with planted taste
// clusters through the ingestion path, holds out each person's last order, and prints HR@10 and NDCG@10
// against popularity and exact item-kNN baselines, and recall@100 of lookalikes against exact similarity.
// The logic is src/recommendations/evaluation.ts; figures are kept in src/recommendations/RECOMMENDATIONS.md.
//   npm run build && node tools/neo4j.mjs run --fresh -- node tools/eval/recommendations.mjs [people] [products]
import 'reflect-metadata';
import { createRequire } from 'node:module';
import os from 'node:os';
const require = createRequire(import.meta.url);
const { loadConfig } = require('../../dist/src/config.js');
const { createLogger, silentLogger } = require('../../dist/src/common/logger.js');
const { createDriver } = require('../../dist/src/db/driver.js');
const { Executor } = require('../../dist/src/db/executor.js');
const { applySchema } = require('../../dist/src/db/migrations.js');
const { createServices } = require('../../dist/src/server/services.js');
const { LookalikesRepository } = require('../../dist/src/lookalikes/lookalikes.repository.js');
const {
  createRecommendationServices,
  registerSettleSteps,
} = require('../../dist/src/recommendations/wiring.js');
const { DEFAULT_RECOMMENDATION_SETTINGS } = require('../../dist/src/recommendations/settings.js');
const { RecommendationsService } = require('../../dist/src/recommendations/recommendations.service.js');
const { markdownReport, runEvaluation } = require('../../dist/src/recommendations/evaluation.js');

const people = Number(process.argv[2] ?? 2000);
const products = Number(process.argv[3] ?? 400);
const config = loadConfig({ ...process.env, DEMO_DATA: 'false' });
const logger = createLogger('warn');
const driver = createDriver(config);
await applySchema(driver, config.NEO4J_DATABASE, silentLogger);
const executor = new Executor(driver, config.NEO4J_DATABASE, logger, 60_000);
const services = createServices(executor, config, logger);
await services.tags.installDefaults();
const settings = DEFAULT_RECOMMENDATION_SETTINGS;
const portrait = createRecommendationServices(
  {
    executor,
    logger,
    jobs: services.jobs,
    tags: services.tags,
    segments: services.segments,
    consent: services.privacy.policy,
  },
  settings,
);
registerSettleSteps(services.changes, portrait);
const embeddings = new LookalikesRepository(executor);
// The same data, ranked without the lookalikes' purchases: what related products alone achieve.
const relatedOnly = new RecommendationsService(
  portrait.repository,
  services.privacy.policy,
  { ...settings, lookalikeWeight: 0 },
  portrait.recommendations.refresher,
);
const ids = (list) => list.map((r) => r.productId);
const now = Date.now();

const report = await runEvaluation(
  {
    async ingest(events) {
      const result = await services.ingest.ingest(events);
      if (result.rejected.length > 0) throw new Error(`rejected: ${JSON.stringify(result.rejected[0])}`);
    },
    refresh: async () => void (await portrait.recommendations.refresher.run('all', now)),
    async profileIdOf(userId) {
      const [profile] = await services.repositories.profiles.byIdentifiers([
        { namespace: 'user_id', value: userId },
      ]);
      return profile?.id ?? null;
    },
    recommenders: [
      {
        name: 'Portrait `recommendations` (related products + lookalikes)',
        recommend: async (profileId, k, at) =>
          ids(await portrait.recommendations.recommend(profileId, k, { now: at })),
      },
      {
        name: 'Portrait, related products only (lookalikeWeight 0)',
        recommend: async (profileId, k, at) => ids(await relatedOnly.recommend(profileId, k, { now: at })),
      },
    ],
    async lookalikes(profileIds, k) {
      return (await portrait.lookalikes.lookalikes({ profileIds }, k)).map((m) => m.profileId);
    },
    async embeddings() {
      const all = new Map();
      for (let after = ''; ;) {
        const page = await embeddings.embeddingsPage(after, 5000);
        if (page.length === 0) return all;
        for (const row of page) all.set(row.id, row.embedding);
        after = page.at(-1).id;
      }
    },
  },
  { people, products, now, settings, log: (line) => process.stderr.write(`[eval] ${line}\n`) },
);

console.log(markdownReport(report));
console.log(
  `\nCommand: node tools/neo4j.mjs run --fresh -- node tools/eval/recommendations.mjs ${people} ${products}` +
    `\nMachine: ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GB memory, Node ${process.version}, Neo4j heap ${process.env.NEO4J_HEAP ?? '1g'}`,
);
await services.jobs.idle();
await driver.close();
