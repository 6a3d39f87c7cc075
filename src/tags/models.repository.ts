import { defineQueries } from '../db/cypher';
import type { Executor, TxRunner } from '../db/executor';

const Q = defineQueries('tags', [
  'ensure-model-tags',
  'create-missing-tags',
  'rfm-sample',
  'save-model-state',
  'model-state',
  'cluster-features',
  'cluster-tags-of-profiles',
] as const);

export interface ClusterFeatureRow {
  id: string;
  orders: number;
  monetary: number;
  lastOrderAt: number | null;
  lastSeen: number | null;
  recent: number;
  categories: number;
}

/** Reads and writes of the models behind MODEL tags, RFM and lifecycle. */
export class ModelsRepository {
  constructor(private readonly executor: Executor) {}

  async ensureTags(
    tx: TxRunner,
    tags: ReadonlyArray<{ id: string; name: string; categoryId: string; description: string }>,
  ): Promise<void> {
    if (tags.length > 0) await tx.run(Q.ensureModelTags, { tags, now: Date.now() });
  }

  async createMissingTags(
    tx: TxRunner,
    tags: ReadonlyArray<{ id: string; name: string; categoryId: string; description: string }>,
  ): Promise<void> {
    if (tags.length > 0) await tx.run(Q.createMissingTags, { tags, now: Date.now() });
  }

  async buyersPage(
    after: string,
    first: number,
  ): Promise<Array<{ id: string; orders: number; monetary: number; lastOrderAt: number | null }>> {
    return (await this.executor.read(Q.rfmSample, { after, first })) as unknown as Array<{
      id: string;
      orders: number;
      monetary: number;
      lastOrderAt: number | null;
    }>;
  }

  async saveState(id: string, json: string): Promise<void> {
    await this.executor.write(Q.saveModelState, { id, json, now: Date.now() });
  }

  async state(id: string): Promise<{ json: string; computedAt: number } | null> {
    const [row] = await this.executor.read(Q.modelState, { id });
    return row ? { json: row.json as string, computedAt: row.computedAt as number } : null;
  }

  async clusterFeatures(after: string, first: number, now: number): Promise<ClusterFeatureRow[]> {
    return (await this.executor.read(Q.clusterFeatures, {
      after,
      first,
      now,
    })) as unknown as ClusterFeatureRow[];
  }

  async clusterTagsOf(
    tx: TxRunner,
    ids: readonly string[],
  ): Promise<Map<string, Array<{ tagId: string; score: number | null }>>> {
    const rows = await tx.run(Q.clusterTagsOfProfiles, { ids });
    return new Map(
      rows.map((row) => [
        row.id as string,
        (row.clusters as Array<{ tagId: string | null; score: number | null }>).filter(
          (c): c is { tagId: string; score: number | null } => c.tagId !== null,
        ),
      ]),
    );
  }
}
