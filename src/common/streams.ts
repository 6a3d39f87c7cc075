/**
 * The items of `source` mapped one by one, in order; `return()` (the consumer stopping) and an error of
 * `map` end `source` too, so that nothing it holds (a bus subscription, a timer) outlives its consumer.
 */
export function mapStream<T, U>(
  source: AsyncIterator<T>,
  map: (item: T) => U | Promise<U>,
): AsyncIterableIterator<U> {
  const close = async () => {
    try {
      await source.return?.();
    } catch {
      // The error that stopped us matters more than one from closing the source.
    }
  };
  const mapped: AsyncIterableIterator<U> = {
    async next() {
      const result = await source.next();
      if (result.done) return { done: true, value: undefined };
      try {
        return { done: false, value: await map(result.value) };
      } catch (error) {
        await close();
        throw error;
      }
    },
    async return() {
      await close();
      return { done: true, value: undefined };
    },
    async throw(error) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]: () => mapped,
  };
  return mapped;
}
