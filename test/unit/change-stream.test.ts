import fc from 'fast-check';
import type { SegmentChangeRecord } from '../../src/profiles/profile-changes';
import { LocalChangeBus } from '../../src/segments/change-bus';
import { segmentChanges, type ChangeLog, type StreamOptions } from '../../src/segments/change-stream';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** The durable log in memory: commits take the next positions; reads are counted. */
class MemoryLog implements ChangeLog {
  readonly records: SegmentChangeRecord[] = [];
  reads = 0;

  commit(changes: Array<[segmentId: string, profileId: string]>): SegmentChangeRecord[] {
    const committed = changes.map(([segmentId, profileId], i) => ({
      seq: this.records.length + 1 + i,
      segmentId,
      profileId,
      change: 'ENTERED' as const,
      at: 0,
    }));
    this.records.push(...committed);
    return committed;
  }

  // Reads take a turn of the event loop, as a database's do, so that bus messages can arrive meanwhile.
  async head(): Promise<number> {
    await tick();
    return this.records.length;
  }

  async after(
    after: number,
    upTo: number,
    segmentId: string | null,
    first: number,
  ): Promise<SegmentChangeRecord[]> {
    this.reads += 1;
    await tick();
    return this.records
      .filter((r) => r.seq > after && r.seq <= upTo && (segmentId === null || r.segmentId === segmentId))
      .slice(0, first);
  }
}

/** Takes what `stream` yields until `count` arrived (a guard against hanging, not a speed check). */
async function take(stream: AsyncIterator<SegmentChangeRecord>, count: number): Promise<number[]> {
  const seqs: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 10_000)));
  try {
    while (seqs.length < count) {
      const next = await Promise.race([stream.next(), late]);
      if (next === 'late') throw new Error(`only ${seqs.length} of ${count} changes arrived: ${seqs}`);
      if (next.done) break;
      seqs.push(next.value.seq);
    }
    return seqs;
  } finally {
    clearTimeout(timer);
  }
}

describe('segmentChanges', () => {
  it('delivers live changes of its segment from the bus without reading the log', async () => {
    const log = new MemoryLog();
    const bus = new LocalChangeBus();
    log.commit([['a', 'p0']]);
    const stream = segmentChanges(log, bus, 'a', null, { pollMs: 60_000 });
    const first = stream.next();
    await tick();
    for (let i = 1; i <= 3; i += 1)
      await bus.publish(
        log.commit([
          ['a', `p${i}`],
          ['b', `q${i}`],
        ]),
      );
    const delivered = [(await first).value.seq, ...(await take(stream, 2))];
    expect(delivered).toEqual([2, 4, 6]);
    expect(log.reads).toBe(0);
    await stream.return?.();
  });

  it('costs a subscriber of one segment no wake-up and no read for changes of other segments', async () => {
    const log = new MemoryLog();
    const bus = new LocalChangeBus();
    const stream = segmentChanges(log, bus, 'a', null, { pollMs: 60_000 });
    let woken = false;
    const pending = stream.next().then(() => (woken = true));
    await tick();
    for (let i = 0; i < 50; i += 1) await bus.publish(log.commit([['b', `p${i}`]]));
    await tick();
    expect(woken).toBe(false);
    expect(log.reads).toBe(0);
    // And the next change of its own segment still comes straight from the bus.
    await bus.publish(log.commit([['a', 'mine']]));
    await pending;
    expect(log.reads).toBe(0);
    await stream.return?.();
  });

  it('reads from the log what the bus lost and what arrived out of order, in order', async () => {
    const log = new MemoryLog();
    const bus = new LocalChangeBus();
    const stream = segmentChanges(log, bus, null, null, { pollMs: 20 });
    const first = stream.next();
    await tick();
    log.commit([['a', 'lost']]); // never published
    const second = log.commit([['a', 'late']]);
    const third = log.commit([['b', 'early']]);
    await bus.publish(third);
    await bus.publish(second);
    expect([(await first).value.seq, ...(await take(stream, 2))]).toEqual([1, 2, 3]);
    await stream.return?.();
  });

  it('does not take a message with holes for the next positions', async () => {
    const log = new MemoryLog();
    const bus = new LocalChangeBus();
    const stream = segmentChanges(log, bus, null, null, { pollMs: 20 });
    const first = stream.next();
    await tick();
    const early = log.commit([['a', 'p1']]);
    log.commit([['a', 'lost']]);
    const late = log.commit([['a', 'p3']]);
    await bus.publish([...early, ...late]);
    expect([(await first).value.seq, ...(await take(stream, 2))]).toEqual([1, 2, 3]);
    await stream.return?.();
  });

  it('replays after a cursor, then streams live, with no gap and no duplicate across the switch', async () => {
    const log = new MemoryLog();
    const bus = new LocalChangeBus();
    for (let i = 0; i < 10; i += 1) log.commit([['a', `p${i}`]]);
    const stream = segmentChanges(log, bus, 'a', 4, { pageSize: 2, pollMs: 20 });
    const replayed = await take(stream, 3);
    // Commits while the replay is under way reach the stream through the bus too.
    for (let i = 10; i < 13; i += 1) await bus.publish(log.commit([['a', `p${i}`]]));
    expect([...replayed, ...(await take(stream, 6))]).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13]);
    await stream.return?.();
  });

  it('hands over the changes it holds ready at once, in order, and goes on with next() after them', async () => {
    const log = new MemoryLog();
    const bus = new LocalChangeBus();
    const stream = segmentChanges(log, bus, 'a', null, { pollMs: 60_000 });
    const first = stream.next();
    await tick();
    await bus.publish(log.commit(Array.from({ length: 6 }, (_, i) => [i % 3 ? 'a' : 'b', `p${i}`] as const)));
    expect((await first).value.seq).toBe(2);
    expect(stream.takeReady(2).map((change) => (change as SegmentChangeRecord).seq)).toEqual([3, 5]);
    expect((await stream.next()).value.seq).toBe(6);
    expect(stream.takeReady(10)).toEqual([]);
    const later = stream.next();
    await bus.publish(log.commit([['a', 'p6']]));
    expect((await later).value.seq).toBe(7);
    await bus.publish(
      log.commit([
        ['a', 'p7'],
        ['a', 'p8'],
      ]),
    );
    expect(stream.takeReady(10).map((change) => (change as SegmentChangeRecord).seq)).toEqual([8, 9]);
    await stream.return?.();
    expect(stream.takeReady(10)).toEqual([]);
  });

  it('ends at once when its consumer stops, and leaves the bus', async () => {
    const log = new MemoryLog();
    const bus = new LocalChangeBus();
    const stream = segmentChanges(log, bus, 'a', null, { pollMs: 60_000 });
    const pending = stream.next();
    await tick();
    await stream.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect((bus as unknown as { listeners: Set<unknown> }).listeners.size).toBe(0);
  });

  it('delivers every change after its start exactly once and in order, whatever the bus does', async () => {
    type Step =
      | { kind: 'commit'; changes: string[]; fate: 'publish' | 'lose' | 'twice' | 'hold' }
      | { kind: 'release' };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        kind: fc.constant('commit' as const),
        changes: fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 4 }),
        fate: fc.constantFrom('publish', 'lose', 'twice', 'hold'),
      }),
      fc.constant({ kind: 'release' as const }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 25 }),
        fc.constantFrom<string | null>('a', 'b', null),
        fc.option(fc.nat(6)),
        fc.nat(8),
        fc.record({ stashLimit: fc.integer({ min: 1, max: 6 }), pageSize: fc.integer({ min: 1, max: 4 }) }),
        // How many changes the consumer takes ready after each one it awaits (0: it only awaits).
        fc.nat(3),
        async (steps, segmentId, after, before, sizes, batch) => {
          const log = new MemoryLog();
          const bus = new LocalChangeBus();
          for (let i = 0; i < before; i += 1) log.commit([[i % 2 ? 'a' : 'b', `old${i}`]]);
          const start = after === null ? before : Math.min(after, before);
          const options: StreamOptions = { ...sizes, pollMs: 5 };
          const stream = segmentChanges(log, bus, segmentId, after === null ? null : start, options);
          const received: number[] = [];
          let stopped = false;
          const consumer = (async () => {
            for (let next = await stream.next(); !next.done; next = await stream.next()) {
              received.push(next.value.seq);
              if (stopped) break;
              for (const ready of stream.takeReady(batch)) received.push((await ready).seq);
            }
          })();
          await tick();
          const held: SegmentChangeRecord[][] = [];
          for (const s of steps) {
            if (s.kind === 'release') {
              // Late, and all in one message: with holes where other commits came between.
              await bus.publish(held.flat());
              held.length = 0;
            } else {
              const records = log.commit(
                s.changes.map((segment, i) => [segment, `p${log.records.length + i}`]),
              );
              if (s.fate === 'publish') await bus.publish(records);
              if (s.fate === 'twice') {
                await bus.publish(records);
                await bus.publish(records);
              }
              if (s.fate === 'hold') held.push(records);
            }
            if (s.kind === 'release' || s.fate !== 'hold') await tick();
          }
          for (const message of held.reverse()) await bus.publish(message);
          const expected = log.records
            .filter((r) => r.seq > start && (segmentId === null || r.segmentId === segmentId))
            .map((r) => r.seq);
          const deadline = Date.now() + 5_000;
          while (received.length < expected.length && Date.now() < deadline) await tick();
          // Anything extra would show up now.
          await new Promise((resolve) => setTimeout(resolve, 15));
          stopped = true;
          await stream.return?.();
          await consumer;
          expect(received).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
