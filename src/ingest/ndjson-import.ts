import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { IngestService, RejectedEvent } from './ingest.service';

export interface LineRejection {
  file: string;
  line: number;
  reason: string;
  text: string;
}

export interface ImportSummary {
  read: number;
  accepted: number;
  duplicates: number;
  rejected: LineRejection[];
  seconds: number;
}

export interface ImportProgress {
  start(totalBytes: number): void;
  update(bytesDone: number, eventsRead: number, eventsPerSecond: number): void;
  stop(): void;
}

/**
 * Streams NDJSON files of Segment events through the ingestion service in batches of `batchSize`, so memory
 * stays flat whatever the file size. A line that is not JSON is rejected with its line number, like an
 * invalid event; neither stops the import.
 */
export async function importNdjson(
  ingest: IngestService,
  files: readonly string[],
  batchSize: number,
  progress: ImportProgress,
): Promise<ImportSummary> {
  const totalBytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
  progress.start(totalBytes);
  const started = Date.now();
  const summary: ImportSummary = { read: 0, accepted: 0, duplicates: 0, rejected: [], seconds: 0 };
  let bytesDone = 0;
  const rate = () => Math.round(summary.read / Math.max((Date.now() - started) / 1000, 0.001));

  for (const file of files) {
    let batch: Array<{ event: unknown; line: number; text: string }> = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const result = await ingest.ingest(batch.map((b) => b.event));
      summary.accepted += result.accepted;
      summary.duplicates += result.duplicates;
      for (const rejected of result.rejected as RejectedEvent[]) {
        const source = batch[rejected.index]!;
        summary.rejected.push({ file, line: source.line, reason: rejected.reason, text: source.text });
      }
      batch = [];
      progress.update(bytesDone, summary.read, rate());
    };
    let lineNumber = 0;
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const text of lines) {
      lineNumber += 1;
      bytesDone += Buffer.byteLength(text) + 1;
      if (text.trim() === '') continue;
      summary.read += 1;
      let event: unknown;
      try {
        event = JSON.parse(text);
      } catch (error) {
        summary.rejected.push({
          file,
          line: lineNumber,
          reason: `not valid JSON: ${(error as Error).message}`,
          text,
        });
        continue;
      }
      batch.push({ event, line: lineNumber, text });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  }
  progress.update(totalBytes, summary.read, rate());
  progress.stop();
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

/** The summary printed at the end of an import. */
export function formatSummary(files: readonly string[], summary: ImportSummary): string {
  const lines = [
    `Imported ${files.join(', ')} in ${summary.seconds.toFixed(1)} s (${Math.round(summary.read / Math.max(summary.seconds, 0.001))} events/s)`,
    `  events read:  ${summary.read}`,
    `  accepted:     ${summary.accepted}`,
    `  duplicates:   ${summary.duplicates}`,
    `  rejected:     ${summary.rejected.length}`,
    ...summary.rejected.slice(0, 10).map((r) => `    ${r.file}:${r.line}: ${r.reason}`),
    ...(summary.rejected.length > 10 ? [`    ... and ${summary.rejected.length - 10} more`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
