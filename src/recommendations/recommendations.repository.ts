import { defineQueries } from '../db/cypher';
import type { Executor, TxRunner } from '../db/executor';
import type { Product } from '../products/product.type';
import { toProduct } from '../products/products.repository';
import type { AssociationOptions, CoEngaged, Relation, RelationFigures } from './association';
import type { Engagement } from './engagement';

const Q = defineQueries('recommendations', [
  'engagement-inputs',
  'write-engagement',
  'dirty-products',
  'pending-products',
  'refresh-backlog',
  'refresh-stats',
  'co-engagement',
  'write-related',
  'engaged-profiles',
  'clean-merged-engagement',
  'mark-products-dirty',
  'write-popular-lists',
  'write-category-engagement',
  'related-of-products',
  'recommendation-inputs',
] as const);

export interface EngagementInputs {
  id: string;
  /** Its newest counted interactions (only when asked for). */
  interactions: Array<{ event: string; at: number; productId: string }>;
  /** Its stored engagement basis, as read under its lock. */
  basis: string | null;
  /** Whether its bought products are stored (a profile an older version settled has none). */
  boughtStored: boolean;
  /**
   * Whether that is the basis it was asked with and it has as many edges as that basis gave: then `engaged`
   * holds only the edges of the products asked.
   */
  incremental: boolean;
  /** Its ENGAGED edges (all, or those asked), each with its element id (valid until the transaction ends). */
  engaged: Array<Engagement & { edge: string; productId: string }>;
  /** Aliases merged into the profile still hold ENGAGED edges. */
  aliasesEngaged: boolean;
}

/** What a settle writes, by the edges' element ids as engagementInputs read them in the same transaction. */
export interface EngagementWrite {
  creates: ReadonlyArray<Engagement & { profileId: string; productId: string }>;
  updates: ReadonlyArray<Engagement & { edge: string; productId: string }>;
  /** Element ids of the edges to delete. */
  removals: readonly string[];
  aliasesOf: readonly string[];
  /**
   * The engagement basis of each profile whose basis changed or whose bought products are not stored, with the
   * products its edges now show bought (sorted), which the recommendation read takes instead of the edges.
   */
  bases: ReadonlyArray<{ id: string; basis: string; bought: readonly string[] }>;
}

/** One product of a refresh batch, as phase 2 reads it (statistics as stored, at `statsAt`). */
export interface CoEngagementRow {
  id: string;
  engagedProfiles: number;
  norm: number;
  statsAt: number | null;
  others: Array<
    Omit<CoEngaged, 'stats'> & { id: string; engagedProfiles: number; norm: number; statsAt: number | null }
  >;
  pointing: string[];
  /** Products whose lists hold a relation towards it that stays as it is (not in `others`). */
  held: string[];
}

/** A related product as the API reads it. */
export interface RelatedRow {
  productId: string;
  score: number;
  support: number;
  confidence: number;
  lift: number;
}

/** The read behind one profile's recommendations (see recommendation-inputs.cypher). */
export interface RecommendationRow {
  id: string;
  consent: unknown[];
  bought: string[];
  sources: Array<{ id: string; name: string | null; strength: number; purchases: number; carts: number }>;
  related: Array<{ productId: string; score: number; sourceId: string; boughtTogether: boolean }>;
  alike: Array<{ productId: string; similarity: number; profiles: number }>;
  mass: number;
  interests: Array<{ category: string; score: number | null }>;
  popular: Array<{ scope: string; productIds: string[]; scores: number[] }>;
  /** The products it will most likely be offered, with their fields (a hint: see the statement). */
  products: Product[];
}

/** Engagement aggregates, product associations and popularity: every Cypher statement of recommendations. */
export class RecommendationsRepository {
  constructor(private readonly executor: Executor) {}

  /**
   * Write-locks the profiles (in the order given) and reads what their engagement is computed from: their
   * interactions only `withInteractions` (otherwise empty); of a profile whose stored basis is the `basis`
   * given and that has the `edges` that basis gave, the edges of its `products` only, else all of them.
   */
  async engagementInputs(
    tx: TxRunner,
    profiles: ReadonlyArray<{ id: string; basis: string | null; products: readonly string[]; edges: number }>,
    withInteractions: boolean,
    events: readonly string[],
    maxEvents: number,
  ): Promise<EngagementInputs[]> {
    const params = { profiles, withInteractions, events, maxEvents };
    return (await tx.run(Q.engagementInputs, params)) as unknown as EngagementInputs[];
  }

  async writeEngagement(tx: TxRunner, write: EngagementWrite, now: number): Promise<void> {
    const { creates, updates, removals, aliasesOf, bases } = write;
    if (creates.length + updates.length + removals.length + aliasesOf.length + bases.length === 0) return;
    await tx.run(Q.writeEngagement, { ...write, now });
  }

  /** Up to `first` product ids marked dirty, in id order after `after`. */
  async dirtyPage(after: string, first: number): Promise<string[]> {
    return (await this.executor.read(Q.dirtyProducts, { after, first })).map((row) => row.id as string);
  }

  /** A page of the products pending phase 2, with the profiles engaged with each. */
  async pendingPage(after: string, first: number): Promise<Array<{ id: string; engaged: number }>> {
    return (await this.executor.read(Q.pendingProducts, { after, first })).map((row) => ({
      id: row.id as string,
      engaged: Number(row.engaged),
    }));
  }

  async backlog(): Promise<boolean> {
    const [row] = await this.executor.read(Q.refreshBacklog);
    return row?.waiting === true;
  }

  async refreshStats(tx: TxRunner, ids: readonly string[], now: number, halfLifeMs: number): Promise<void> {
    await tx.run(Q.refreshStats, { ids, now, halfLifeMs });
  }

  /**
   * Phase 2's read; with `patch` false the relations towards each product are not read (back null). Only the
   * products that can enter a list or change one come back (see co-engagement.cypher): the best `2 × k` with
   * the support, and with `patch` those whose list would change (the ids of lists holding the product that stay
   * as they are come back as `held`).
   */
  async coEngagement(
    tx: TxRunner,
    ids: readonly string[],
    now: number,
    halfLifeMs: number,
    patch: boolean,
    options: Pick<AssociationOptions, 'k' | 'minSupport' | 'shrink' | 'tolerance'>,
  ): Promise<CoEngagementRow[]> {
    const { k, minSupport, shrink, tolerance } = options;
    return (await tx.run(Q.coEngagement, {
      ids,
      now,
      halfLifeMs,
      patch,
      k,
      minSupport,
      shrink,
      tolerance,
    })) as unknown as CoEngagementRow[];
  }

  async writeRelated(
    tx: TxRunner,
    writes: {
      lists: ReadonlyArray<{ id: string; related: readonly Relation[] }>;
      write: ReadonlyArray<{ from: string; to: string; figures: RelationFigures }>;
      drop: ReadonlyArray<{ from: string; to: string }>;
      touched: readonly string[];
    },
    k: number,
    now: number,
  ): Promise<void> {
    await tx.run(Q.writeRelated, { ...writes, k, now });
  }

  async engagedProfiles(): Promise<number> {
    const [row] = await this.executor.read(Q.engagedProfiles);
    return (row?.profiles as number) ?? 0;
  }

  /** Removes ENGAGED edges of up to `limit` merged-away profiles; returns how many profiles were cleaned. */
  async cleanMergedEngagement(limit: number): Promise<number> {
    const [row] = await this.executor.write(Q.cleanMergedEngagement, { limit });
    return (row?.profiles as number) ?? 0;
  }

  /** Marks a page of used products dirty; returns the last id of the page (null past the end). */
  async markDirty(after: string, first: number): Promise<string | null> {
    const [row] = await this.executor.write(Q.markProductsDirty, { after, first });
    return (row?.last as string | null) ?? null;
  }

  async writePopularLists(now: number, halfLifeMs: number, size: number): Promise<void> {
    await this.executor.write(Q.writePopularLists, { now, halfLifeMs, size });
  }

  /** Stores each category's engaged profiles (its products' and its subcategories', summed). */
  async writeCategoryEngagement(): Promise<void> {
    await this.executor.write(Q.writeCategoryEngagement);
  }

  /**
   * The related products of each product in order, with the related products themselves; null for a product
   * that does not exist.
   */
  async relatedOf(
    ids: readonly string[],
    first: number,
  ): Promise<Array<{ related: RelatedRow[]; products: Product[] } | null>> {
    const rows = await this.executor.read(Q.relatedOfProducts, { ids, first });
    const byId = new Map(
      rows.map((row) => [
        row.id as string,
        {
          related: row.related as RelatedRow[],
          products: (row.products as Array<Record<string, unknown>>).map(toProduct),
        },
      ]),
    );
    return ids.map((id) => byId.get(id) ?? null);
  }

  async recommendationInputs(params: {
    id: string;
    consentKeys: readonly string[];
    sources: number;
    neighbours: number;
    candidates: number;
    first: number;
    now: number;
    halfLifeMs: number;
    lookalikeWeight: number;
  }): Promise<RecommendationRow | null> {
    const [row] = await this.executor.read(Q.recommendationInputs, params);
    if (!row) return null;
    const products = (row.products as Array<Record<string, unknown>>).map(toProduct);
    return { ...(row as unknown as RecommendationRow), products };
  }
}
