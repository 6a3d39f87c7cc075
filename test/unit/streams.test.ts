import { isReadyStream, mapStream, type ReadyStream } from '../../src/common/streams';
import { readySource } from '../helpers/streams';

/** A source that yields `items` and records whether it was closed. */
function source<T>(items: T[]) {
  let closed = 0;
  async function* generate(): AsyncGenerator<T> {
    try {
      for (const item of items) yield item;
    } finally {
      closed += 1;
    }
  }
  return { stream: generate(), closedTimes: () => closed };
}

async function drain<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

describe('mapStream', () => {
  it('maps every item in order, with maps that return values and maps that return promises', async () => {
    expect(await drain(mapStream(source([1, 2, 3]).stream, (x) => x * 10))).toEqual([10, 20, 30]);
    const slow = mapStream(source([1, 2, 3]).stream, async (x) => {
      await new Promise((resolve) => setTimeout(resolve, 4 - x));
      return `#${x}`;
    });
    expect(await drain(slow)).toEqual(['#1', '#2', '#3']);
  });

  it('maps a mapped stream with both maps, in order, as one stream over the first source', async () => {
    const { stream, closedTimes } = source([1, 2, 3]);
    const once = mapStream(stream, (x) => x + 1);
    const twice = mapStream(once, async (x) => x * 100);
    const thrice = mapStream(twice, (x) => `${x}!`);
    // The streams in between are not stepped through: the last one reads the source itself.
    const between = [jest.spyOn(once, 'next'), jest.spyOn(twice, 'next')];
    expect(await drain(thrice)).toEqual(['200!', '300!', '400!']);
    expect(closedTimes()).toBe(1);
    for (const spy of between) expect(spy).not.toHaveBeenCalled();
  });

  it('ends the source when the consumer stops, through every map', async () => {
    const { stream, closedTimes } = source([1, 2, 3, 4]);
    const mapped = mapStream(
      mapStream(stream, (x) => x * 2),
      (x) => x + 1,
    );
    const seen: number[] = [];
    for await (const item of mapped) {
      seen.push(item);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual([3, 5]);
    expect(closedTimes()).toBe(1);
    expect(await mapped.next()).toEqual({ done: true, value: undefined });
  });

  it('ends the source and rejects when a map throws or rejects, in the first map or a later one', async () => {
    for (const [first, second] of [
      [
        (x: number) => {
          if (x === 2) throw new Error('bad 2');
          return x;
        },
        (x: number) => x,
      ],
      [(x: number) => x, async (x: number) => (x === 2 ? Promise.reject(new Error('bad 2')) : x)],
    ] as const) {
      const { stream, closedTimes } = source([1, 2, 3]);
      const mapped = mapStream(mapStream(stream, first), second);
      expect(await mapped.next()).toEqual({ done: false, value: 1 });
      await expect(mapped.next()).rejects.toThrow('bad 2');
      expect(closedTimes()).toBe(1);
    }
  });

  it('return() and throw() end the source', async () => {
    const a = source([1]);
    const mappedA = mapStream(a.stream, (x) => x);
    await mappedA.next();
    expect(await mappedA.return?.()).toEqual({ done: true, value: undefined });
    expect(a.closedTimes()).toBe(1);
    const b = source([1, 2]);
    const mappedB = mapStream(b.stream, (x) => x);
    await mappedB.next();
    await expect(mappedB.throw?.(new Error('stop'))).rejects.toThrow('stop');
    expect(b.closedTimes()).toBe(1);
  });

  it('maps what a ready stream holds ready, in order, without stepping it, through every map', async () => {
    const { stream, nexts } = readySource([1, 2, 3, 4, 5]);
    const mapped = mapStream(
      mapStream(stream, (x) => x * 10),
      (x) => (x % 20 === 0 ? Promise.resolve(`${x}`) : `${x}`),
    );
    if (!isReadyStream(mapped)) throw new Error('the map of a ready stream is not one');
    const first = mapped.takeReady(2);
    expect(first).toEqual(['10', expect.any(Promise)]);
    expect(await Promise.all(first)).toEqual(['10', '20']);
    expect((await mapped.next()).value).toBe('30');
    expect(await Promise.all(mapped.takeReady(10))).toEqual(['40', '50']);
    expect(mapped.takeReady(10)).toEqual([]);
    expect(nexts()).toBe(1);
    expect(isReadyStream(mapStream(source([1]).stream, (x) => x))).toBe(false);
  });

  it('ends a ready stream, with the error in place of the item, when the map of a taken item throws', async () => {
    const { stream, closedTimes } = readySource([1, 2, 3]);
    const taken = (
      mapStream(stream, (x: number) => {
        if (x === 2) throw new Error('bad 2');
        return x;
      }) as ReadyStream<number>
    ).takeReady(10);
    expect(taken).toHaveLength(2);
    expect(taken[0]).toBe(1);
    await expect(taken[1]).rejects.toThrow('bad 2');
    expect(closedTimes()).toBe(1);
  });

  it("hands over a map's promises as they are, and leaves a rejected one to its consumer", async () => {
    const shared = [Promise.resolve(10), Promise.reject(new Error('bad 2')), Promise.resolve(30)];
    const { stream, closedTimes } = readySource([0, 1, 2]);
    const taken = (mapStream(stream, (x: number) => shared[x]!) as ReadyStream<number>).takeReady(10);
    expect(taken.every((item, i) => item === shared[i])).toBe(true);
    await expect(taken[1]).rejects.toThrow('bad 2');
    expect(closedTimes()).toBe(0);
  });
});
