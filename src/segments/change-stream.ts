import type { ReadyStream } from '../common/streams';
import type { SegmentChangeRecord } from '../profiles/profile-changes';
import type { ChangeBus } from './change-bus';

/** Reads of the durable change log the stream needs. */
export interface ChangeLog {
  /** The last position handed out (every position up to it is committed). */
  head(): Promise<number>;
  /** Changes with after < seq <= upTo, for one segment or all, in order, at most `first`. */
  after(after: number, upTo: number, segmentId: string | null, first: number): Promise<SegmentChangeRecord[]>;
}

export interface StreamOptions {
  /** Most changes held for one subscriber before it falls back to reading the log. */
  readonly stashLimit?: number;
  /** How often the log head is polled, in case a bus message was lost. */
  readonly pollMs?: number;
  readonly pageSize?: number;
}

/** What every stream needs to know about one bus message, worked out once for all of them. */
interface Message {
  /** Its positions are first..last without a hole, in order: a stream at first - 1 can take it whole. */
  readonly dense: boolean;
  readonly first: number;
  readonly last: number;
  readonly bySegment: ReadonlyMap<string, readonly SegmentChangeRecord[]>;
}

const messages = new WeakMap<readonly SegmentChangeRecord[], Message>();

/** The summary of a bus message, computed by the first stream that sees it (every listener gets the same array). */
function summarise(changes: readonly SegmentChangeRecord[]): Message {
  let message = messages.get(changes);
  if (message) return message;
  const bySegment = new Map<string, SegmentChangeRecord[]>();
  let dense = true;
  let last = Number.NEGATIVE_INFINITY;
  for (const change of changes) {
    if (change.seq !== last + 1 && last !== Number.NEGATIVE_INFINITY) dense = false;
    last = Math.max(last, change.seq);
    const mine = bySegment.get(change.segmentId);
    if (mine) mine.push(change);
    else bySegment.set(change.segmentId, [change]);
  }
  message = { dense, first: changes[0]?.seq ?? 0, last, bySegment };
  messages.set(changes, message);
  return message;
}

/**
 * Segment membership changes as an async iterator: first the log after `after` (or nothing before now when
 * `after` is null), then live changes, with no gap and no duplicate across the switch.
 *
 * Positions are dense and handed out in commit order, so the stream keeps one number, `covered`: every
 * position up to it has been queued for delivery or skipped (another segment's). A bus message that starts
 * right after `covered` while the stream is not reading the log is taken whole at once: `covered` jumps to
 * its end and only this segment's changes are queued, so a message of other segments costs a subscriber a
 * few comparisons. Anything else (the subscriber was replaying, a message was lost or arrived out of order)
 * is stashed by position, and whenever the next position is missing from the stash the stream reads it from
 * the log instead. This trusts the bus to carry this log's positions only (see changeChannel).
 */
async function* changesUntil(
  log: ChangeLog,
  bus: ChangeBus,
  segmentId: string | null,
  after: number | null,
  options: StreamOptions,
  signal: AbortSignal,
  ready: ReadyQueue,
): AsyncGenerator<SegmentChangeRecord> {
  const stashLimit = options.stashLimit ?? 10_000;
  const pollMs = options.pollMs ?? 5_000;
  const pageSize = options.pageSize ?? 500;
  const stash = new Map<number, SegmentChangeRecord>();
  const queued = () => ready.size;
  // Null until the starting position is known; the bus is only stashed until then.
  let covered: number | null = null;
  let highest = 0;
  let reading = false;
  let wake: (() => void) | null = null;
  const unsubscribe = bus.subscribe((changes) => {
    if (changes.length === 0) return;
    const message = summarise(changes);
    highest = Math.max(highest, message.last);
    if (
      covered !== null &&
      !reading &&
      message.dense &&
      message.first === covered + 1 &&
      queued() < stashLimit
    ) {
      covered = message.last;
      const mine = segmentId === null ? changes : message.bySegment.get(segmentId);
      if (!mine) return;
      for (const change of mine) ready.push(change);
      wake?.();
      return;
    }
    for (const change of changes) {
      if (stash.size >= stashLimit) break;
      if (covered === null || change.seq > covered) stash.set(change.seq, change);
    }
    wake?.();
  });
  try {
    const head = await log.head();
    covered = after ?? head;
    highest = Math.max(highest, head);
    for (;;) {
      while (queued() > 0) {
        if (signal.aborted) return;
        yield ready.shift();
      }
      if (covered < highest) {
        reading = true;
        try {
          covered = await fill(covered);
        } finally {
          reading = false;
        }
        continue;
      }
      if (signal.aborted) return;
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => done(false), pollMs);
        const done = (byBus: boolean) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', aborted);
          wake = null;
          resolve(byBus);
        };
        const aborted = () => done(false);
        wake = () => done(true);
        signal.addEventListener('abort', aborted);
      });
      if (signal.aborted) return;
      if (!woken && queued() === 0 && highest <= covered) highest = Math.max(highest, await log.head());
    }
  } finally {
    unsubscribe();
  }

  /**
   * Queues what follows `from` up to `highest`: from the stash while it holds the next position, otherwise
   * one page of the log. Returns the new `covered`.
   */
  async function fill(from: number): Promise<number> {
    let position = from;
    while (position < highest) {
      const next = stash.get(position + 1);
      if (!next) break;
      stash.delete(next.seq);
      position = next.seq;
      if (segmentId === null || next.segmentId === segmentId) ready.push(next);
    }
    if (position < highest && queued() === 0) {
      const upTo = highest;
      const page = await log.after(position, upTo, segmentId, pageSize);
      for (const change of page) {
        if (change.seq <= position) continue;
        position = change.seq;
        ready.push(change);
      }
      if (page.length < pageSize) position = Math.max(position, upTo);
    }
    for (const seq of stash.keys()) if (seq <= position) stash.delete(seq);
    return position;
  }
}

/** Changes queued for delivery, in order: the generator yields them one by one, `takeReady` many at once. */
class ReadyQueue {
  private items: SegmentChangeRecord[] = [];
  private from = 0;

  get size(): number {
    return this.items.length - this.from;
  }

  push(change: SegmentChangeRecord): void {
    this.items.push(change);
  }

  /** The first change; only when size > 0. */
  shift(): SegmentChangeRecord {
    const first = this.items[this.from]!;
    this.from += 1;
    if (this.from === this.items.length) this.clear();
    return first;
  }

  /** The first `most` changes (or all), removed. */
  take(most: number): SegmentChangeRecord[] {
    const taken = this.items.slice(this.from, this.from + most);
    this.from += taken.length;
    if (this.from === this.items.length) this.clear();
    return taken;
  }

  private clear(): void {
    this.items.length = 0;
    this.from = 0;
  }
}

/**
 * The stream of `changesUntil` whose `return()` (a client unsubscribing) ends it at once, even while it is
 * waiting for the next change, so no subscription outlives its client.
 */
export function segmentChanges(
  log: ChangeLog,
  bus: ChangeBus,
  segmentId: string | null,
  after: number | null,
  options: StreamOptions = {},
): ReadyStream<SegmentChangeRecord> {
  const controller = new AbortController();
  const ready = new ReadyQueue();
  const inner = changesUntil(log, bus, segmentId, after, options, controller.signal, ready);
  const outer: ReadyStream<SegmentChangeRecord> = {
    next: () => inner.next(),
    takeReady: (most) => (controller.signal.aborted ? [] : ready.take(most)),
    return: (value) => {
      controller.abort();
      return inner.return(value);
    },
    throw: (error) => {
      controller.abort();
      return inner.throw(error);
    },
    [Symbol.asyncIterator]: () => outer,
  };
  return outer;
}
