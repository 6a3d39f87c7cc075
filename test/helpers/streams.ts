import type { ReadyStream } from '../../src/common/streams';

/** A stream of `items`, all ready from the start, that counts its `next()` calls and records being closed. */
export function readySource<T>(items: T[]) {
  const left = [...items];
  let closed = 0;
  let nexts = 0;
  const stream: ReadyStream<T> = {
    next: async () => {
      nexts += 1;
      return left.length > 0 ? { done: false, value: left.shift()! } : { done: true, value: undefined };
    },
    takeReady: (most) => left.splice(0, most),
    return: async () => {
      closed += 1;
      left.length = 0;
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => stream,
  };
  return { stream, closedTimes: () => closed, nexts: () => nexts };
}
