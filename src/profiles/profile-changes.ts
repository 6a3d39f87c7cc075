import type { TxRunner } from '../db/executor';
import type { EngagedProduct, EngagementInteraction } from '../recommendations/engagement';

/** One entry or exit of the durable segment change log. */
export interface SegmentChangeRecord {
  readonly seq: number;
  readonly segmentId: string;
  readonly profileId: string;
  readonly change: 'ENTERED' | 'EXITED';
  readonly at: number;
}

/** What settling some profiles did, to be announced once the transaction has committed. */
export interface Settlement {
  readonly profiles: readonly string[];
  readonly segmentChanges: readonly SegmentChangeRecord[];
}

/**
 * What a settle's caller knows narrows some steps' work. `engagement`: the profiles (of those settled) whose
 * interactions may have changed (new interactions, or identifiers that joined or left); the others' engagement
 * is left as it is. Absent: all of them.
 */
export interface SettleScope {
  readonly engagement?: readonly string[];
}

/**
 * What a step of one settle read that a later step of the same settle (same transaction, same profiles) may
 * use instead of reading it again; a step run on its own (a rebuild) gets none.
 */
export interface SettleMemo {
  /**
   * Each settled profile's interactions as the derive step read them, oldest first: every one while the profile
   * has few, else those settling needs, which include at least the newest `newest.count` interactions with a
   * product of the `newest.events` (so a step that reads no more than those may use them instead).
   */
  interactions?: Map<string, readonly EngagementInteraction[]>;
  newest?: { readonly events: readonly string[]; readonly count: number };
  /** Each settled profile's stored properties as the derive step read them. */
  properties?: Map<string, Readonly<Record<string, unknown>>>;
  /**
   * The ENGAGED edges the engagement step left, by profile, for the profiles it computed from `interactions`
   * (those whose edges a later step may take from here instead of expanding them again).
   */
  engaged?: Map<string, readonly EngagedProduct[]>;
}

/** Work that must follow, in the same transaction, any change to profiles' identities or data. */
export type SettleStep = (
  tx: TxRunner,
  profileIds: readonly string[],
  now: number,
  scope: SettleScope,
  memo?: SettleMemo,
) => Promise<{ segmentChanges?: readonly SegmentChangeRecord[] } | void>;

/**
 * Work that must come, in the same transaction, before stitching retires profiles (merged into another, or
 * dissolved): returns the segment changes it made, to be announced with the rest.
 */
export type RetireStep = (
  tx: TxRunner,
  retired: ReadonlyArray<{ id: string; into: string | null }>,
  now: number,
) => Promise<readonly SegmentChangeRecord[]>;

export const NOTHING_SETTLED: Settlement = { profiles: [], segmentChanges: [] };

/**
 * The one path every profile change takes: ingestion, identity recomputation, erasure and the scheduler call
 * `settle` inside their write transaction (summaries, then metrics, then tags and segments, registered as
 * steps in that order), and `committed` once it is durable (subscriptions and caches listen there).
 */
export class ProfileChanges {
  private readonly steps: Array<{ name: string; step: SettleStep }> = [];
  private readonly listeners = new Set<(settlement: Settlement) => void>();
  private readonly retireSteps: RetireStep[] = [];

  addStep(name: string, step: SettleStep): void {
    this.steps.push({ name, step });
  }

  addRetireStep(step: RetireStep): void {
    this.retireSteps.push(step);
  }

  /** Runs the retire steps for profiles about to be retired; returns the segment changes they made. */
  async retire(
    tx: TxRunner,
    retired: ReadonlyArray<{ id: string; into: string | null }>,
    now: number,
  ): Promise<SegmentChangeRecord[]> {
    if (retired.length === 0) return [];
    const segmentChanges: SegmentChangeRecord[] = [];
    for (const step of this.retireSteps) segmentChanges.push(...(await step(tx, retired, now)));
    return segmentChanges;
  }

  onCommitted(listener: (settlement: Settlement) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs the steps for `profileIds`; with `from`, only that step and those after it (when only time has
   * passed, the profiles' own data has not changed and their summaries need no recomputing); `scope` narrows
   * what some steps redo.
   */
  async settle(
    tx: TxRunner,
    profileIds: readonly string[],
    now: number,
    from?: string,
    scope: SettleScope = {},
  ): Promise<Settlement> {
    if (profileIds.length === 0) return NOTHING_SETTLED;
    const segmentChanges: SegmentChangeRecord[] = [];
    const start = from === undefined ? 0 : this.steps.findIndex((s) => s.name === from);
    if (start === -1) throw new Error(`no settle step named ${from}`);
    const memo: SettleMemo = {};
    for (const { step } of this.steps.slice(start)) {
      const effects = await step(tx, profileIds, now, scope, memo);
      if (effects?.segmentChanges) segmentChanges.push(...effects.segmentChanges);
    }
    return { profiles: profileIds, segmentChanges };
  }

  committed(settlement: Settlement): void {
    if (settlement.profiles.length === 0 && settlement.segmentChanges.length === 0) return;
    for (const listener of this.listeners) listener(settlement);
  }
}

/** Several settlements of one transaction as one. */
export function mergeSettlements(settlements: readonly Settlement[]): Settlement {
  return {
    profiles: [...new Set(settlements.flatMap((s) => s.profiles))],
    segmentChanges: settlements.flatMap((s) => s.segmentChanges),
  };
}
