import type { AudiencesRepository } from '../audiences/audiences.repository';
import type { Logger } from '../common/logger';
import type { Executor, TxRunner } from '../db/executor';
import { prng } from '../demo/generator';
import type { Job } from '../jobs/job.type';
import type { JobProgress, JobsService } from '../jobs/jobs.service';
import type { ProfileChanges } from '../profiles/profile-changes';
import { CLUSTER_CATEGORY_ID, INTEREST_CATEGORY_ID, clusterTagId, interestTagId } from './default-catalogue';
import { DAY_MS } from './models/days';
import { DEFAULT_INTEREST, interestScores, type InterestOptions } from './models/interest';
import {
  assign,
  chooseK,
  describeClusters,
  kmeans,
  standardize,
  standardizeFeatures,
  type KMeansModel,
} from './models/kmeans';
import { DEFAULT_LIFECYCLE, lifecycleStage, type LifecycleThresholds } from './models/lifecycle';
import { rfmBoundaries, rfmRaw, rfmScore, type RfmBoundaries, type RfmRaw } from './models/rfm';
import type { ClusterFeatureRow, ModelsRepository } from './models.repository';

export interface ModelsSettings {
  readonly lifecycle: LifecycleThresholds;
  readonly interest: InterestOptions;
  /** Most recent interactions per profile that count for interest (older ones weigh next to nothing). */
  readonly maxInterestEvents: number;
  readonly seed: number;
}

export const DEFAULT_MODELS_SETTINGS: ModelsSettings = {
  lifecycle: DEFAULT_LIFECYCLE,
  interest: DEFAULT_INTEREST,
  maxInterestEvents: 500,
  seed: 7,
};

/** AOV bands of the default catalogue's MODEL tags. */
function aovTag(aov: number | null): string | null {
  if (aov === null) return null;
  if (aov < 100) return 'tag-aov-low';
  if (aov < 300) return 'tag-aov-mid';
  return 'tag-aov-high';
}

const CLUSTER_FEATURES = [
  'orders',
  'spend',
  'days since last order',
  'days idle',
  'recent activity',
  'categories',
];

function clusterFeatures(row: ClusterFeatureRow, now: number): number[] {
  const days = (at: number | null) => (at === null ? 365 : Math.min(365, Math.max(0, (now - at) / DAY_MS)));
  return [
    Math.log1p(row.orders),
    Math.log1p(row.monetary),
    days(row.lastOrderAt),
    days(row.lastSeen),
    Math.log1p(row.recent),
    row.categories,
  ];
}

/** What the metrics of one profile are computed from. */
export interface MetricsInput {
  orders: number;
  monetary: number;
  lastOrderAt: number | null;
  firstSeen: number | null;
  lastSeen: number | null;
  /** Product interactions with their top-level category, oldest first. */
  interests: Array<{ event: string; at: number; category: string }>;
}

export interface ComputedMetrics {
  /** Properties stored on the profile (rules read lifecycleStage and the rfm* ones). */
  properties: Record<string, unknown>;
  /** MODEL tags it should carry now (interest, AOV band), with scores; cluster tags are the training's. */
  modelTags: Map<string, number | null>;
  newTags: Array<{ id: string; name: string; categoryId: string; description: string }>;
}

interface ClusterState {
  model: KMeansModel;
  means: number[];
  stds: number[];
  labels: string[];
  silhouettes: Array<{ k: number; silhouette: number }>;
}

/**
 * Profiles settled per transaction by training. Training runs in the API process beside the requests, and each
 * profile's facts, tags and memberships of a page are in memory at once: pages of 1,000 took the API past 300 MB
 * on a 1M-profile graph under load; 200 is what the scheduler and the related-products rebuild use.
 */
const TRAINING_PAGE = 200;

/**
 * The models behind computed tags: per profile (as part of settling it) RFM values and scores, lifecycle
 * stage, interest affinity per top-level product category and the average-order-value band; and, in a
 * training job, the RFM quintile boundaries and a k-means clustering of profiles on behaviour.
 */
export class ModelsService {
  constructor(
    private readonly executor: Executor,
    private readonly repository: ModelsRepository,
    private readonly audiences: AudiencesRepository,
    private readonly changes: ProfileChanges,
    private readonly jobs: JobsService,
    private readonly logger: Logger,
    private readonly settings: ModelsSettings = DEFAULT_MODELS_SETTINGS,
  ) {}

  /** The oldest interaction that counts for interest at `now`: six half-lives back (1/64 of the weight). */
  interestSince(now: number): number {
    return now - 6 * this.settings.interest.halfLifeDays * DAY_MS;
  }

  /**
   * One profile's metrics and computed tags from its orders, visits and recent product interactions: RFM
   * values and scores (with the stored boundaries), lifecycle stage, average order value band, and interest
   * affinity per top-level category. MODEL tags it returns replace all but cluster tags.
   */
  computeMetrics(input: MetricsInput, boundaries: RfmBoundaries | null, now: number): ComputedMetrics {
    const raw = rfmRaw(
      { lastOrderAt: input.lastOrderAt, orders: input.orders, monetary: input.monetary },
      now,
    );
    const score = boundaries ? rfmScore(raw, boundaries) : null;
    const aov = input.orders > 0 ? Math.round((input.monetary / input.orders) * 100) / 100 : null;
    const since = this.interestSince(now);
    const recent = input.interests.filter((x) => x.at >= since).slice(-this.settings.maxInterestEvents);
    const modelTags = new Map<string, number | null>();
    const newTags: ComputedMetrics['newTags'] = [];
    for (const [category, value] of interestScores(recent, now, this.settings.interest)) {
      const id = interestTagId(category);
      modelTags.set(id, value);
      newTags.push({
        id,
        name: category,
        categoryId: INTEREST_CATEGORY_ID,
        description: `Interest in ${category} products (affinity with time decay).`,
      });
    }
    const band = aovTag(aov);
    if (band) modelTags.set(band, null);
    return {
      properties: {
        orders: input.orders,
        monetary: input.monetary,
        lastOrderAt: input.lastOrderAt,
        aov,
        rfmR: score?.r ?? null,
        rfmF: score?.f ?? null,
        rfmM: score?.m ?? null,
        rfmScore: score?.score ?? null,
        rfmGroup: score?.group ?? null,
        lifecycleStage: lifecycleStage(
          { firstSeen: input.firstSeen, lastSeen: input.lastSeen, orders: input.orders },
          now,
          this.settings.lifecycle,
        ),
      },
      modelTags,
      newTags,
    };
  }

  /** Creates the MODEL tags settling needs that do not exist yet (interest categories). */
  createMissingTags(tx: TxRunner, tags: ComputedMetrics['newTags']): Promise<void> {
    const distinct = [...new Map(tags.map((t) => [t.id, t])).values()];
    return this.repository.createMissingTags(tx, distinct);
  }

  /** Starts training: RFM boundaries, clustering, then every profile rescored and re-evaluated. */
  train(): Promise<Job> {
    return this.jobs.start(
      'models.train',
      'RFM boundaries, behaviour clusters, rescoring',
      (progress) => this.runTraining(progress),
      'models',
    );
  }

  /** Whether a training job is running (on any instance). */
  async training(): Promise<boolean> {
    return (await this.jobs.latestFor('models'))?.state === 'RUNNING';
  }

  /** When the models were last trained (null: never). */
  async trainedAt(): Promise<number | null> {
    return (await this.repository.state('rfm'))?.computedAt ?? null;
  }

  private async runTraining(progress: JobProgress): Promise<string> {
    const now = Date.now();
    const random = prng(this.settings.seed);
    // Pass 1: every profile's metrics are fresh before they are sampled.
    const total = await this.forEachProfilePage(async (ids) => {
      await this.settleBatch(ids, now);
      await progress.advance(ids.length);
    });
    progress.total(total * 3);

    // RFM boundaries over a uniform sample of buyers (reservoir), so memory stays flat at any size.
    const sample: RfmRaw[] = [];
    let buyers = 0;
    for (let after = ''; ;) {
      const page = await this.repository.buyersPage(after, 5000);
      if (page.length === 0) break;
      after = page.at(-1)!.id;
      for (const buyer of page) {
        buyers += 1;
        const raw = rfmRaw(buyer, now);
        if (sample.length < 200_000) sample.push(raw);
        else {
          const slot = Math.floor(random() * buyers);
          if (slot < sample.length) sample[slot] = raw;
        }
      }
    }
    await this.repository.saveState('rfm', JSON.stringify(rfmBoundaries(sample, now)));

    const clusters = await this.trainClusters(now, random, progress);
    // Pass 3: rescored with the new boundaries and clusters, and every audience re-evaluated.
    await this.forEachProfilePage(async (ids) => {
      await this.settleBatch(ids, now);
      await progress.advance(ids.length);
    });
    return `RFM over ${buyers} buyers; ${clusters ? `${clusters.model.k} clusters (${clusters.labels.join('; ')})` : 'too few profiles to cluster'}`;
  }

  private async trainClusters(
    now: number,
    random: () => number,
    progress: JobProgress,
  ): Promise<ClusterState | null> {
    const sample: Array<{ id: string; features: number[] }> = [];
    let seen = 0;
    await this.forEachFeaturePage(now, async (rows) => {
      for (const row of rows) {
        seen += 1;
        const item = { id: row.id, features: clusterFeatures(row, now) };
        if (sample.length < 20_000) sample.push(item);
        else {
          const slot = Math.floor(random() * seen);
          if (slot < sample.length) sample[slot] = item;
        }
      }
    });
    if (sample.length < 10) return null;
    const { rows, means, stds } = standardize(sample);
    const choice = chooseK(rows, { seed: this.settings.seed, kMin: 2, kMax: 8 });
    const model = kmeans(rows, choice.k, { seed: this.settings.seed });
    const labels = describeClusters(model, CLUSTER_FEATURES, means, stds);
    const state: ClusterState = {
      model,
      means,
      stds,
      labels,
      silhouettes: choice.scores.map((s) => ({ k: s.k, silhouette: s.silhouette })),
    };
    await this.repository.saveState('clusters', JSON.stringify(state));
    await this.executor.writeTx('models.clusterTags', (tx) =>
      this.repository.ensureTags(
        tx,
        labels.map((label, i) => ({
          id: clusterTagId(i),
          name: `Cluster ${i + 1}: ${label}`,
          categoryId: CLUSTER_CATEGORY_ID,
          description: `Behaviour cluster ${i + 1} of ${model.k} (k-means on RFM and activity; score is the confidence).`,
        })),
      ),
    );
    await this.forEachFeaturePage(now, async (page) => {
      await this.executor.writeTx('models.assignClusters', async (tx) => {
        const held = await this.repository.clusterTagsOf(
          tx,
          page.map((row) => row.id),
        );
        const add: Array<{ profileId: string; tagId: string; score: number | null }> = [];
        const remove: Array<{ profileId: string; tagId: string }> = [];
        for (const row of page) {
          const { cluster, confidence } = assign(
            model,
            standardizeFeatures(clusterFeatures(row, now), means, stds),
          );
          const tagId = clusterTagId(cluster);
          const score = Math.round(confidence * 1000) / 1000;
          const current = held.get(row.id) ?? [];
          if (!current.some((c) => c.tagId === tagId && c.score === score))
            add.push({ profileId: row.id, tagId, score });
          for (const c of current) if (c.tagId !== tagId) remove.push({ profileId: row.id, tagId: c.tagId });
        }
        await this.audiences.applyTagChanges(tx, add, remove, now);
      });
      await progress.advance(page.length);
    });
    return state;
  }

  private async settleBatch(ids: readonly string[], now: number): Promise<void> {
    const settlement = await this.executor.writeTx('models.settle', (tx) =>
      this.changes.settle(tx, ids, now),
    );
    this.changes.committed(settlement);
  }

  private async forEachProfilePage(visit: (ids: string[]) => Promise<void>): Promise<number> {
    let count = 0;
    for (let after = ''; ;) {
      const ids = await this.audiences.profilePage(after, TRAINING_PAGE);
      if (ids.length === 0) return count;
      after = ids.at(-1)!;
      count += ids.length;
      await visit(ids);
    }
  }

  private async forEachFeaturePage(
    now: number,
    visit: (rows: ClusterFeatureRow[]) => Promise<void>,
  ): Promise<void> {
    for (let after = ''; ;) {
      const page = await this.repository.clusterFeatures(after, 1000, now);
      if (page.length === 0) return;
      after = page.at(-1)!.id;
      await visit(page);
    }
  }

  /** The clustering as trained, for the API. */
  async clusters(): Promise<ClusterState | null> {
    const state = await this.repository.state('clusters');
    if (!state) return null;
    try {
      return JSON.parse(state.json) as ClusterState;
    } catch (error) {
      this.logger.warn('unreadable cluster state', { error });
      return null;
    }
  }
}
