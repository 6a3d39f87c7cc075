import type DataLoader from 'dataloader';
import { notFound } from '../common/errors';
import type { TxRunner } from '../db/executor';
import type { Job } from '../jobs/job.type';
import type { ConsentPolicy } from '../privacy/consent';
import type { Product } from '../products/product.type';
import type { SettleMemo } from '../profiles/profile-changes';
import { CONSENT_PROPERTIES, allowsPersonalization, consentOf } from './consent';
import {
  byProduct,
  changedProducts,
  countedInteractions,
  engagementBasis,
  engagementOf,
  sameEngagement,
  type CountedInteraction,
  type EngagedProduct,
} from './engagement';
import { rankRecommendations, type Recommendation } from './ranking';
import type { RecommendationLoaders } from './recommendations.loaders';
import type { EngagementWrite, RecommendationsRepository, RelatedRow } from './recommendations.repository';
import type { RelatedProductsRefresher } from './related-products.refresher';
import { checkFirst, engagementReads, halfLifeMs, type RecommendationSettings } from './settings';

/** Candidates read per source of candidates (related products, lookalikes' purchases) before ranking. */
const CANDIDATES = 200;

/**
 * Related products and recommendations, answered from precomputed data (RELATED edges, popular lists, the
 * profile embedding index), and the settle step that keeps each profile's ENGAGED aggregates current.
 */
export class RecommendationsService {
  constructor(
    private readonly repository: RecommendationsRepository,
    private readonly consent: ConsentPolicy,
    private readonly settings: RecommendationSettings,
    /** Keeps related products and popular lists current (the scheduler calls its `tick`). */
    readonly refresher: RelatedProductsRefresher,
  ) {
    const { eventWeights, maxEventsPerProfile } = settings;
    const weights = Object.entries(eventWeights).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.basisSettings = JSON.stringify([weights, halfLifeMs(settings), maxEventsPerProfile]);
  }

  /** What a stored engagement basis was computed with: one computed with other settings is not used. */
  private readonly basisSettings: string;

  /** Starts refreshing every product's related products (with `rebuild`, every profile's data first). */
  refresh(rebuild: boolean): Promise<Job> {
    return this.refresher.refreshAll({ rebuild });
  }

  /** The related products of a product, best first; null when no event ever mentioned the product. */
  relatedProducts(
    loaders: RecommendationLoaders,
    productId: string,
    first: number,
  ): Promise<RelatedRow[] | null> {
    checkFirst(first, this.settings.relatedPerProduct);
    return loaders.related.load({ productId, first });
  }

  /**
   * The best `first` products for a profile (a merged-away id resolves to the survivor), each with a reason;
   * NOT_FOUND for an unknown profile. See ranking.ts for how candidates are scored. The products it was likely
   * to offer come with their fields from the same read and are put into `products` (the request's product
   * loader, when given), so that asking for them makes no second round trip.
   */
  async recommend(
    profileId: string,
    first: number,
    options: { now?: number; products?: DataLoader<string, Product | null> } = {},
  ): Promise<Recommendation[]> {
    checkFirst(first, this.settings.maxRecommendations);
    const { now = Date.now(), products } = options;
    const row = await this.repository.recommendationInputs({
      id: profileId,
      consentKeys: CONSENT_PROPERTIES,
      sources: this.settings.recommendationSources,
      neighbours: this.settings.neighbours,
      candidates: Math.max(CANDIDATES, first),
      first,
      now,
      halfLifeMs: halfLifeMs(this.settings),
      lookalikeWeight: this.settings.lookalikeWeight,
    });
    if (!row) throw notFound(`no profile ${profileId}`, { argument: 'profileId' });
    for (const product of row.products) products?.prime(product.id, product);
    return rankRecommendations(
      {
        personalized: allowsPersonalization(this.consent, consentOf(row.consent)),
        bought: row.bought,
        sources: row.sources,
        related: row.related,
        alike: row.alike,
        mass: row.mass,
        interests: row.interests.map((i) => ({ category: i.category, score: i.score ?? 1 })),
        popular: row.popular,
      },
      first,
      { lookalikeWeight: this.settings.lookalikeWeight },
    );
  }

  /**
   * Settle step: recomputes the ENGAGED aggregates of the given (live) profiles from their newest counted
   * interactions through all their identifiers (the window), writes the ones that changed, removes the ENGAGED
   * edges of aliases merged into them, and marks the products whose engagement changed for the related-products
   * refresh. A profile whose stored basis (what its edges were computed from) the memo's interactions still
   * hold has only the edges of the products its window changed read; any other, all of them.
   */
  async settle(
    tx: TxRunner,
    ids: readonly string[],
    now: number,
    /** What this settle has read already (its derive step): used when it holds what engagement reads. */
    memo?: SettleMemo,
  ): Promise<void> {
    if (ids.length === 0) return;
    const { eventWeights, maxEventsPerProfile } = this.settings;
    const known = memo?.interactions;
    const reads = engagementReads(this.settings);
    // The memo's interactions do when they hold at least the newest of the same events as this step reads.
    const held = memo?.newest;
    const reuse =
      known !== undefined &&
      held !== undefined &&
      held.count >= reads.count &&
      held.events.length === reads.events.length &&
      reads.events.every((event) => held.events.includes(event)) &&
      ids.every((id) => known.has(id));
    // Each profile's window from the memo, and the products it changed since the stored basis (if it can tell).
    const windows = new Map<string, CountedInteraction[]>();
    const full = (id: string) => ({ id, basis: null, products: [], edges: 0 });
    const profiles = [...ids].sort().map((id) => {
      if (!reuse) return full(id);
      const counted = countedInteractions(known.get(id)!, eventWeights);
      const window = counted.slice(0, maxEventsPerProfile);
      windows.set(id, window);
      const stored = memo?.properties?.get(id)?.engagementBasis;
      const changed =
        typeof stored === 'string' ? changedProducts(counted, window, stored, this.basisSettings) : null;
      return changed
        ? { id, basis: stored as string, products: [...changed.products].sort(), edges: changed.edges }
        : full(id);
    });
    const productsOf = new Map(profiles.map((p) => [p.id, p.products]));
    // One lock order for every transaction settling the same profiles.
    const rows = await this.repository.engagementInputs(
      tx,
      profiles,
      !reuse,
      reads.events,
      maxEventsPerProfile,
    );
    const write: { [K in keyof EngagementWrite]: Array<EngagementWrite[K][number]> } = {
      creates: [],
      updates: [],
      removals: [],
      aliasesOf: [],
      bases: [],
    };
    // The edges each profile is left with, for the embeddings step: known when computed from the memo's
    // interactions, which carry their products' categories.
    const leftBy = reuse && memo ? (memo.engaged ??= new Map()) : undefined;
    for (const row of rows) {
      const window = windows.get(row.id) ?? countedInteractions(row.interactions, eventWeights);
      const basis = engagementBasis(window, this.basisSettings);
      const held = new Map(row.engaged.map((e) => [e.productId, e]));
      // Incremental: only the products read (those the window changed) are compared; the others' edges are
      // what the window gives them already.
      const compared = row.incremental ? new Set(productsOf.get(row.id)) : null;
      const wanted = new Set<string>();
      const bought: string[] = [];
      const left: EngagedProduct[] = [];
      for (const { productId, category, events } of byProduct(window)) {
        const engagement = engagementOf(events, eventWeights, halfLifeMs(this.settings));
        if (!engagement) continue;
        wanted.add(productId);
        if (engagement.purchases > 0) bought.push(productId);
        left.push({ category, weight: engagement.weight, lastAt: engagement.lastAt });
        if (compared && !compared.has(productId)) continue;
        const current = held.get(productId);
        if (!current) write.creates.push({ profileId: row.id, productId, ...engagement });
        else if (!sameEngagement(current, engagement))
          write.updates.push({ edge: current.edge, productId, ...engagement });
      }
      for (const [productId, { edge }] of held) if (!wanted.has(productId)) write.removals.push(edge);
      // The edges are what the window gives, so the basis tells when the products bought may have changed
      // (and a profile an older version settled gets them stored at its next settle or rebuild).
      if (basis !== row.basis || !row.boughtStored) {
        write.bases.push({ id: row.id, basis, bought: bought.sort() });
      }
      if (row.aliasesEngaged) write.aliasesOf.push(row.id);
      leftBy?.set(row.id, left);
    }
    // One lock order for every transaction touching the same products (each write marks its product dirty).
    const productOrder = (x: { productId: string }, y: { productId: string }) =>
      x.productId < y.productId ? -1 : x.productId > y.productId ? 1 : 0;
    write.creates.sort(productOrder);
    write.updates.sort(productOrder);
    await this.repository.writeEngagement(tx, write, now);
  }
}
