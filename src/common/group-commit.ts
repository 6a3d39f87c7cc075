/** A round's result for an item that failed on its own: its caller is rejected with `error`. */
export class ItemFailed {
  constructor(readonly error: unknown) {}
}

/**
 * Group commit: work items queued while a round runs are taken together by the next round, so that one
 * transaction serves many callers and at most one round runs at a time. Each caller gets its own item's
 * result; a round that throws rejects the callers of that round only.
 *
 * Under light load a round holds one item and waits for nothing; under heavy load rounds grow up to `limit`
 * (measured by `size`), which is what turns many small requests into few large transactions.
 */
export class GroupCommit<In, Out> {
  private readonly queue: Array<{ item: In; resolve: (out: Out) => void; reject: (error: unknown) => void }> =
    [];
  private running: Promise<void> | null = null;

  /**
   * `round` gets the items of one round, in arrival order, and returns one result per item (same order), or
   * ItemFailed for an item that failed alone. A round takes items while their total `size` stays within
   * `limit` (and always at least one).
   */
  constructor(
    private readonly round: (items: readonly In[]) => Promise<ReadonlyArray<Out | ItemFailed>>,
    private readonly limit: number,
    private readonly size: (item: In) => number = () => 1,
  ) {}

  /** Queues `item`; resolves with its result once the round that took it has finished. */
  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Items waiting for a round (not counting the round running). */
  get waiting(): number {
    return this.queue.length;
  }

  /** The total size of the items waiting for a round. */
  get waitingSize(): number {
    return this.queue.reduce((sum, { item }) => sum + this.size(item), 0);
  }

  /** Resolves once the queue is empty and no round runs. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Started from submit before `running` is assigned: the first round must not begin (or end) before then.
    await null;
    try {
      while (this.queue.length > 0) {
        let total = 0;
        let count = 0;
        for (const { item } of this.queue) {
          total += this.size(item);
          if (count > 0 && total > this.limit) break;
          count += 1;
        }
        const taken = this.queue.splice(0, count);
        try {
          const results = await this.round(taken.map((t) => t.item));
          if (results.length !== taken.length) {
            throw new Error(`a round returned ${results.length} results for ${taken.length} items`);
          }
          taken.forEach((t, i) => {
            const result = results[i]!;
            if (result instanceof ItemFailed) t.reject(result.error);
            else t.resolve(result);
          });
        } catch (error) {
          for (const t of taken) t.reject(error);
        }
      }
    } finally {
      this.running = null;
    }
  }
}
