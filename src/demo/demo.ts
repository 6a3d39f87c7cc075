import type { Logger } from '../common/logger';
import { defineQueries } from '../db/cypher';
import type { Executor } from '../db/executor';
import type { IngestService } from '../ingest/ingest.service';
import { generateEvents, type GeneratorOptions, type SegmentEvent } from './generator';

export interface DemoProgress {
  state: string;
  done: number;
  total: number;
}

/** Groups a stream into arrays of `size`. */
export function* batches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

interface DemoLoadRecord {
  people: number;
  seed: number;
  now: number;
  done: number;
  completedAt: number | null;
}

const Q = defineQueries('demo', ['demo-load', 'start-demo-load', 'demo-load-progress'] as const);

const recordOf = (row: Record<string, unknown> | undefined): DemoLoadRecord | null =>
  row
    ? {
        people: Number(row.people),
        seed: Number(row.seed),
        now: Number(row.now),
        done: Number(row.done ?? 0),
        completedAt: (row.completedAt as number | null) ?? null,
      }
    : null;

/**
 * Loads the demo data set through the ingestion path (exactly what trackers use), reporting progress, into a
 * database that holds no events, and finishes a load that was interrupted (the server stopped while it ran):
 * the load is recorded in the graph with what it loads and how far it got, and a later start generates the
 * same events and goes on from there. Ingestion is idempotent, so events applied twice count once. Stops
 * between two batches when `signal` aborts. Returns the number of events applied by this call.
 */
export async function loadDemoIfEmpty(
  services: { ingest: Pick<IngestService, 'ingest' | 'hasEvents'>; executor: Executor },
  options: {
    people: number;
    logger: Logger;
    progress: DemoProgress;
    seed?: number;
    now?: number;
    batchSize?: number;
    signal?: AbortSignal;
  },
): Promise<number> {
  const { ingest, executor } = services;
  const { logger, progress } = options;
  let record = recordOf((await executor.read(Q.demoLoad))[0]);
  if (record?.completedAt != null) {
    progress.state = 'skipped: the demo data is loaded';
    logger.info('demo data already loaded');
    return 0;
  }
  if (record === null) {
    if (await ingest.hasEvents()) {
      progress.state = 'skipped: the database already holds events';
      logger.info('demo data not loaded: the database already holds events');
      return 0;
    }
    record = recordOf(
      (
        await executor.write(Q.startDemoLoad, {
          people: options.people,
          seed: options.seed ?? 42,
          now: options.now ?? Date.now(),
          startedAt: Date.now(),
        })
      )[0],
    )!;
  } else {
    logger.info('resuming the demo data load that was interrupted', { done: record.done });
  }
  const generatorOptions: GeneratorOptions = { people: record.people, seed: record.seed, now: record.now };
  let total = 0;
  for (const _ of generateEvents(generatorOptions)) total += 1;
  const resumeAt = Math.min(record.done, total);
  progress.state = 'loading';
  progress.total = total;
  progress.done = resumeAt;
  logger.info('loading demo data', { people: record.people, events: total, from: resumeAt });
  const started = Date.now();
  let lastLog = 0;
  let applied = 0;
  const remaining = (function* () {
    let index = 0;
    for (const event of generateEvents(generatorOptions)) if (index++ >= resumeAt) yield event;
  })();
  for (const batch of batches<SegmentEvent>(remaining, options.batchSize ?? 500)) {
    if (options.signal?.aborted) {
      progress.state = `interrupted at ${progress.done} of ${total} events: the next start goes on from there`;
      logger.info('demo data load interrupted', { done: progress.done, total });
      return applied;
    }
    const result = await ingest.ingest(batch);
    applied += result.accepted;
    progress.done += batch.length;
    await executor.write(Q.demoLoadProgress, { done: progress.done, completedAt: null });
    if (Date.now() - lastLog > 2000 || progress.done === total) {
      lastLog = Date.now();
      const rate = Math.round((progress.done - resumeAt) / Math.max(0.001, (Date.now() - started) / 1000));
      logger.info('demo data progress', {
        done: progress.done,
        total,
        percent: Math.round((100 * progress.done) / total),
        eventsPerSecond: rate,
      });
    }
  }
  await executor.write(Q.demoLoadProgress, { done: total, completedAt: Date.now() });
  progress.state = 'loaded';
  logger.info('demo data loaded', { events: applied, seconds: Math.round((Date.now() - started) / 1000) });
  return applied;
}
