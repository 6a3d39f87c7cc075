import { defineQueries } from '../db/cypher';
import type { Executor, TxRunner } from '../db/executor';
import type { SegmentChangeRecord } from '../profiles/profile-changes';

const Q = defineQueries('audiences', [
  'definitions',
  'definitions-version',
  'bump-definitions-version',
  'apply-tag-changes',
  'apply-segment-changes',
  'log-segment-changes',
  'retire-audiences',
  'profiles-page',
  'profile-count',
] as const);

type SegmentChange = { segmentId: string; profileId: string; change: 'ENTERED' | 'EXITED' };

/** A change log record whose position is handed out when its transaction commits. */
type Unlogged = { -readonly [K in keyof SegmentChangeRecord]: SegmentChangeRecord[K] };

/** Per transaction, the changes to log right before it commits (one queue whichever repository applied them). */
const unlogged = new WeakMap<TxRunner, Unlogged[]>();

/** The distinct profile ids of `rows`, sorted: the order in which every writer locks profiles. */
function profileIdsOf(rows: ReadonlyArray<{ profileId: string }>): string[] {
  return [...new Set(rows.map((row) => row.profileId))].sort();
}

export interface Definitions {
  version: string;
  tags: Array<{ id: string; kind: 'RULE' | 'MANUAL' | 'MODEL'; rule: string | null }>;
  segments: Array<{ id: string; rule: string; purpose: string }>;
}

export interface EvaluationRow {
  id: string;
  results: boolean[];
  tags: string[];
  segments: string[];
}

/** Storage of what tags and segments profiles belong to, and the change log of segment membership. */
export class AudiencesRepository {
  constructor(private readonly executor: Executor) {}

  async version(tx: TxRunner): Promise<string> {
    const [row] = await tx.run(Q.definitionsVersion);
    return (row?.version as string | null) ?? 'none';
  }

  async definitions(tx: TxRunner): Promise<Definitions> {
    const [row] = await tx.run(Q.definitions);
    return row as unknown as Definitions;
  }

  /** Called by every transaction that changes a tag's or segment's definition. */
  async bumpVersion(tx: TxRunner): Promise<void> {
    await tx.run(Q.bumpDefinitionsVersion);
  }

  async evaluate(tx: TxRunner, text: string, params: Record<string, unknown>): Promise<EvaluationRow[]> {
    const rows = await tx.run({ name: 'audiences.evaluate', text }, params);
    return rows as unknown as EvaluationRow[];
  }

  /**
   * Puts tags on profiles (or updates their score) and takes them off. The profiles are write-locked, in id
   * order, and the shared Tag nodes are not locked at all (see apply-tag-changes.cypher).
   */
  async applyTagChanges(
    tx: TxRunner,
    add: ReadonlyArray<{ profileId: string; tagId: string; score: number | null }>,
    remove: ReadonlyArray<{ profileId: string; tagId: string }>,
    now: number,
  ): Promise<void> {
    if (add.length === 0 && remove.length === 0) return;
    await tx.run(Q.applyTagChanges, {
      profileIds: profileIdsOf([...add, ...remove]),
      add: [...new Map(add.map((x) => [`${x.profileId}\n${x.tagId}`, x])).values()],
      remove,
      now,
    });
  }

  /**
   * Applies segment entries and exits and returns those that took effect, each to be logged under the next
   * position of the change log. The positions are handed out by the transaction's last statement (queued with
   * `beforeCommit`), because every transaction that changes memberships write-locks the one sequence behind
   * them until it commits: taken last, that lock is held only for the commit. So the records' `seq` is set
   * then, when the transaction's work has returned; it is read once the transaction has committed.
   */
  async applySegmentChanges(
    tx: TxRunner,
    changes: readonly SegmentChange[],
    now: number,
  ): Promise<SegmentChangeRecord[]> {
    if (changes.length === 0) return [];
    const rows = await tx.run(Q.applySegmentChanges, {
      profileIds: profileIdsOf(changes),
      changes,
      now,
    });
    const records: Unlogged[] = rows.map((row) => ({
      seq: 0,
      segmentId: row.segmentId as string,
      profileId: row.profileId as string,
      change: row.change as 'ENTERED' | 'EXITED',
      at: now,
    }));
    let queue = unlogged.get(tx);
    if (!queue) {
      const pending: Unlogged[] = [];
      unlogged.set(tx, pending);
      tx.beforeCommit(() => this.logSegmentChanges(tx, pending));
      queue = pending;
    }
    queue.push(...records);
    return records;
  }

  /** Logs a transaction's changes, in the order they were applied, and gives each its position. */
  private async logSegmentChanges(tx: TxRunner, records: Unlogged[]): Promise<void> {
    if (records.length === 0) return;
    const [row] = await tx.run(Q.logSegmentChanges, {
      changes: records.map(({ segmentId, profileId, change, at }) => ({ segmentId, profileId, change, at })),
    });
    const base = row!.base as number;
    records.forEach((record, i) => {
      record.seq = base + i + 1;
    });
  }

  /**
   * Takes profiles about to be retired out of their audiences: their segments are exited (and logged, as
   * any exit), computed tags dropped and manual tags moved to the profile each went into. Returns the exits.
   */
  async retireAudiences(
    tx: TxRunner,
    retired: ReadonlyArray<{ id: string; into: string | null }>,
    now: number,
  ): Promise<SegmentChangeRecord[]> {
    const rows = await tx.run(Q.retireAudiences, { retired, now });
    const exits = rows.flatMap((row) =>
      (row.segments as string[]).map((segmentId) => ({
        segmentId,
        profileId: row.profileId as string,
        change: 'EXITED' as const,
      })),
    );
    return this.applySegmentChanges(tx, exits, now);
  }

  async profilePage(after: string, first: number): Promise<string[]> {
    return (await this.executor.read(Q.profilesPage, { after, first })).map((row) => row.id as string);
  }

  async profileCount(): Promise<number> {
    const [row] = await this.executor.read(Q.profileCount);
    return (row?.profiles as number) ?? 0;
  }
}
