/** A round's result for an item that failed on its own: its caller is rejected with `error`. */
export class ItemFailed {
  constructor(readonly error: unknown) {}
}

/**
 * Group commit: work items queued while rounds run are taken together by the next round, so that one
 * transaction serves many callers, and at most `concurrency` rounds run at a time. Each caller gets its own
 * item's result; a round that throws rejects the callers of that round only.
 *
 * Under light load each item gets a round of its own right away (items submitted in one tick share one); under
 * heavy load rounds grow up to `limit` (measured by `size`), which is what turns many small requests into few
 * large transactions.
 */
export class GroupCommit<In, Out> {
  private readonly queue: Array<{ item: In; resolve: (out: Out) => void; reject: (error: unknown) => void }> =
    [];
  /** The total size of the queued items, kept as they come and go (asked for on every request). */
  private queuedSize = 0;
  private active = 0;
  private scheduled = false;
  private readonly idleWaiters: Array<() => void> = [];

  /**
   * `round` gets the items of one round, in arrival order, and returns one result per item (same order), or
   * ItemFailed for an item that failed alone. A round takes items while their total `size` stays within
   * `limit` (and always at least one).
   */
  constructor(
    private readonly round: (items: readonly In[]) => Promise<ReadonlyArray<Out | ItemFailed>>,
    private readonly limit: number,
    private readonly size: (item: In) => number = () => 1,
    private readonly concurrency = 1,
  ) {}

  /** Queues `item`; resolves with its result once the round that took it has finished. */
  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.queuedSize += this.size(item);
      // Rounds start a microtask later, so that what is submitted in this tick shares one.
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  /** Items waiting for a round (not counting the rounds running). */
  get waiting(): number {
    return this.queue.length;
  }

  /** The total size of the items waiting for a round. */
  get waitingSize(): number {
    return this.queuedSize;
  }

  /** Resolves once the queue is empty and no round runs. */
  async idle(): Promise<void> {
    while (this.active > 0 || this.queue.length > 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  private pump(): void {
    while (this.active < this.concurrency && this.queue.length > 0) {
      let total = 0;
      let count = 0;
      for (const { item } of this.queue) {
        const size = this.size(item);
        if (count > 0 && total + size > this.limit) break;
        total += size;
        count += 1;
      }
      this.active += 1;
      this.queuedSize -= total;
      void this.run(this.queue.splice(0, count)).finally(() => {
        this.active -= 1;
        this.pump();
        if (this.active === 0 && this.queue.length === 0) {
          for (const wake of this.idleWaiters.splice(0)) wake();
        }
      });
    }
  }

  private async run(taken: GroupCommit<In, Out>['queue']): Promise<void> {
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
}
