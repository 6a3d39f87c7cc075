// The related-products refresh (issue 5, item 1): how long one refresh takes over the graph as it is, and the
// peak memory of the process that runs it. The refresh runs here, in Portrait's services without a server, so
// the process's peak resident memory is the refresh's (the API runs the same job on its scheduler).
//
//   NEO4J_URI=bolt://127.0.0.1:7690 node tools/bench/refresh.mjs --mode all
//   NEO4J_URI=bolt://127.0.0.1:7690 node tools/bench/refresh.mjs --mode dirty --dirty-top 3000
//
// --mode all recomputes every list (what the scheduler does daily), rebuild also every profile's engagement
// and embedding first, dirty only the products whose engagement changed (what the scheduler does every tick);
// --dirty-top N first marks the N most popular products changed, as a burst of events on best-sellers would.

import {
  benchConfig,
  cli,
  dataSize,
  dist,
  isMain,
  log,
  markdownTable,
  memoryOf,
  reportHeader,
  requireFromRoot,
  resultBase,
  withDefaults,
} from './common.mjs';

const NAME = 'refresh';

export const spec = {
  mode: { type: 'string', default: 'all', help: 'all, rebuild or dirty' },
  dirtyTop: {
    type: 'number',
    default: 0,
    smoke: 5,
    help: 'mark the N most popular products changed before the refresh',
  },
};

const peakMb = () => memoryOf(process.pid).peakMb;

/** The benchmark; resolves to the result object that the command line prints and writes. */
export async function run(given = {}) {
  const options = withDefaults(spec, given);
  if (!['all', 'rebuild', 'dirty'].includes(options.mode))
    throw new Error(`--mode must be all, rebuild or dirty (got ${options.mode})`);
  if (!process.env.NEO4J_URI) throw new Error('NEO4J_URI is not set: the refresh runs over the graph there');
  requireFromRoot('reflect-metadata'); // the services' GraphQL types need it, as in src/main.ts
  const { createDriver } = dist('db/driver.js');
  const { Executor } = dist('db/executor.js');
  const { createServices } = dist('server/services.js');
  const { silentLogger } = dist('common/logger.js');
  const config = benchConfig();
  const database = config.NEO4J_DATABASE;
  const driver = createDriver(config);
  const started = Date.now();
  try {
    const result = await resultBase(NAME, 'Related-products refresh', options, driver, database);
    result.data = await dataSize(driver, database);
    const executor = new Executor(driver, database, silentLogger);
    const services = createServices(executor, config, silentLogger);
    if (options.dirtyTop > 0) {
      await executor.write(
        {
          name: 'bench.markPopularDirty',
          text: `MATCH (p:Product) WHERE p.popularity IS NOT NULL
                 WITH p ORDER BY p.popularity DESC LIMIT toInteger($n)
                 SET p.relatedDirty = true`,
        },
        { n: options.dirtyTop },
      );
    }
    const [{ dirty }] = await executor.read({
      name: 'bench.dirtyProducts',
      text: 'MATCH (p:Product) WHERE p.relatedDirty RETURN count(p) AS dirty',
    });
    log(NAME, `${options.mode} refresh (${dirty} products marked changed)`);
    const rssBefore = peakMb();
    const refreshing = performance.now();
    const job =
      options.mode === 'dirty'
        ? await services.recommendations.refresher.refreshDirty()
        : await services.recommendations.refresh(options.mode === 'rebuild');
    await services.jobs.idle();
    const seconds = (performance.now() - refreshing) / 1000;
    const done = job ? await services.jobs.job(job.id) : null;
    if (done && done.state !== 'SUCCEEDED')
      result.warnings.push(`the refresh ${done.state}: ${done.message}`);
    const [{ lists, relations }] = await executor.read({
      name: 'bench.relatedLists',
      text: `MATCH (p:Product) WHERE p.relatedCount > 0
             RETURN count(p) AS lists, sum(p.relatedCount) AS relations`,
    });
    result.refresh = {
      mode: options.mode,
      dirtyBefore: dirty,
      seconds: Math.round(seconds * 10) / 10,
      job: done ? { state: done.state, message: done.message } : null,
      peakRssMb: Math.round(peakMb()),
      peakRssBeforeMb: Math.round(rssBefore),
      lists,
      relations,
    };
    result.seconds = Math.round((Date.now() - started) / 100) / 10;
    return result;
  } finally {
    await driver.close();
  }
}

/** The report as markdown. */
export function markdown(result) {
  const r = result.refresh;
  return [
    reportHeader(result),
    '',
    markdownTable(
      ['mode', 'products marked changed', 'seconds', 'job', 'peak RSS MB (before)', 'lists', 'relations'],
      [
        [
          r.mode,
          r.dirtyBefore,
          r.seconds,
          r.job ? `${r.job.state}: ${r.job.message}` : 'nothing to refresh',
          `${r.peakRssMb} (${r.peakRssBeforeMb})`,
          r.lists,
          r.relations,
        ],
      ],
    ),
    ...(result.warnings.length ? ['', ...result.warnings.map((w) => `**WARNING**: ${w}`)] : []),
  ].join('\n');
}

if (isMain(import.meta.url)) await cli({ name: NAME, spec, run, markdown });
