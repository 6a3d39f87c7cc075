import { defineQueries } from '../db/cypher';
import type { Executor, TxRunner } from '../db/executor';

const Q = defineQueries('lookalikes', [
  'embedding-inputs',
  'write-embeddings',
  'seed-of-segment',
  'seed-of-profiles',
  'nearest-profiles',
  'profile-features',
  'feature-populations',
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
  engaged: Array<{ category: string | null; weight: number; lastAt: number }>;
}

export interface SeedRead {
  /** Distinct seed profiles (live ids). */
  size: number;
  /** Seed profile ids (a sample for a segment, all for ids). */
  profileIds: string[];
  /** Requested ids that resolve to no profile. */
  unknown: string[];
  /** Sum of the sample's embeddings; null when none has one. */
  centroid: number[] | null;
}

export interface Neighbour {
  id: string;
  /** The index's score, (1 + cos) / 2. */
  score: number;
  consent: unknown[];
  inSeed: boolean;
}

export interface FeatureRow {
  id: string;
  tags: Array<{ id: string; name: string; category: string | null }>;
  bought: Array<{ id: string; name: string | null }>;
  categories: string[];
}

export interface Populations {
  profiles: number;
  tags: Map<string, number>;
  products: Map<string, number>;
  categories: Map<string, number>;
}

/** Embeddings, seeds, nearest profiles and what reasons are drawn from: every Cypher statement of lookalikes. */
export class LookalikesRepository {
  constructor(private readonly executor: Executor) {}

  async embeddingInputs(
    tx: TxRunner,
    ids: readonly string[],
    consentKeys: readonly string[],
  ): Promise<EmbeddingInputs[]> {
    return (await tx.run(Q.embeddingInputs, { ids, consentKeys })) as unknown as EmbeddingInputs[];
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
      centroid: (row.centroid as number[] | null) ?? null,
    };
  }

  async seedOfProfiles(ids: readonly string[], sample: number): Promise<SeedRead> {
    const [row] = await this.executor.read(Q.seedOfProfiles, { ids, sample });
    const resolved = (row?.resolved as Array<{ id: string; profileId: string | null }>) ?? [];
    const profileIds = [
      ...new Set(resolved.map((r) => r.profileId).filter((id): id is string => id !== null)),
    ];
    return {
      size: profileIds.length,
      profileIds,
      unknown: [...new Set(resolved.filter((r) => r.profileId === null).map((r) => r.id))],
      centroid: (row?.centroid as number[] | null) ?? null,
    };
  }

  async nearest(
    vector: readonly number[],
    k: number,
    consentKeys: readonly string[],
    segmentId: string | null,
  ): Promise<Neighbour[]> {
    return (await this.executor.read(Q.nearestProfiles, {
      vector,
      k,
      consentKeys,
      segmentId,
    })) as unknown as Neighbour[];
  }

  async features(ids: readonly string[]): Promise<FeatureRow[]> {
    return (await this.executor.read(Q.profileFeatures, { ids })) as unknown as FeatureRow[];
  }

  async populations(keys: {
    tagIds: readonly string[];
    productIds: readonly string[];
    categories: readonly string[];
  }): Promise<Populations> {
    const [row] = await this.executor.read(Q.featurePopulations, keys);
    const toMap = (list: unknown) =>
      new Map((list as Array<{ id: string; count: number }>).map((x) => [x.id, x.count]));
    return {
      profiles: (row?.profiles as number) ?? 0,
      tags: toMap(row?.tags ?? []),
      products: toMap(row?.products ?? []),
      categories: toMap(row?.categories ?? []),
    };
  }

  /** A page of stored embeddings in profile id order after `after`. */
  async embeddingsPage(after: string, first: number): Promise<Array<{ id: string; embedding: number[] }>> {
    return (await this.executor.read(Q.embeddingsPage, { after, first })) as unknown as Array<{
      id: string;
      embedding: number[];
    }>;
  }
}
