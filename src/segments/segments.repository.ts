import { defineQueries } from '../db/cypher';
import type { Executor, TxRunner } from '../db/executor';
import { toDate } from '../common/scalars';
import type { SegmentChangeRecord } from '../profiles/profile-changes';
import { toProfile } from '../profiles/profiles.repository';
import type { Profile } from '../profiles/profile.type';
import { SegmentPurpose, type Segment } from './segment.type';

const Q = defineQueries('segments', [
  'segments-by-ids',
  'segments-all',
  'create-segment',
  'update-segment',
  'segment-member-page',
  'mark-segment-deleted',
  'members-page',
  'segments-of-profiles',
  'segment-sizes',
  'changes-after',
  'change-log-head',
  'change-log-id',
  'size-history',
  'overlap',
  'breakdown',
] as const);

export function toSegment(row: unknown): Segment {
  const s = row as Record<string, unknown>;
  return {
    id: s.id as string,
    name: s.name as string,
    rule: typeof s.rule === 'string' ? (JSON.parse(s.rule) as unknown) : null,
    description: (s.description as string | null) ?? null,
    purpose: ((s.purpose as string | null) ?? SegmentPurpose.MARKETING) as SegmentPurpose,
    size: typeof s.size === 'number' ? s.size : undefined,
    createdAt: toDate(s.createdAt) ?? new Date(0),
    updatedAt: toDate(s.updatedAt) ?? new Date(0),
    deleted: s.deleted === true,
  };
}

function toChange(row: Record<string, unknown>): SegmentChangeRecord {
  return {
    seq: row.seq as number,
    segmentId: row.segmentId as string,
    profileId: row.profileId as string,
    change: row.change as 'ENTERED' | 'EXITED',
    at: row.at as number,
  };
}

export class SegmentsRepository {
  constructor(private readonly executor: Executor) {}

  async byIds(ids: readonly string[]): Promise<Array<Segment | null>> {
    const rows = await this.executor.read(Q.segmentsByIds, { ids });
    const byId = new Map(rows.map((row) => [(row.segment as { id: string }).id, toSegment(row.segment)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async all(): Promise<Segment[]> {
    return (await this.executor.read(Q.segmentsAll)).map((row) => toSegment(row.segment));
  }

  async create(
    tx: TxRunner,
    segment: { id: string; name: string; rule: unknown; description: string | null; purpose: SegmentPurpose },
  ): Promise<void> {
    await tx.run(Q.createSegment, { ...segment, rule: JSON.stringify(segment.rule), now: Date.now() });
  }

  async update(
    tx: TxRunner,
    id: string,
    changes: {
      name: string | null;
      rule: unknown;
      description: string | null;
      purpose: SegmentPurpose | null;
    },
  ): Promise<boolean> {
    const rule = changes.rule === undefined || changes.rule === null ? null : JSON.stringify(changes.rule);
    return (
      (
        await tx.run(Q.updateSegment, {
          id,
          name: changes.name,
          rule,
          description: changes.description,
          purpose: changes.purpose,
          now: Date.now(),
        })
      ).length > 0
    );
  }

  async memberPage(tx: TxRunner, id: string, first: number): Promise<string[]> {
    return (await tx.run(Q.segmentMemberPage, { id, first })).map((row) => row.id as string);
  }

  async markDeleted(tx: TxRunner, id: string): Promise<boolean> {
    return (await tx.run(Q.markSegmentDeleted, { id, now: Date.now() })).length > 0;
  }

  async members(id: string, after: string, first: number): Promise<{ page: Profile[]; total: number }> {
    const [row] = await this.executor.read(Q.membersPage, { id, after, first });
    return { page: ((row?.page as unknown[]) ?? []).map(toProfile), total: (row?.total as number) ?? 0 };
  }

  async sizes(ids: readonly string[]): Promise<number[]> {
    const rows = await this.executor.read(Q.segmentSizes, { ids });
    const byId = new Map(rows.map((row) => [row.id as string, row.size as number]));
    return ids.map((id) => byId.get(id) ?? 0);
  }

  async segmentsOf(ids: readonly string[]): Promise<string[][]> {
    const rows = await this.executor.read(Q.segmentsOfProfiles, { ids });
    const byId = new Map(rows.map((row) => [row.id as string, row.segmentIds as string[]]));
    return ids.map((id) => byId.get(id) ?? []);
  }

  async head(): Promise<number> {
    const [row] = await this.executor.read(Q.changeLogHead);
    return (row?.head as number) ?? 0;
  }

  /** The id of the database holding the change log (see cypher/segments/change-log-id.cypher). */
  async changeLogId(): Promise<string> {
    const [row] = await this.executor.read(Q.changeLogId);
    return row!.id as string;
  }

  async changesAfter(
    after: number,
    upTo: number,
    segmentId: string | null,
    first: number,
  ): Promise<SegmentChangeRecord[]> {
    return (await this.executor.read(Q.changesAfter, { after, upTo, segmentId, first })).map(toChange);
  }

  async sizeHistory(
    id: string,
    from: number,
    to: number,
  ): Promise<{ before: number; deltas: Array<{ day: number; delta: number }> } | null> {
    const [row] = await this.executor.read(Q.sizeHistory, { id, from, to });
    return row
      ? { before: row.before as number, deltas: row.deltas as Array<{ day: number; delta: number }> }
      : null;
  }

  async overlap(a: string, b: string): Promise<{ sizeA: number; sizeB: number; both: number } | null> {
    const [row] = await this.executor.read(Q.overlap, { a, b });
    return row ? (row as unknown as { sizeA: number; sizeB: number; both: number }) : null;
  }

  async breakdown(id: string, categoryId: string): Promise<Array<{ tagId: string; profiles: number }>> {
    return (await this.executor.read(Q.breakdown, { id, categoryId })) as unknown as Array<{
      tagId: string;
      profiles: number;
    }>;
  }
}
