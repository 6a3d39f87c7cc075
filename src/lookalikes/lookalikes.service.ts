import { badInput, notFound } from '../common/errors';
import type { TxRunner } from '../db/executor';
import type { SettleMemo } from '../profiles/profile-changes';
import type { ConsentPolicy } from '../privacy/consent';
import { CONSENT_PROPERTIES, allowsPersonalization, consentOf } from '../recommendations/consent';
import { checkFirst, halfLifeMs, type RecommendationSettings } from '../recommendations/settings';
import type { Segment } from '../segments/segment.type';
import type { SegmentsService } from '../segments/segments.service';
import { TagKind } from '../tags/tag.type';
import type { TagsService } from '../tags/tags.service';
import { buildEmbedding, cosineFromIndexScore, embeddingMoved } from './embedding';
import type { FeatureRow, LookalikesRepository, SeedRead } from './lookalikes.repository';
import {
  DEFAULT_REASON_OPTIONS,
  categoryFeature,
  distinctiveFeatures,
  featureKey,
  lookalikeReasons,
  productFeature,
  tagFeature,
  type ProfileFeatures,
} from './reasons';

/** A lookalike query's seed: a segment, or profile ids (exactly one of them). */
export interface LookalikeSeedInput {
  readonly segmentId?: string | null;
  readonly profileIds?: readonly string[] | null;
}

export interface LookalikeResult {
  readonly profileId: string;
  /** Cosine similarity with the centroid of the seed, in [0, 1]. */
  readonly score: number;
  readonly reasons: string[];
}

/** How many lookalikes `saveLookalikeSegment` saves when `first` is not given. */
export const DEFAULT_SAVED_LOOKALIKES = 100;
/** The top-level tag category holding the MANUAL tags of saved lookalike audiences. */
export const LOOKALIKE_CATEGORY = 'Lookalikes';

/** The features reasons can name, by key, for one profile as match-features.cypher reads it. */
function featuresOf(row: FeatureRow): ProfileFeatures {
  const features = new Map<string, string>();
  for (const tag of row.tags) features.set(...tagFeature(tag.id, tag.category, tag.name));
  for (const product of row.bought) features.set(...productFeature(product.id, product.name));
  for (const path of row.categories) features.set(...categoryFeature(path.split('/').slice(0, 2).join('/')));
  return features;
}

/**
 * Lookalike audiences: the profiles most like a seed (a segment or a list of profiles) by the cosine of their
 * embeddings with the seed's centroid, found through the profile_embedding vector index, with the reasons
 * each was matched; the settle step that keeps embeddings current; and saving a result as a segment.
 */
export class LookalikesService {
  constructor(
    private readonly repository: LookalikesRepository,
    private readonly tags: TagsService,
    private readonly segments: SegmentsService,
    private readonly consent: ConsentPolicy,
    private readonly settings: RecommendationSettings,
  ) {}

  /**
   * Settle step: recomputes the embeddings of the given profiles (after the tags, metrics and engagement
   * they are made from) and writes those that moved (embeddingMoved: not a drift within the tolerance); a
   * profile that does not allow personalisation has none, which takes it out of the vector index. The ENGAGED
   * edges the engagement step passes on in the memo are not read again.
   */
  async settle(tx: TxRunner, ids: readonly string[], now: number, memo?: SettleMemo): Promise<void> {
    if (ids.length === 0) return;
    const passed = memo?.engaged;
    const readEngaged = passed ? ids.filter((id) => !passed.has(id)) : ids;
    const rows = await this.repository.embeddingInputs(tx, ids, readEngaged, CONSENT_PROPERTIES);
    const half = halfLifeMs(this.settings);
    const changed: Array<{ id: string; embedding: number[] | null }> = [];
    for (const row of rows) {
      let embedding: number[] | null = null;
      if (allowsPersonalization(this.consent, consentOf(row.consent))) {
        const engaged = row.engaged ?? passed?.get(row.id) ?? [];
        // Weights taken at the profile's latest engagement: their ratios, all an embedding keeps, do not
        // depend on when it is computed, so an unchanged profile gets the same vector.
        const latest = Math.max(0, ...engaged.map((e) => e.lastAt));
        embedding = buildEmbedding({
          tags: row.tags,
          engaged: engaged.map((e) => ({
            category: e.category,
            weight: e.weight * 2 ** ((e.lastAt - latest) / half),
          })),
          orders: row.orders,
          monetary: row.monetary,
          lifecycleStage: row.lifecycleStage,
        });
      }
      if (embeddingMoved(embedding, row.embedding ?? null)) changed.push({ id: row.id, embedding });
    }
    await this.repository.writeEmbeddings(tx, changed, now);
  }

  /**
   * The `first` profiles most like the seed, most alike first, never a seed profile nor one that does not
   * allow personalisation. BAD_USER_INPUT or NOT_FOUND, naming the argument, for a bad seed or `first`.
   */
  async lookalikes(seed: LookalikeSeedInput, first: number): Promise<LookalikeResult[]> {
    checkFirst(first, this.settings.maxLookalikes);
    const { read, segmentId, distinctive } = await this.resolveSeed(seed);
    if (first === 0 || read.centroid === null) return [];
    // What makes the seed distinctive depends on the seed alone: unless it was read with the seed, it is read
    // while the vector index is searched.
    const [matches, weights] = await Promise.all([
      this.nearestMatches(read.centroid, first, read.size, segmentId, read.exclude),
      distinctive ?? this.distinctiveOfSeed(read.profileIds.slice(0, this.settings.reasonSample)),
    ]);
    const reasons = await this.reasons(
      weights,
      matches.map((m) => m.id),
    );
    return matches.map((m) => ({
      profileId: m.id,
      score: Math.round(cosineFromIndexScore(m.score) * 1e6) / 1e6,
      reasons: reasons.get(m.id) ?? [],
    }));
  }

  /** The `first` nearest profiles to `centroid` that are neither seeds nor refuse personalisation. */
  private async nearestMatches(
    centroid: readonly number[],
    first: number,
    seedSize: number,
    segmentId: string | null,
    exclude: readonly string[],
  ): Promise<Array<{ id: string; score: number }>> {
    const max = this.settings.maxVectorCandidates;
    let k = Math.min(max, first + seedSize + Math.max(10, Math.ceil(first / 5)));
    for (;;) {
      const { found, candidates } = await this.repository.nearest(
        centroid,
        k,
        exclude,
        CONSENT_PROPERTIES,
        segmentId,
      );
      const matches = candidates
        .filter((row) => allowsPersonalization(this.consent, consentOf(row.consent)))
        .slice(0, first);
      // Seeds and refusals crowd the top: ask for more until there are enough or the index has no more.
      if (matches.length >= first || found < k || k >= max) return matches;
      k = Math.min(max, k * 4);
    }
  }

  /**
   * Saves a lookalike result as a segment: a MANUAL tag (in the tag category "Lookalikes") on the matched
   * profiles, and a segment whose rule is that tag. The segment's members are filled by its evaluation job.
   */
  async save(seed: LookalikeSeedInput, first: number | null, name: string): Promise<Segment> {
    const matches = await this.lookalikes(seed, first ?? DEFAULT_SAVED_LOOKALIKES);
    const origin =
      seed.segmentId != null ? `segment ${seed.segmentId}` : `${seed.profileIds?.length ?? 0} profiles`;
    const description = `Lookalikes of ${origin}: ${matches.length} profiles, saved ${new Date().toISOString()}.`;
    const { tag } = await this.tags.createTag({
      name,
      categoryId: await this.lookalikeCategory(),
      kind: TagKind.MANUAL,
      description,
    });
    if (matches.length > 0) {
      await this.tags.setManual(
        tag.id,
        matches.map((m) => m.profileId),
        new Map(),
        null,
        true,
      );
    }
    return (await this.segments.create(name, { tag: tag.id }, description)).segment;
  }

  /**
   * The seed read and checked. For a seed of profile ids, what makes it distinctive is read at the same time
   * (from its first ids, resolved there); for a segment, `distinctive` is null: its members are known only now.
   */
  private async resolveSeed(seed: LookalikeSeedInput): Promise<{
    read: SeedRead;
    segmentId: string | null;
    distinctive: Map<string, number> | null;
  }> {
    const min = this.settings.minSeedSize;
    if ((seed.segmentId == null) === (seed.profileIds == null))
      throw badInput('seed takes exactly one of segmentId and profileIds', { argument: 'seed' });
    if (seed.segmentId != null) {
      const read = await this.repository.seedOfSegment(seed.segmentId, this.settings.seedSample);
      if (!read) throw notFound(`no segment ${seed.segmentId}`, { argument: 'seed.segmentId' });
      if (read.size < min)
        throw badInput(
          `the seed segment has ${read.size} member${read.size === 1 ? '' : 's'}; lookalikes need at least ${min}`,
          { argument: 'seed.segmentId', min, size: read.size },
        );
      return { read, segmentId: seed.segmentId, distinctive: null };
    }
    const ids = [...new Set(seed.profileIds!)];
    const maxIds = this.settings.maxSeedProfileIds;
    if (ids.length > maxIds)
      throw badInput(`seed.profileIds lists ${ids.length} profiles; at most ${maxIds}`, {
        argument: 'seed.profileIds',
        max: maxIds,
      });
    const [read, distinctive] = await Promise.all([
      this.repository.seedOfProfiles(ids, this.settings.seedSample),
      this.distinctiveOfSeed(ids.slice(0, this.settings.reasonSample)),
    ]);
    if (read.unknown.length > 0) {
      const shown = read.unknown.slice(0, 10).join(', ');
      const more = read.unknown.length > 10 ? ` and ${read.unknown.length - 10} more` : '';
      throw notFound(`no profile ${shown}${more}`, {
        argument: 'seed.profileIds',
        unknown: read.unknown.slice(0, 100),
      });
    }
    if (read.size < min)
      throw badInput(
        `the seed has ${read.size} distinct profile${read.size === 1 ? '' : 's'}; lookalikes need at least ${min}`,
        { argument: 'seed.profileIds', min, size: read.size },
      );
    return { read, segmentId: null, distinctive };
  }

  /**
   * The features frequent among the seed profiles `seedIds` (merged-away ids resolve to their survivors) and
   * unusual in general, by weight.
   */
  private async distinctiveOfSeed(seedIds: readonly string[]): Promise<Map<string, number>> {
    if (seedIds.length === 0) return new Map();
    const { seeds, profiles, frequent } = await this.repository.seedFeatures(seedIds, DEFAULT_REASON_OPTIONS);
    const counts = new Map([...frequent].map(([key, feature]) => [key, feature.seeds]));
    return distinctiveFeatures(counts, seeds, (key) => {
      const population = frequent.get(key)?.population;
      // Categories' populations are upper bounds: a share above 1 would only hide the feature.
      return population == null || profiles === 0 ? undefined : Math.min(1, population / profiles);
    });
  }

  /** Reasons for each match: the features it shares with the seed that are distinctive of the seed. */
  private async reasons(
    distinctive: ReadonlyMap<string, number>,
    matchIds: readonly string[],
  ): Promise<Map<string, string[]>> {
    if (matchIds.length === 0 || distinctive.size === 0) return new Map();
    const idsOf = (prefix: string) =>
      [...distinctive.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
    const rows = await this.repository.matchFeatures(matchIds, {
      tagIds: idsOf(featureKey.tag('')),
      productIds: idsOf(featureKey.product('')),
    });
    const features = new Map(rows.map((row) => [row.id, featuresOf(row)]));
    return new Map(matchIds.map((id) => [id, lookalikeReasons(distinctive, features.get(id) ?? new Map())]));
  }

  /** The id of the tag category "Lookalikes", created at the top of the catalogue when missing. */
  private async lookalikeCategory(): Promise<string> {
    const find = async () =>
      (await this.tags.catalogue()).categories.find(
        (c) => c.parentId === null && c.name === LOOKALIKE_CATEGORY,
      )?.id;
    const existing = await find();
    if (existing) return existing;
    try {
      return (await this.tags.createCategory(LOOKALIKE_CATEGORY, null)).id;
    } catch (error) {
      // Another save created it meanwhile (a CONFLICT on the name): use that one.
      const created = await find();
      if (created) return created;
      throw error;
    }
  }
}
