import { randomUUID } from 'node:crypto';
import { checkPageSize, decodeCursor, encodeCursor } from '../common/connection';
import type { Logger } from '../common/logger';
import { toDate } from '../common/scalars';
import { defineQueries } from '../db/cypher';
import type { Executor, TxRunner } from '../db/executor';
import type { Viewer } from '../security/viewer';
import type { AuditEntry, AuditEntryConnection } from './audit.type';

const Q = defineQueries('audit', ['record-entries', 'entries-page'] as const);

export interface AuditRecord {
  action: string;
  target: string | null;
  outcome: string;
  details?: unknown;
}

function entryOf(viewer: Viewer | null, record: AuditRecord) {
  return {
    id: randomUUID(),
    at: Date.now(),
    actor: viewer?.id ?? 'anonymous',
    role: viewer?.role ?? null,
    action: record.action,
    target: record.target,
    outcome: record.outcome,
    details: record.details === undefined ? null : JSON.stringify(record.details),
  };
}

/**
 * The audit log. Erasures are recorded inside their own transaction (no erasure without its entry); other
 * entries are buffered and written in batches within a second, so auditing reads costs no round trip each.
 */
export class AuditService {
  private buffer: Array<ReturnType<typeof entryOf>> = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly executor: Executor,
    private readonly logger: Logger,
    private readonly maxPageSize: number,
  ) {}

  record(viewer: Viewer | null, record: AuditRecord): void {
    this.buffer.push(entryOf(viewer, record));
    if (this.buffer.length >= 200) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), 1000);
  }

  /** Records an entry in the caller's transaction. */
  async recordIn(tx: TxRunner, viewer: Viewer | null, record: AuditRecord): Promise<void> {
    await tx.run(Q.recordEntries, { entries: [entryOf(viewer, record)] });
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const entries = this.buffer;
    this.buffer = [];
    if (entries.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() =>
      this.executor
        .write(Q.recordEntries, { entries })
        .then(() => undefined)
        .catch((error: unknown) =>
          this.logger.error('audit entries lost', { error, entries: entries.length }),
        ),
    );
    return this.flushing;
  }

  async page(
    first: number,
    after: string | null | undefined,
    actor: string | null,
    action: string | null,
  ): Promise<AuditEntryConnection> {
    checkPageSize(first, this.maxPageSize);
    await this.flush();
    const position = after
      ? decodeCursor<{ at: number; id: string }>(after, { at: 'number', id: 'string' })
      : null;
    const rows = await this.executor.read(Q.entriesPage, {
      beforeAt: position?.at ?? null,
      beforeId: position?.id ?? null,
      actor,
      action,
      first,
    });
    const entries: AuditEntry[] = rows.map((row) => {
      const e = row.entry as Record<string, unknown>;
      return {
        id: e.id as string,
        at: toDate(e.at) ?? new Date(0),
        actor: e.actor as string,
        role: (e.role as string | null) ?? null,
        action: e.action as string,
        target: (e.target as string | null) ?? null,
        outcome: e.outcome as string,
        details: typeof e.details === 'string' ? (JSON.parse(e.details) as unknown) : null,
      };
    });
    const page = entries.slice(0, first);
    const edges = page.map((node) => ({
      cursor: encodeCursor({ at: node.at.getTime(), id: node.id }),
      node,
    }));
    return {
      edges,
      pageInfo: { hasNextPage: entries.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }
}
