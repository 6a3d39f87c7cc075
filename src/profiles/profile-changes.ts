import type { TxRunner } from '../db/executor';

/** Work that must follow, in the same transaction, any change to profiles' identities or data. */
export type SettleStep = (tx: TxRunner, profileIds: readonly string[], now: number) => Promise<void>;

/**
 * The one path every profile change takes: ingestion, identity recomputation and erasure call `settle`
 * inside their write transaction (summaries, then tags and segments, registered as steps), and
 * `committed` once it is durable (subscriptions and caches listen there).
 */
export class ProfileChanges {
  private readonly steps: SettleStep[] = [];
  private readonly listeners = new Set<(profileIds: readonly string[]) => void>();

  addStep(step: SettleStep): void {
    this.steps.push(step);
  }

  onCommitted(listener: (profileIds: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async settle(tx: TxRunner, profileIds: readonly string[], now: number): Promise<void> {
    if (profileIds.length === 0) return;
    for (const step of this.steps) await step(tx, profileIds, now);
  }

  committed(profileIds: readonly string[]): void {
    if (profileIds.length === 0) return;
    for (const listener of this.listeners) listener(profileIds);
  }
}
