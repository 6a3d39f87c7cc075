import type { AudiencesRepository } from '../audiences/audiences.repository';
import { PortraitError } from '../common/errors';
import type { Logger } from '../common/logger';
import type { Executor } from '../db/executor';
import type { Job } from '../jobs/job.type';
import { JobState } from '../jobs/job.type';
import type { JobProgress, JobsService } from '../jobs/jobs.service';
import type { SettleStep } from '../profiles/profile-changes';
import type { ModelsRepository } from '../tags/models.repository';
import {
  relatedList,
  reversePatches,
  type AssociationOptions,
  type CoEngaged,
  type ProductStats,
  type Relation,
  type RelationFigures,
} from './association';
import type { CoEngagementRow, RecommendationsRepository } from './recommendations.repository';
import { halfLifeMs, type RecommendationSettings } from './settings';

/** The subject of refresh jobs (at most one runs at a time) and the id of their stored state. */
export const REFRESH_SUBJECT = 'related-products';
const STATE_ID = 'recommendations';

interface RefreshState {
  /** When engagement and embeddings were last rebuilt for every profile (null: never). */
  rebuiltAt: number | null;
  /** When every product was last refreshed. */
  fullAt: number | null;
}

export type RefreshMode = 'dirty' | 'all' | 'rebuild';

/**
 * Cuts a page of products into the batches of phase 2: consecutive products whose engaged profiles add up to
 * at most `budget`, a product above it alone.
 */
export function engagementBatches(
  page: ReadonlyArray<{ id: string; engaged: number }>,
  budget: number,
): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let load = 0;
  for (const { id, engaged } of page) {
    if (current.length > 0 && load + engaged > budget) {
      batches.push(current);
      current = [];
      load = 0;
    }
    current.push(id);
    load += engaged;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Keeps RELATED edges, product and category statistics and popular lists current.
 *
 * - `refreshDirty`: products whose engagement changed since the last refresh (marked by the settle step)
 *   get their related lists recomputed, and the relations of other products towards them patched.
 * - `refreshAll`: the same for every product; corrects what the incremental refresh lets drift (the number
 *   of engaged profiles behind every lift, and a top-K list where a relation fell below one that is not
 *   listed), and removes engagement left on profiles dissolved without a survivor.
 * - `rebuild`: first recomputes every profile's engagement and embedding (`steps`), then `refreshAll`; for
 *   a database that held data before these steps were wired.
 *
 * `tick` is what a scheduler calls: it chooses among the three. Every refresh runs as a job (one at a time).
 */
export class RelatedProductsRefresher {
  private starting: Promise<Job | null> | null = null;

  constructor(
    private readonly executor: Executor,
    private readonly repository: RecommendationsRepository,
    private readonly jobs: JobsService,
    private readonly audiences: AudiencesRepository,
    private readonly models: ModelsRepository,
    /** The settle steps a rebuild runs for every profile, in order (engagement, then embeddings). */
    private readonly steps: readonly SettleStep[],
    private readonly logger: Logger,
    private readonly settings: RecommendationSettings,
  ) {}

  /** Refreshes the products whose engagement changed; null when nothing waits or a refresh is running. */
  refreshDirty(): Promise<Job | null> {
    return this.startOnce(async () => ((await this.repository.backlog()) ? this.start('dirty') : null));
  }

  /** Refreshes every product (with `rebuild`, every profile's engagement and embedding first). */
  async refreshAll(options: { rebuild?: boolean } = {}): Promise<Job> {
    const job =
      (await this.startOnce(() => this.start(options.rebuild ? 'rebuild' : 'all'))) ?? (await this.running());
    if (!job) throw new PortraitError('CONFLICT', 'a refresh is starting; ask again in a moment');
    return job;
  }

  /**
   * What a scheduler calls each tick: a rebuild when there never was one, a full refresh when the last is
   * older than `fullRefreshAfterMs`, else the dirty products. Null when nothing was started, and for
   * `failedRetryAfterMs` after a refresh failed: a refresh that outlasts the transaction timeout fails the
   * same way each time, and restarting it every tick kept the database busy for nothing.
   */
  tick(now = Date.now()): Promise<Job | null> {
    return this.startOnce(async () => {
      const last = await this.jobs.latestFor(REFRESH_SUBJECT);
      if (
        last?.state === JobState.FAILED &&
        last.finishedAt !== null &&
        now - last.finishedAt.getTime() < this.settings.failedRetryAfterMs
      )
        return null;
      const state = await this.state();
      if (state.rebuiltAt === null) return this.start('rebuild');
      if (state.fullAt === null || now - state.fullAt > this.settings.fullRefreshAfterMs)
        return this.start('all');
      return (await this.repository.backlog()) ? this.start('dirty') : null;
    });
  }

  /** Runs one refresh in this process and resolves when it is done (tests, the offline evaluation). */
  async run(mode: RefreshMode, now = Date.now()): Promise<string> {
    const progress: JobProgress = { total: () => undefined, advance: async () => undefined };
    return this.work(mode, now, progress);
  }

  /** The running refresh job, if any (on any instance). */
  async running(): Promise<Job | null> {
    const job = await this.jobs.latestFor(REFRESH_SUBJECT);
    return job?.state === JobState.RUNNING ? job : null;
  }

  /** Starts `begin` unless a refresh is running here or elsewhere (then null). */
  private async startOnce(begin: () => Promise<Job | null>): Promise<Job | null> {
    if (this.starting) return null;
    this.starting = (async () => ((await this.running()) ? null : begin()))();
    try {
      return await this.starting;
    } finally {
      this.starting = null;
    }
  }

  private start(mode: RefreshMode): Promise<Job> {
    const message = {
      dirty: 'related products of changed products',
      all: 'related products of every product',
      rebuild: 'engagement and embeddings of every profile, then related products of every product',
    }[mode];
    return this.jobs.start(
      `recommendations.refresh.${mode}`,
      message,
      (progress) => this.work(mode, Date.now(), progress),
      REFRESH_SUBJECT,
    );
  }

  private async state(): Promise<RefreshState> {
    const stored = await this.models.state(STATE_ID);
    try {
      const parsed = stored ? (JSON.parse(stored.json) as Partial<RefreshState>) : {};
      return { rebuiltAt: parsed.rebuiltAt ?? null, fullAt: parsed.fullAt ?? null };
    } catch (error) {
      this.logger.warn('unreadable recommendations state', { error });
      return { rebuiltAt: null, fullAt: null };
    }
  }

  private async work(mode: RefreshMode, now: number, progress: JobProgress): Promise<string> {
    const batch = this.settings.refreshBatchSize;
    let profiles = 0;
    if (mode === 'rebuild') {
      for (let after = ''; ;) {
        const ids = await this.audiences.profilePage(after, 200);
        if (ids.length === 0) break;
        after = ids.at(-1)!;
        await this.executor.writeTx('recommendations.rebuild', async (tx) => {
          for (const step of this.steps) await step(tx, ids, now, {});
        });
        profiles += ids.length;
        await progress.advance(ids.length);
      }
    }
    if (mode !== 'dirty') {
      let cleaned: number;
      do cleaned = await this.repository.cleanMergedEngagement(1000);
      while (cleaned > 0);
      for (let after: string | null = ''; after !== null;)
        after = await this.repository.markDirty(after, 1000);
    }

    // Phase 1: statistics of every dirty product, so that phase 2 sees them all current.
    let products = 0;
    for (let after = ''; ;) {
      const ids = await this.repository.dirtyPage(after, batch);
      if (ids.length === 0) break;
      after = ids.at(-1)!;
      await this.executor.writeTx('recommendations.refreshStats', (tx) =>
        this.repository.refreshStats(tx, ids, now, halfLifeMs(this.settings)),
      );
      products += ids.length;
      await progress.advance(ids.length);
    }
    progress.total(products * 2 + profiles);

    // Phase 2: related lists, and (for dirty products only) the relations of other products towards them.
    // A full refresh recomputes every list from one snapshot, so patching lists it rewrites anyway is wasted:
    // at 1M profiles one best-seller's patches reached 63,439 other lists and outlasted the transaction timeout.
    const patch = mode === 'dirty';
    const engaged = await this.repository.engagedProfiles();
    const options: AssociationOptions = {
      k: this.settings.relatedPerProduct,
      minSupport: this.settings.minSupport,
      shrink: this.settings.supportShrink,
      tolerance: this.settings.patchTolerance,
    };
    for (let after = ''; ;) {
      const page = await this.repository.pendingPage(after, batch);
      if (page.length === 0) break;
      after = page.at(-1)!.id;
      for (const ids of engagementBatches(page, this.settings.refreshEngagementBudget)) {
        await this.executor.writeTx('recommendations.refreshRelated', async (tx) => {
          const rows = await this.repository.coEngagement(
            tx,
            ids,
            now,
            halfLifeMs(this.settings),
            patch,
            options,
          );
          await this.repository.writeRelated(
            tx,
            this.plan(rows, engaged, now, options, patch),
            options.k,
            now,
          );
        });
        await progress.advance(ids.length);
      }
    }
    await this.repository.writePopularLists(now, halfLifeMs(this.settings), this.settings.popularPerScope);
    await this.repository.writeCategoryEngagement();

    const state = await this.state();
    await this.models.saveState(
      STATE_ID,
      JSON.stringify({
        rebuiltAt: mode === 'rebuild' ? now : state.rebuiltAt,
        fullAt: mode === 'dirty' ? state.fullAt : now,
      } satisfies RefreshState),
    );
    return `${products} products refreshed over ${engaged} engaged profiles${mode === 'rebuild' ? ` (${profiles} profiles rebuilt)` : ''}`;
  }

  /**
   * The writes of one phase-2 batch: each product's new list, and with `patch` the patches to other products'
   * lists.
   */
  private plan(
    rows: readonly CoEngagementRow[],
    engaged: number,
    now: number,
    options: AssociationOptions,
    patch: boolean,
  ): {
    lists: Array<{ id: string; related: Relation[] }>;
    write: Array<{ from: string; to: string; figures: RelationFigures }>;
    drop: Array<{ from: string; to: string }>;
    touched: string[];
  } {
    const half = halfLifeMs(this.settings);
    // Statistics are stored with the time they were taken at; decay moves every weight by one factor, so a
    // norm taken earlier is exact once scaled to `now`.
    const stats = (
      id: string,
      engagedProfiles: number,
      norm: number,
      statsAt: number | null,
    ): ProductStats => ({
      id,
      engagedProfiles,
      norm: statsAt === null ? norm : norm * 2 ** ((statsAt - now) / half),
    });
    const inBatch = new Set(rows.map((row) => row.id));
    const lists: Array<{ id: string; related: Relation[] }> = [];
    const write: Array<{ from: string; to: string; figures: RelationFigures }> = [];
    const drop: Array<{ from: string; to: string }> = [];
    const touched = new Set<string>();
    for (const row of rows) {
      const a = stats(row.id, row.engagedProfiles, row.norm, row.statsAt);
      const others: CoEngaged[] = row.others.map((o) => ({
        support: o.support,
        bothBought: o.bothBought,
        dot: o.dot,
        relatedCount: o.relatedCount,
        relatedMinScore: o.relatedMinScore,
        back: o.back,
        stats: stats(o.id, o.engagedProfiles, o.norm, o.statsAt),
      }));
      lists.push({ id: row.id, related: relatedList(a, others, engaged, options) });
      if (!patch) continue;
      // Lists holding A that stay as they are did not come back in `others`: they are not relations to drop.
      const held = new Set(row.held);
      const pointing = row.pointing.filter((id) => !held.has(id));
      const patches = reversePatches(a, others, pointing, engaged, options, inBatch);
      write.push(...patches.write);
      drop.push(...patches.drop);
      for (const id of patches.touched) touched.add(id);
    }
    return { lists, write, drop, touched: [...touched].sort() };
  }
}
