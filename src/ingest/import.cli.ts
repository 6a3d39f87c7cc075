import 'reflect-metadata';
import { statSync, writeFileSync } from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import { loadConfig } from '../config';
import { createLogger } from '../common/logger';
import { createDriver } from '../db/driver';
import { Executor } from '../db/executor';
import { applySchema } from '../db/migrations';
import { waitForNeo4j } from '../server/bootstrap';
import { createServices } from '../server/services';
import { formatSummary, importNdjson, type ImportProgress } from './ndjson-import';

const usage = `Imports Segment-spec events from NDJSON files (one event per line) through the ingestion path.

  npm run import -- <file.ndjson> [more files] [--batch N] [--rejected rejected.ndjson]

  --batch N        events per ingestion request (default 500)
  --rejected PATH  write every rejected line, with its reason, to PATH as NDJSON

Needs NEO4J_URI (npm run import starts the local Neo4j when it is unset).`;

function parseArgs(argv: string[]): { files: string[]; batch: number; rejectedPath: string | null } {
  const options = { files: [] as string[], batch: 500, rejectedPath: null as string | null };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--batch') options.batch = Number(argv[(i += 1)]);
    else if (arg === '--rejected') options.rejectedPath = argv[(i += 1)] ?? null;
    else if (arg.startsWith('-'))
      throw new Error(arg === '--help' || arg === '-h' ? usage : `unknown option ${arg}\n\n${usage}`);
    else options.files.push(arg);
  }
  if (options.files.length === 0) throw new Error(usage);
  if (!Number.isInteger(options.batch) || options.batch < 1)
    throw new Error('--batch must be a positive integer');
  return options;
}

function progressBar(): ImportProgress {
  const bar = new SingleBar(
    {
      format: '{bar} {percentage}% | {events} events | {rate} events/s | eta {eta_formatted}',
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  return {
    start: (total) => bar.start(total, 0, { events: 0, rate: 0 }),
    update: (done, events, rate) => bar.update(done, { events, rate }),
    stop: () => bar.stop(),
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  for (const file of options.files) statSync(file); // a missing file fails before connecting
  const config = loadConfig();
  const logger = createLogger('warn');
  const driver = createDriver(config);
  try {
    await waitForNeo4j(driver, logger);
    await applySchema(driver, config.NEO4J_DATABASE, logger);
    const services = createServices(
      new Executor(driver, config.NEO4J_DATABASE, logger, undefined, config.NEO4J_RETRY_MS),
      config,
      logger,
    );
    const summary = await importNdjson(services.ingest, options.files, options.batch, progressBar());
    process.stdout.write(`\n${formatSummary(options.files, summary)}`);
    if (options.rejectedPath) {
      writeFileSync(options.rejectedPath, summary.rejected.map((r) => `${JSON.stringify(r)}\n`).join(''));
      process.stdout.write(`  rejected lines written to ${options.rejectedPath}\n`);
    }
  } finally {
    await driver.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
