import 'reflect-metadata';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { loadConfig } from '../config';
import { createLogger } from '../common/logger';
import { createDriver } from '../db/driver';
import { Executor } from '../db/executor';
import { applySchema } from '../db/migrations';
import { generateEvents } from '../demo/generator';
import { waitForNeo4j } from '../server/bootstrap';
import { createServices } from '../server/services';
import { bulkLoad } from './bulk-load';

const usage = `Loads a large data set into an EMPTY graph, building what ingesting the same events would build,
many times faster (see "Bulk load" in the README).

  npm run bulk-load -- --people N [--seed S] [--now ISO-DATE]   generated data (the demo generator)
      [--products N] [--activity F]   catalogue size (default 300); sessions scale (default 1; 0.3 gives
                                      about 10 interactions a person)
  npm run bulk-load -- <file.ndjson> [more files]               Segment-spec events, one per line

  --batch N   rows per write transaction (default 5000)

Needs NEO4J_URI (npm run bulk-load starts the local Neo4j when it is unset).`;

interface Options {
  files: string[];
  people: number | null;
  seed: number;
  now: number;
  batch: number;
  products: number;
  activity: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    files: [],
    people: null,
    seed: 42,
    now: Date.now(),
    batch: 5000,
    products: 300,
    activity: 1,
  };
  const number = (name: string, text: string | undefined): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
    return value;
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--people') options.people = number('--people', argv[(i += 1)]);
    else if (arg === '--seed') options.seed = number('--seed', argv[(i += 1)]);
    else if (arg === '--batch') options.batch = number('--batch', argv[(i += 1)]);
    else if (arg === '--products') options.products = number('--products', argv[(i += 1)]);
    else if (arg === '--activity') {
      options.activity = Number(argv[(i += 1)]);
      if (!(options.activity > 0 && options.activity <= 10)) throw new Error('--activity must be in (0, 10]');
    } else if (arg === '--now') {
      options.now = Date.parse(argv[(i += 1)] ?? '');
      if (Number.isNaN(options.now)) throw new Error('--now must be a date, such as 2026-10-01');
    } else if (arg.startsWith('-'))
      throw new Error(arg === '--help' || arg === '-h' ? usage : `unknown option ${arg}\n\n${usage}`);
    else options.files.push(arg);
  }
  if ((options.people === null) === (options.files.length === 0))
    throw new Error(`give either --people or NDJSON files\n\n${usage}`);
  return options;
}

/** The lines of a file, read synchronously in 1 MiB blocks (the loader reads its input twice, in order). */
function* lines(file: string): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    let rest = '';
    for (let read; (read = readSync(fd, buffer, 0, buffer.length, null)) > 0;) {
      const parts = (rest + buffer.toString('utf8', 0, read)).split('\n');
      rest = parts.pop()!;
      yield* parts;
    }
    if (rest) yield rest;
  } finally {
    closeSync(fd);
  }
}

function* fromFiles(files: readonly string[]): Generator<unknown> {
  for (const file of files) {
    for (const line of lines(file)) {
      if (line.trim() === '') continue;
      try {
        yield JSON.parse(line);
      } catch {
        yield line; // not an object: counted as rejected, like ingestion would
      }
    }
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  for (const file of options.files) statSync(file); // a missing file fails before connecting
  const events =
    options.people !== null
      ? () =>
          generateEvents({
            people: options.people!,
            seed: options.seed,
            now: options.now,
            products: options.products,
            activity: options.activity,
          })
      : () => fromFiles(options.files);
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
      undefined,
      () => options.now,
    );
    const started = Date.now();
    let last = 0;
    const report = await bulkLoad(services, services.executor, events, {
      batchSize: options.batch,
      progress: (phase, done, total) => {
        if (Date.now() - last < 1000 && done !== total) return;
        last = Date.now();
        const elapsed = Math.round((Date.now() - started) / 1000);
        process.stderr.write(`[${elapsed}s] ${phase} ${done}${total === null ? '' : `/${total}`}\n`);
      },
    });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await driver.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
