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

/**
 * Segment membership changes as an async iterator: first the log after `after` (or nothing before now when
 * `after` is null), then live changes, with no gap and no duplicate across the switch.
 *
 * Positions are dense and handed out in commit order, so the stream keeps one number, `covered`: every
 * position up to it has been delivered or skipped. Live changes from the bus are stashed and delivered in
 * position order; whenever the next position is missing from the stash (the subscriber was replaying, a bus
 * message was lost or arrived out of order) the stream reads it from the log instead.
 */
async function* changesUntil(
  log: ChangeLog,
  bus: ChangeBus,
  segmentId: string | null,
  after: number | null,
  options: StreamOptions,
  signal: AbortSignal,
): AsyncGenerator<SegmentChangeRecord> {
  const stashLimit = options.stashLimit ?? 10_000;
  const pollMs = options.pollMs ?? 5_000;
  const pageSize = options.pageSize ?? 500;
  const stash = new Map<number, SegmentChangeRecord>();
  let highest = 0;
  let wake: (() => void) | null = null;
  const unsubscribe = bus.subscribe((changes) => {
    for (const change of changes) {
      highest = Math.max(highest, change.seq);
      if (stash.size < stashLimit) stash.set(change.seq, change);
    }
    wake?.();
  });
  try {
    const head = await log.head();
    let covered = after ?? head;
    highest = Math.max(highest, head);
    for (;;) {
      while (covered < highest) {
        const next = stash.get(covered + 1);
        if (next) {
          stash.delete(next.seq);
          covered = next.seq;
          if (segmentId === null || next.segmentId === segmentId) yield next;
          continue;
        }
        const upTo = highest;
        const page = await log.after(covered, upTo, segmentId, pageSize);
        for (const change of page) {
          if (change.seq <= covered) continue;
          covered = change.seq;
          yield change;
        }
        if (page.length < pageSize) covered = Math.max(covered, upTo);
        for (const seq of stash.keys()) if (seq <= covered) stash.delete(seq);
      }
      if (signal.aborted) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        wake = done;
        signal.addEventListener('abort', done);
      });
      wake = null;
      if (signal.aborted) return;
      if (stash.size === 0 && highest <= covered) highest = Math.max(highest, await log.head());
    }
  } finally {
    unsubscribe();
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
): AsyncIterableIterator<SegmentChangeRecord> {
  const controller = new AbortController();
  const inner = changesUntil(log, bus, segmentId, after, options, controller.signal);
  const outer: AsyncIterableIterator<SegmentChangeRecord> = {
    next: () => inner.next(),
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
