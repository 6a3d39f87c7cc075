import { randomUUID } from 'node:crypto';
import type { AudiencesRepository } from '../audiences/audiences.repository';
import type { AudiencesService } from '../audiences/audiences.service';
import { checkPageSize, decodeCursor, encodeCursor, toPage, type Page } from '../common/connection';
import { badInput, notFound } from '../common/errors';
import type { Executor } from '../db/executor';
import type { ProfileChanges, SegmentChangeRecord } from '../profiles/profile-changes';
import type { Profile } from '../profiles/profile.type';
import type { ChangeBus } from './change-bus';
import { segmentChanges } from './change-stream';
import type { Job } from '../jobs/job.type';
import { SegmentPurpose, type Segment, type SegmentOverlap, type SegmentSizePoint } from './segment.type';

export interface SegmentChangeResult {
  segment: Segment;
  /** The evaluation over all profiles, for a new or changed rule. */
  job: Job | null;
}
import type { SegmentsRepository } from './segments.repository';

const DAY = 86_400_000;

export interface SegmentsSettings {
  readonly maxPageSize: number;
  /** Members exited per transaction when a segment is deleted. */
  readonly batchSize: number;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 120)
    throw badInput('name must be 1 to 120 characters', { argument: 'name' });
  return trimmed;
}

/**
 * Segments: audiences defined by rules, their members, analytics, and the stream of entries and exits
 * (replayed from the durable change log, then live through the change bus).
 */
export class SegmentsService {
  constructor(
    private readonly executor: Executor,
    private readonly repository: SegmentsRepository,
    private readonly audiences: AudiencesService,
    private readonly audiencesRepository: AudiencesRepository,
    private readonly changes: ProfileChanges,
    private readonly bus: ChangeBus,
    private readonly settings: SegmentsSettings,
  ) {
    // Every committed change goes out on the bus, to every instance's subscribers.
    changes.onCommitted((settlement) => {
      if (settlement.segmentChanges.length > 0)
        void bus.publish(settlement.segmentChanges).catch(() => undefined);
    });
  }

  byIds(ids: readonly string[]): Promise<Array<Segment | null>> {
    return this.repository.byIds(ids);
  }

  all(): Promise<Segment[]> {
    return this.repository.all();
  }

  /** Creates a segment from a validated rule and starts evaluating it over all profiles (the returned job). */
  async create(
    name: string,
    rule: unknown,
    description: string | null = null,
    purpose: SegmentPurpose = SegmentPurpose.MARKETING,
  ): Promise<SegmentChangeResult> {
    const clean = checkName(name);
    const id = `seg-${randomUUID()}`;
    await this.executor.writeTx('segments.create', async (tx) => {
      await this.audiences.compileForSave(tx, rule, { kind: 'segment', id });
      await this.repository.create(tx, { id, name: clean, rule, description, purpose });
    });
    const job = await this.audiences.startFullEvaluation({ kind: 'segment', id }, `segment ${clean}`);
    const [segment] = await this.repository.byIds([id]);
    return { segment: segment!, job };
  }

  async update(
    id: string,
    changes: {
      name?: string | null;
      rule?: unknown;
      description?: string | null;
      purpose?: SegmentPurpose | null;
    },
  ): Promise<SegmentChangeResult> {
    const name = changes.name == null ? null : checkName(changes.name);
    const newRule = changes.rule !== undefined && changes.rule !== null;
    // A new purpose changes who may be a member as much as a new rule does.
    const reevaluate = newRule || changes.purpose != null;
    await this.executor.writeTx('segments.update', async (tx) => {
      if (newRule) await this.audiences.compileForSave(tx, changes.rule, { kind: 'segment', id });
      else await this.audiences.bumpVersion(tx);
      const updated = await this.repository.update(tx, id, {
        name,
        rule: newRule ? changes.rule : null,
        description: changes.description ?? null,
        purpose: changes.purpose ?? null,
      });
      if (!updated) throw notFound(`no segment ${id}`, { argument: 'id' });
    });
    const [segment] = await this.repository.byIds([id]);
    const job = reevaluate
      ? await this.audiences.startFullEvaluation({ kind: 'segment', id }, `segment ${segment!.name}`)
      : null;
    return { segment: segment!, job };
  }

  /**
   * Deletes a segment: it stops being evaluated at once, then every member exits (each exit logged and
   * streamed like any other). Refused while another rule refers to it. False when there is no such segment.
   */
  async delete(id: string): Promise<boolean> {
    const marked = await this.executor.writeTx('segments.delete', async (tx) => {
      await this.audiences.bumpVersion(tx);
      const users = await this.audiences.referencesTo(tx, { kind: 'segment', id });
      if (users.length > 0) {
        throw badInput(
          `rules still refer to this segment: ${users.map((u) => `${u.kind} ${u.id}`).join(', ')}`,
          { referencedBy: users },
        );
      }
      return this.repository.markDeleted(tx, id);
    });
    if (!marked) return false;
    for (;;) {
      const records = await this.executor.writeTx('segments.exitAll', async (tx) => {
        const members = await this.repository.memberPage(tx, id, this.settings.batchSize);
        return this.audiencesRepository.applySegmentChanges(
          tx,
          members.map((profileId) => ({ segmentId: id, profileId, change: 'EXITED' as const })),
          Date.now(),
        );
      });
      if (records.length === 0) break;
      this.changes.committed({ profiles: [], segmentChanges: records });
    }
    return true;
  }

  async members(id: string, first: number, after: string | null | undefined): Promise<Page<Profile>> {
    checkPageSize(first, this.settings.maxPageSize);
    const position = after ? decodeCursor<{ id: string }>(after, { id: 'string' }) : { id: '' };
    const { page, total } = await this.repository.members(id, position.id, first);
    return toPage(page, first, total, (p) => encodeCursor({ id: p.id }));
  }

  /** The size at the end of each of the last `days` days (UTC), from the change log. */
  async sizeHistory(id: string, days: number, now = Date.now()): Promise<SegmentSizePoint[]> {
    if (!Number.isInteger(days) || days < 1 || days > 366)
      throw badInput('days must be 1 to 366', { argument: 'days' });
    const today = Math.floor(now / DAY);
    const from = (today - days + 1) * DAY;
    const history = await this.repository.sizeHistory(id, from, (today + 1) * DAY);
    if (!history) return [];
    const deltas = new Map(history.deltas.map((d) => [d.day, d.delta]));
    let size = history.before;
    const points: SegmentSizePoint[] = [];
    for (let day = today - days + 1; day <= today; day += 1) {
      size += deltas.get(day) ?? 0;
      points.push({ day: new Date((day + 1) * DAY - 1), size });
    }
    return points;
  }

  async overlap(id: string, otherId: string): Promise<SegmentOverlap | null> {
    const row = await this.repository.overlap(id, otherId);
    if (!row) return null;
    const either = row.sizeA + row.sizeB - row.both;
    return {
      size: row.sizeA,
      otherSize: row.sizeB,
      both: row.both,
      jaccard: either === 0 ? 0 : row.both / either,
    };
  }

  async breakdown(
    segment: Segment,
    categoryId: string,
  ): Promise<Array<{ tagId: string; profiles: number; share: number }>> {
    const rows = await this.repository.breakdown(segment.id, categoryId);
    const size = segment.size ?? (await this.repository.sizes([segment.id]))[0]!;
    return rows.map((row) => ({ ...row, share: size === 0 ? 0 : row.profiles / size }));
  }

  segmentsOf(ids: readonly string[]): Promise<string[][]> {
    return this.repository.segmentsOf(ids);
  }

  /**
   * Entries and exits of one segment (or all) as they happen; with `after`, first everything after that
   * cursor. The cursor is the position in the change log.
   */
  async subscribe(
    segmentId: string | null,
    after: string | null | undefined,
  ): Promise<AsyncIterableIterator<SegmentChangeRecord>> {
    let position: number | null = null;
    if (after != null) {
      if (!/^\d{1,15}$/.test(after))
        throw badInput('after must be a cursor from a SegmentMembershipChange', { argument: 'after' });
      position = Number(after);
    }
    if (segmentId !== null) {
      const [segment] = await this.repository.byIds([segmentId]);
      if (!segment) throw notFound(`no segment ${segmentId}`, { argument: 'segmentId' });
    }
    return segmentChanges(
      {
        head: () => this.repository.head(),
        after: (a, upTo, s, first) => this.repository.changesAfter(a, upTo, s, first),
      },
      this.bus,
      segmentId,
      position,
    );
  }
}
