/** The stream `mapStream` made, by what it maps: a map of it then maps its source once (see mapStream). */
const maps = new WeakMap<object, { source: AsyncIterator<unknown>; map: (item: never) => unknown }>();

const DONE = Object.freeze({ done: true as const, value: undefined });

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * A stream that can also hand over the items it holds ready, the ones `next()` would give without waiting,
 * many in one call: a consumer of a burst (a subscriber of a segment getting a round's changes) then pays a call
 * for it, not a promise and an iterator step per item. `next()` and `takeReady()` share one order; a consumer
 * calls `takeReady()` only while no `next()` of its is pending.
 */
export interface ReadyStream<T> extends AsyncIterableIterator<T> {
  /**
   * At most `most` of the items ready now, in order, taken from the stream. A mapped item may be a promise (the
   * map's own, as it returned it): should one reject, the consumer ends the stream (`return()`), as it would stop
   * after any error.
   */
  takeReady(most: number): Array<T | Promise<T>>;
}

export function isReadyStream<T>(stream: AsyncIterator<T>): stream is ReadyStream<T> {
  return typeof (stream as Partial<ReadyStream<T>>).takeReady === 'function';
}

/**
 * The items of `source` mapped one by one, in order; `return()` (the consumer stopping) and an error of
 * `map` end `source` too, so that nothing it holds (a bus subscription, a timer) outlives its consumer.
 *
 * Built for streams that carry thousands of items a second to each of many subscribers: an item costs one
 * promise (two when `map` returns one), not an async function's and its awaits per layer, and a map of a stream
 * `mapStream` made is one stream over that stream's source with both maps (a subscription's changes are mapped
 * by the resolver and again by the shared execution). The map of a ReadyStream is one too.
 */
export function mapStream<T, U>(
  source: AsyncIterator<T>,
  map: (item: T) => U | Promise<U>,
): AsyncIterableIterator<U> {
  const inner = maps.get(source) as
    { source: AsyncIterator<unknown>; map: (item: unknown) => T | Promise<T> } | undefined;
  if (inner) {
    const first = inner.map;
    return mapStream(inner.source, (item): U | Promise<U> => {
      const value = first(item);
      return isThenable(value) ? Promise.resolve(value).then(map) : map(value);
    });
  }
  const close = async () => {
    try {
      await source.return?.();
    } catch {
      // The error that stopped us matters more than one from closing the source.
    }
  };
  const failed = async (error: unknown): Promise<never> => {
    await close();
    throw error;
  };
  const step = (result: IteratorResult<T>): IteratorResult<U> | Promise<IteratorResult<U>> => {
    if (result.done) return DONE;
    let value: U | Promise<U>;
    try {
      value = map(result.value);
    } catch (error) {
      return failed(error);
    }
    if (!isThenable(value)) return { done: false, value };
    return Promise.resolve(value).then((mapped) => ({ done: false, value: mapped }), failed);
  };
  const mapped: AsyncIterableIterator<U> = {
    next: () => source.next().then(step),
    async return() {
      await close();
      return DONE;
    },
    throw: failed,
    [Symbol.asyncIterator]: () => mapped,
  };
  if (isReadyStream(source)) {
    (mapped as ReadyStream<U>).takeReady = (most) => {
      const values: Array<U | Promise<U>> = [];
      for (const item of source.takeReady(most)) {
        try {
          // The map's promise as it is, not one made for this stream: a result shared by many subscribers then
          // costs each of them nothing until it awaits it (see ReadyStream for a promise that rejects).
          const value = isThenable(item) ? Promise.resolve(item).then(map) : map(item);
          values.push(isThenable(value) ? Promise.resolve(value) : value);
        } catch (error) {
          // What follows a failed item is not delivered: the stream ends with its error.
          values.push(failed(error));
          break;
        }
      }
      return values;
    };
  }
  maps.set(mapped, { source, map });
  return mapped;
}
