import { defineQueries } from '../db/cypher';
import type { Executor, TxRunner } from '../db/executor';
import type { EngagedProduct } from '../recommendations/engagement';
import { featureKey } from './reasons';

const Q = defineQueries('lookalikes', [
  'embedding-inputs',
  'write-embeddings',
  'seed-of-segment',
  'seed-of-profiles',
  'nearest-profiles',
  'match-features',
  'seed-features',
  'embeddings-page',
] as const);

export interface EmbeddingInputs {
  id: string;
  consent: unknown[];
  embedding: number[] | null;
  orders: number;
  monetary: number;
  lifecycleStage: string | null;
  tags: Array<{ id: string; kind: string; name: string; score: number | null }>;
  /** Null unless the profile was among those whose edges were to be read. */
  engaged: EngagedProduct[] | null;
}

export interface SeedRead {
  /** Distinct seed profiles (live ids). */
  size: number;
  /** Seed profile ids (a sample for a segment, all for ids). */
  profileIds: string[];
  /** Requested ids that resolve to no profile. */
  unknown: string[];
  /** Element ids of the seed profiles the nearest search leaves out (a segment's members: by membership). */
  exclude: string[];
  /** Sum of the sample's embeddings; null when none has one. */
  centroid: number[] | null;
}

/** What a nearest search found: how many profiles the index gave, and those not in the seed, nearest first. */
export interface NearestRead {
  found: number;
  candidates: Array<{
    id: string;
    /** The index's score, (1 + cos) / 2. */
    score: number;
    consent: unknown[];
  }>;
}

export interface FeatureRow {
  id: string;
  tags: Array<{ id: string; name: string; category: string | null }>;
  bought: Array<{ id: string; name: string | null }>;
  categories: string[];
}

/** A feature frequent in a seed: how many seed profiles have it, and how many profiles in all (null: unknown). */
export interface SeedFeature {
  seeds: number;
  population: number | null;
}

/** The features frequent in a seed (see seed-features.cypher), by feature key (reasons.ts). */
export interface SeedFeatures {
  /** Seed profiles counted. */
  seeds: number;
  /** Live profiles in all. */
  profiles: number;
  frequent: Map<string, SeedFeature>;
}

/** Embeddings, seeds, nearest profiles and what reasons are drawn from: every Cypher statement of lookalikes. */
export class LookalikesRepository {
  constructor(private readonly executor: Executor) {}

  async embeddingInputs(
    tx: TxRunner,
    ids: readonly string[],
    readEngaged: readonly string[],
    consentKeys: readonly string[],
  ): Promise<EmbeddingInputs[]> {
    const params = { ids, readEngaged, consentKeys };
    return (await tx.run(Q.embeddingInputs, params)) as unknown as EmbeddingInputs[];
  }

  async writeEmbeddings(
    tx: TxRunner,
    profiles: ReadonlyArray<{ id: string; embedding: number[] | null }>,
    now: number,
  ): Promise<void> {
    if (profiles.length > 0) await tx.run(Q.writeEmbeddings, { profiles, now });
  }

  /** The seed of a segment; null when there is no such segment (or it was deleted). */
  async seedOfSegment(segmentId: string, sample: number): Promise<SeedRead | null> {
    const [row] = await this.executor.read(Q.seedOfSegment, { segmentId, sample });
    if (!row) return null;
    return {
      size: row.size as number,
      profileIds: row.sample as string[],
      unknown: [],
      exclude: [],
      centroid: (row.centroid as number[] | null) ?? null,
    };
  }

  async seedOfProfiles(ids: readonly string[], sample: number): Promise<SeedRead> {
    const [row] = await this.executor.read(Q.seedOfProfiles, { ids, sample });
    const profileIds = (row?.profileIds as string[]) ?? [];
    return {
      size: profileIds.length,
      profileIds,
      unknown: (row?.unknown as string[]) ?? [],
      exclude: (row?.elementIds as string[]) ?? [],
      centroid: (row?.centroid as number[] | null) ?? null,
    };
  }

  /** The `k` profiles nearest to `vector`, without the seed: the profiles `exclude` names, `segmentId`'s members. */
  async nearest(
    vector: readonly number[],
    k: number,
    exclude: readonly string[],
    consentKeys: readonly string[],
    segmentId: string | null,
  ): Promise<NearestRead> {
    const [row] = await this.executor.read(Q.nearestProfiles, { vector, k, exclude, consentKeys, segmentId });
    return {
      found: (row?.found as number) ?? 0,
      candidates: (row?.candidates as NearestRead['candidates']) ?? [],
    };
  }

  /** What reasons can name of each profile `ids`, among the tags and products given (see match-features.cypher). */
  async matchFeatures(
    ids: readonly string[],
    among: { tagIds: readonly string[]; productIds: readonly string[] },
  ): Promise<FeatureRow[]> {
    return (await this.executor.read(Q.matchFeatures, { ids, ...among })) as unknown as FeatureRow[];
  }

  /**
   * The features that at least `minProfiles` and a `minShare` of the seed profiles `ids` have, with how common
   * each is among all profiles: counted in one statement, where reading each seed's features took ten times
   * the bytes and twice the time (BENCHMARKS.md, "lookalikes do less per seed").
   */
  async seedFeatures(
    ids: readonly string[],
    thresholds: { minProfiles: number; minShare: number },
  ): Promise<SeedFeatures> {
    const { minProfiles, minShare } = thresholds;
    const [row] = await this.executor.read(Q.seedFeatures, { ids, minProfiles, minShare });
    const frequent = new Map<string, SeedFeature>();
    const add = (list: unknown, key: (id: string) => string) => {
      for (const { id, seeds, population } of list as Array<{ id: string } & SeedFeature>)
        frequent.set(key(id), { seeds, population });
    };
    add(row?.tags ?? [], featureKey.tag);
    add(row?.products ?? [], featureKey.product);
    add(row?.categories ?? [], featureKey.category);
    return { seeds: (row?.seeds as number) ?? 0, profiles: (row?.profiles as number) ?? 0, frequent };
  }

  /** A page of stored embeddings in profile id order after `after`. */
  async embeddingsPage(after: string, first: number): Promise<Array<{ id: string; embedding: number[] }>> {
    return (await this.executor.read(Q.embeddingsPage, { after, first })) as unknown as Array<{
      id: string;
      embedding: number[];
    }>;
  }
}
