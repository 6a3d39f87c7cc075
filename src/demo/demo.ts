import type { Logger } from '../common/logger';
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

/**
 * Loads the demo data set through the ingestion path (exactly what trackers use), reporting progress, when
 * no event was ever ingested. Returns the number of events applied (0 when the database held data).
 */
export async function loadDemoIfEmpty(
  services: { ingest: IngestService },
  options: { people: number; logger: Logger; progress: DemoProgress; seed?: number; now?: number },
): Promise<number> {
  const { ingest } = services;
  const { logger, progress } = options;
  if (await ingest.hasEvents()) {
    progress.state = 'skipped: the database already holds events';
    logger.info('demo data not loaded: the database already holds events');
    return 0;
  }
  const generatorOptions: GeneratorOptions = {
    people: options.people,
    seed: options.seed ?? 42,
    now: options.now ?? Date.now(),
  };
  let total = 0;
  for (const _ of generateEvents(generatorOptions)) total += 1;
  progress.state = 'loading';
  progress.total = total;
  logger.info('loading demo data', { people: options.people, events: total });
  const started = Date.now();
  let lastLog = 0;
  let applied = 0;
  for (const batch of batches<SegmentEvent>(generateEvents(generatorOptions), 500)) {
    const result = await ingest.ingest(batch);
    applied += result.accepted;
    progress.done += batch.length;
    if (Date.now() - lastLog > 2000 || progress.done === total) {
      lastLog = Date.now();
      const rate = Math.round(progress.done / ((Date.now() - started) / 1000));
      logger.info('demo data progress', {
        done: progress.done,
        total,
        percent: Math.round((100 * progress.done) / total),
        eventsPerSecond: rate,
      });
    }
  }
  progress.state = 'loaded';
  logger.info('demo data loaded', { events: applied, seconds: Math.round((Date.now() - started) / 1000) });
  return applied;
}
