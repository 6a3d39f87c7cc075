import { randomUUID } from 'node:crypto';
import { defineQueries } from '../db/cypher';
import type { Executor } from '../db/executor';
import type { Logger } from '../common/logger';
import type { ProfileChanges } from '../profiles/profile-changes';
import type { LifecycleThresholds } from '../tags/models/lifecycle';
import type { ModelsService } from '../tags/models.service';
import type { AudiencesService } from './audiences.service';

const Q = defineQueries('audiences', ['take-lease', 'complete-tick', 'crossing-windows'] as const);

const DAY = 86_400_000;
const LEASE = 'scheduler';

export interface SchedulerSettings {
  readonly intervalMs: number;
  readonly lifecycle: LifecycleThresholds;
  /** Models are retrained when older than this. */
  readonly retrainAfterMs: number;
  readonly batchSize: number;
}

export interface TickReport {
  ran: boolean;
  profiles: number;
  from: number;
  to: number;
}

/**
 * Keeps time-dependent memberships true as time passes with no events: each tick finds the profiles whose
 * rule windows or lifecycle thresholds were crossed since the last tick (an interaction left "the last 7
 * days", the last visit became 31 days old) and settles just those. One instance at a time holds the lease;
 * a tick that fails is redone from the same point by the next one.
 */
export class Scheduler {
  private readonly holder = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly executor: Executor,
    private readonly audiences: AudiencesService,
    private readonly models: ModelsService,
    private readonly changes: ProfileChanges,
    private readonly settings: SchedulerSettings,
    private readonly logger: Logger,
    /** Other periodic work run under the same lease, after the windows (the related-products refresh). */
    private readonly alsoEachTick: ReadonlyArray<(now: number) => Promise<unknown>> = [],
  ) {}

  start(): void {
    if (this.settings.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .catch((error: unknown) => this.logger.error('scheduler tick failed', { error }))
        .finally(() => (this.running = null));
    }, this.settings.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One tick at `now`: settles the profiles whose windows were crossed since the last completed tick. */
  async tick(now = Date.now()): Promise<TickReport> {
    const until = now + Math.max(this.settings.intervalMs, 60_000) * 2;
    const [lease] = await this.executor.write(Q.takeLease, { name: LEASE, holder: this.holder, now, until });
    if (!lease) return { ran: false, profiles: 0, from: now, to: now };
    const from = (lease.lastTick as number | null) ?? now - Math.max(this.settings.intervalMs, 60_000);
    const windows = await this.executor.readTx('scheduler.windows', (tx) => this.audiences.windows(tx));
    const { newDays, activeDays, atRiskDays, dormantDays } = this.settings.lifecycle;
    // A rule window of W days holds x while now - x.at <= W days; a lifecycle threshold of D whole days
    // holds while now - t < (D + 1) days. Times crossing between the ticks are those ranges shifted back.
    const range = (offset: number) => ({ from: from - offset, to: now - offset });
    const ids = (
      await this.executor.read(Q.crossingWindows, {
        interactions: windows.map((days) => range(days * DAY)),
        lastSeen: [activeDays, atRiskDays, dormantDays].map((days) => range((days + 1) * DAY)),
        firstSeen: [range((newDays + 1) * DAY)],
        limit: 1_000_000,
      })
    ).map((row) => row.id as string);
    for (let i = 0; i < ids.length; i += this.settings.batchSize) {
      const batch = ids.slice(i, i + this.settings.batchSize);
      const settlement = await this.executor.writeTx('scheduler.settle', (tx) =>
        this.changes.settle(tx, batch, now),
      );
      this.changes.committed(settlement);
    }
    await this.executor.write(Q.completeTick, { name: LEASE, holder: this.holder, tick: now });
    for (const work of this.alsoEachTick) await work(now);
    const trainedAt = await this.models.trainedAt();
    if (
      (trainedAt === null || now - trainedAt > this.settings.retrainAfterMs) &&
      !(await this.models.training())
    ) {
      await this.models.train();
    }
    return { ran: true, profiles: ids.length, from, to: now };
  }
}
