import type { AudiencesRepository } from '../audiences/audiences.repository';
import type { AudiencesService } from '../audiences/audiences.service';
import { defineQueries } from '../db/cypher';
import type { TxRunner } from '../db/executor';
import { PURCHASE } from '../recommendations/settings';
import type { FactInteraction, ProfileFacts } from '../rules/evaluate';
import type { RfmBoundaries } from '../tags/models/rfm';
import { DAY_MS } from '../tags/models/days';
import type { ModelsService } from '../tags/models.service';
import type { SegmentChangeRecord, SettleMemo } from './profile-changes';
import { flattenTraits } from './flatten-traits';
import { mergeProfileTraits, parseStoredTraits } from './traits';

const Q = defineQueries('profiles', ['profile-facts', 'write-derived'] as const);

type Interaction = [string, number, number | null, string | null, string | null, string];

interface FactsRow {
  id: string;
  properties: Record<string, unknown>;
  members: Array<{
    namespace: string | null;
    traits: string | null;
    firstSeen: number | null;
    lastSeen: number | null;
  }>;
  /** [event, at, value, productId, category, orderId], oldest first */
  interactions: Interaction[];
  /** Older than every one of `interactions` that is not an all-time event, oldest first (see the statement). */
  olderInteractions: Interaction[];
  /** [tagId, score, kind] */
  tags: Array<[string | null, number | null, string | null]>;
  segments: string[];
  boundaries: string | null;
  definitionsVersion: string;
}

export interface DeriveSettings {
  /** Namespaces whose traits win over newer ones, highest first (TRAIT_NAMESPACE_RANKING). */
  readonly traitRanking: readonly string[];
  /**
   * What the engagement step reads of a profile's interactions: the newest `count` with a product of the
   * `events`. Read here too (and passed on), so that it need not read them again.
   */
  readonly newest: { readonly events: readonly string[]; readonly count: number };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  return (a ?? null) === (b ?? null);
}

/**
 * The settle step that derives everything about profiles from their identifiers and interactions, with
 * one read for the whole batch: merged traits (newest wins unless a namespace ranks higher), metrics and
 * computed tags (models), then every RULE tag and segment evaluated in memory. Only what changed is
 * written: properties, tags, and segment entries and exits (to the change log).
 */
export class ProfileDeriver {
  constructor(
    private readonly models: ModelsService,
    private readonly audiences: AudiencesService,
    private readonly audiencesRepository: AudiencesRepository,
    private readonly settings: DeriveSettings,
  ) {}

  async derive(
    tx: TxRunner,
    ids: readonly string[],
    now: number,
    /** Gets the interactions read of every profile, for the engagement step. */
    memo?: SettleMemo,
  ): Promise<{ segmentChanges: SegmentChangeRecord[] }> {
    const rows = await this.facts(tx, ids, now);
    const interactionsOf = new Map<string, FactInteraction[]>();
    if (memo) {
      memo.interactions = interactionsOf;
      memo.newest = this.settings.newest;
      memo.properties = new Map(rows.map((row) => [row.id, row.properties]));
    }
    if (rows.length === 0) return { segmentChanges: [] };
    const boundaries = rows[0]!.boundaries ? (JSON.parse(rows[0]!.boundaries) as RfmBoundaries) : null;
    const changed: Array<{ id: string; properties: Record<string, unknown> }> = [];
    const modelAdds: Array<{ profileId: string; tagId: string; score: number | null }> = [];
    const modelRemoves: Array<{ profileId: string; tagId: string }> = [];
    const newTags: Array<{ id: string; name: string; categoryId: string; description: string }> = [];
    const evaluated = rows.map((row) => {
      const members = row.members.filter(
        (m): m is { namespace: string; traits: string | null; firstSeen: number; lastSeen: number } =>
          m.namespace !== null,
      );
      const properties = this.summary(row, members);
      const read =
        row.olderInteractions.length === 0
          ? row.interactions
          : [...row.olderInteractions, ...row.interactions].sort((a, b) => a[1] - b[1]);
      const interactions = read.map(([event, at, value, productId, category, orderId]) => ({
        event,
        at,
        value,
        productId,
        category,
        orderId,
      }));
      interactionsOf.set(row.id, interactions);
      // Summed in a fixed order, so the total does not depend on the order the database returned rows in.
      const orders = interactions
        .filter((x) => x.event === PURCHASE)
        .sort(
          (a, b) =>
            a.at - b.at ||
            String(a.orderId).localeCompare(String(b.orderId)) ||
            (a.value ?? 0) - (b.value ?? 0),
        );
      const metrics = this.models.computeMetrics(
        {
          orders: new Set(orders.map((x) => x.orderId)).size,
          monetary: orders.reduce((sum, x) => sum + (x.value ?? 0), 0),
          lastOrderAt: orders.length > 0 ? Math.max(...orders.map((x) => x.at)) : null,
          firstSeen: (properties.firstSeen as number | null) ?? null,
          lastSeen: (properties.lastSeen as number | null) ?? null,
          interests: interactions.flatMap((x) =>
            x.category ? [{ event: x.event, at: x.at, category: x.category.split('/')[0]! }] : [],
          ),
        },
        boundaries,
        now,
      );
      Object.assign(properties, metrics.properties);
      newTags.push(...metrics.newTags);

      const updates = Object.fromEntries(
        Object.entries(properties).filter(([key, value]) => !sameValue(row.properties[key], value)),
      );
      if (Object.keys(updates).length > 0) changed.push({ id: row.id, properties: updates });

      // Tags after the models' changes: held MANUAL and cluster tags stay, MODEL tags are what the models say.
      const tags = new Map<string, number | null>();
      const ruleTags = new Set<string>();
      for (const [tagId, score, kind] of row.tags) {
        if (tagId === null) continue;
        if (kind === 'RULE') ruleTags.add(tagId);
        else if (kind === 'MODEL' && !tagId.startsWith('tag-cluster-')) {
          if (!metrics.modelTags.has(tagId)) modelRemoves.push({ profileId: row.id, tagId });
          continue;
        }
        tags.set(tagId, score);
      }
      for (const [tagId, score] of metrics.modelTags) {
        const held = row.tags.find(([id]) => id === tagId);
        if (!held || held[1] !== score) modelAdds.push({ profileId: row.id, tagId, score });
        tags.set(tagId, score);
      }
      for (const tagId of ruleTags) tags.set(tagId, null);

      const facts: ProfileFacts = {
        properties: { ...row.properties, ...properties },
        tags,
        namespaces: new Set(members.map((m) => m.namespace)),
        interactions: interactions as FactInteraction[],
      };
      return { id: row.id, facts, ruleTags, segments: new Set(row.segments) };
    });

    const diff = await this.audiences.evaluateFacts(tx, rows[0]!.definitionsVersion, evaluated, now);
    await this.models.createMissingTags(tx, newTags);
    if (changed.length > 0) await tx.run(Q.writeDerived, { profiles: changed, now });
    await this.audiencesRepository.applyTagChanges(
      tx,
      [...modelAdds, ...diff.tagsAdded.map((x) => ({ ...x, score: null }))],
      [...modelRemoves, ...diff.tagsRemoved],
      now,
    );
    return { segmentChanges: await this.audiences.writeSegmentChanges(tx, diff, now) };
  }

  /**
   * The facts of the profiles, with only the interactions settling reads (see profile-facts.cypher): those of
   * the rules' and interest windows, of all time those of orders and of events rules count over all time, and
   * the engagement step's. The rules are those last compiled; when the read shows that the definitions have
   * moved since (or none were compiled yet), every interaction is read.
   */
  private async facts(tx: TxRunner, ids: readonly string[], now: number): Promise<FactsRow[]> {
    const read = (since: number | null, events: readonly string[]) =>
      tx.run(Q.profileFacts, {
        ids,
        since,
        events,
        counted: this.settings.newest.events,
        newest: this.settings.newest.count,
      }) as unknown as Promise<FactsRow[]>;
    const rules = this.audiences.interactionsNeeded();
    if (rules === null || rules.needed.everything) return read(null, []);
    const since = Math.min(now - rules.needed.windowDays * DAY_MS, this.models.interestSince(now));
    const rows = await read(since, [PURCHASE, ...rules.needed.allTime]);
    if (rows.length > 0 && rows[0]!.definitionsVersion !== rules.version) return read(null, []);
    return rows;
  }

  /** Merged traits (JSON and flattened, stale flattened ones set to null), first and last seen, size. */
  private summary(
    row: FactsRow,
    members: ReadonlyArray<{ namespace: string; traits: string | null; firstSeen: number; lastSeen: number }>,
  ): Record<string, unknown> {
    const traits = mergeProfileTraits(
      members.map((m) => ({ namespace: m.namespace, traits: parseStoredTraits(m.traits) })),
      this.settings.traitRanking,
    );
    const flat: Record<string, unknown> = flattenTraits(traits);
    const stale = (row.properties.traitKeys as string[] | undefined) ?? [];
    const traitKeys = Object.keys(flat).sort();
    for (const key of stale) if (!(key in flat)) flat[key] = null;
    const first = members.map((m) => m.firstSeen).filter((t) => typeof t === 'number');
    const last = members.map((m) => m.lastSeen).filter((t) => typeof t === 'number');
    return {
      ...flat,
      traits: JSON.stringify(traits),
      traitKeys,
      firstSeen: first.length > 0 ? Math.min(...first) : null,
      lastSeen: last.length > 0 ? Math.max(...last) : null,
      size: members.length,
    };
  }
}
