import { defineQueries } from '../db/cypher';
import type { Executor, TxRunner } from '../db/executor';
import type { SegmentChangeRecord } from '../profiles/profile-changes';

const Q = defineQueries('audiences', [
  'definitions',
  'definitions-version',
  'bump-definitions-version',
  'apply-tag-changes',
  'apply-segment-changes',
  'profiles-page',
  'profile-count',
] as const);

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

  async applyTagChanges(
    tx: TxRunner,
    add: ReadonlyArray<{ profileId: string; tagId: string; score: number | null }>,
    remove: ReadonlyArray<{ profileId: string; tagId: string }>,
    now: number,
  ): Promise<void> {
    if (add.length > 0 || remove.length > 0) await tx.run(Q.applyTagChanges, { add, remove, now });
  }

  /** Writes entries and exits and logs each under the next position of the change log. */
  async applySegmentChanges(
    tx: TxRunner,
    changes: ReadonlyArray<{ segmentId: string; profileId: string; change: 'ENTERED' | 'EXITED' }>,
    now: number,
  ): Promise<SegmentChangeRecord[]> {
    if (changes.length === 0) return [];
    const rows = await tx.run(Q.applySegmentChanges, { changes, now });
    return rows.map((row) => ({
      seq: row.seq as number,
      segmentId: row.segmentId as string,
      profileId: row.profileId as string,
      change: row.change as 'ENTERED' | 'EXITED',
      at: now,
    }));
  }

  async profilePage(after: string, first: number): Promise<string[]> {
    return (await this.executor.read(Q.profilesPage, { after, first })).map((row) => row.id as string);
  }

  async profileCount(): Promise<number> {
    const [row] = await this.executor.read(Q.profileCount);
    return (row?.profiles as number) ?? 0;
  }
}
