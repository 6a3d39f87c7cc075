import { GroupCommit, ItemFailed } from '../../src/common/group-commit';

/** A round that records what it was given and waits until released. */
function gatedRounds() {
  const rounds: number[][] = [];
  const gates: Array<() => void> = [];
  const round = async (items: readonly number[]) => {
    rounds.push([...items]);
    await new Promise<void>((release) => gates.push(release));
    return items.map((n) => n * 10);
  };
  return { rounds, gates, round };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('takes what was queued while a round ran into the next round, one round at a time', async () => {
    const { rounds, gates, round } = gatedRounds();
    const group = new GroupCommit(round, 100);
    const first = group.submit(1);
    await settle();
    const rest = [2, 3, 4].map((n) => group.submit(n));
    await settle();
    expect(rounds).toEqual([[1]]);
    expect(group.waiting).toBe(3);
    gates[0]!();
    await expect(first).resolves.toBe(10);
    await settle();
    expect(rounds).toEqual([[1], [2, 3, 4]]);
    gates[1]!();
    await expect(Promise.all(rest)).resolves.toEqual([20, 30, 40]);
    await group.idle();
  });

  it('submissions of one tick share the first round', async () => {
    const { rounds, gates, round } = gatedRounds();
    const group = new GroupCommit(round, 100);
    const all = Promise.all([1, 2, 3].map((n) => group.submit(n)));
    await settle();
    gates[0]!();
    await expect(all).resolves.toEqual([10, 20, 30]);
    expect(rounds).toEqual([[1, 2, 3]]);
  });

  it('runs up to `concurrency` rounds at once; what comes meanwhile waits for a free one', async () => {
    const { rounds, gates, round } = gatedRounds();
    const group = new GroupCommit(round, 100, () => 1, 2);
    const first = group.submit(1);
    await settle();
    const second = group.submit(2);
    await settle();
    const rest = [3, 4].map((n) => group.submit(n));
    await settle();
    expect(rounds).toEqual([[1], [2]]);
    gates[1]!();
    await expect(second).resolves.toBe(20);
    await settle();
    expect(rounds).toEqual([[1], [2], [3, 4]]);
    gates[0]!();
    gates[2]!();
    await expect(Promise.all([first, ...rest])).resolves.toEqual([10, 30, 40]);
    let idle = false;
    void group.idle().then(() => (idle = true));
    await settle();
    expect(idle).toBe(true);
  });

  it('keeps a round within the size limit, but always takes at least one item', async () => {
    const rounds: number[][] = [];
    const group = new GroupCommit(
      async (items: readonly number[]) => {
        rounds.push([...items]);
        return items;
      },
      5,
      (n) => n,
    );
    await Promise.all([2, 2, 2, 9, 1].map((n) => group.submit(n)));
    expect(rounds).toEqual([[2, 2], [2], [9], [1]]);
  });

  it('counts the size of what waits for a round, and not what a round took', async () => {
    const { gates, round } = gatedRounds();
    const group = new GroupCommit(round, 5, (n) => n);
    expect(group.waitingSize).toBe(0);
    const first = group.submit(4);
    expect(group.waitingSize).toBe(4);
    await settle();
    expect(group.waitingSize).toBe(0);
    const rest = [3, 2, 6].map((n) => group.submit(n));
    expect(group.waitingSize).toBe(11);
    gates[0]!();
    await first;
    await settle();
    expect(group.waitingSize).toBe(6);
    gates[1]!();
    await settle();
    expect(group.waitingSize).toBe(0);
    gates[2]!();
    await expect(Promise.all(rest)).resolves.toEqual([30, 20, 60]);
  });

  it('rejects the callers of a failed round only, and goes on with the next', async () => {
    let calls = 0;
    const group = new GroupCommit(async (items: readonly string[]) => {
      calls += 1;
      if (calls === 1) throw new Error('round failed');
      return items.map((s) => s.toUpperCase());
    }, 1);
    const outcomes = await Promise.allSettled(['a', 'b'].map((s) => group.submit(s)));
    expect(outcomes).toEqual([
      { status: 'rejected', reason: new Error('round failed') },
      { status: 'fulfilled', value: 'B' },
    ]);
  });

  it('rejects an item the round marked as failed alone, and resolves its neighbours', async () => {
    const group = new GroupCommit(
      async (items: readonly string[]) =>
        items.map((s) => (s === 'bad' ? new ItemFailed(new Error(`${s} refused`)) : s)),
      10,
    );
    const outcomes = await Promise.allSettled(['a', 'bad', 'c'].map((s) => group.submit(s)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('bad refused'));
  });

  it('a round that throws before its first await still leaves the queue working', async () => {
    const group = new GroupCommit((items: readonly number[]) => {
      if (items.includes(0)) throw new Error('at once');
      return Promise.resolve(items);
    }, 10);
    await expect(group.submit(0)).rejects.toThrow('at once');
    await expect(group.submit(1)).resolves.toBe(1);
  });

  it('a round that returns too few results fails its callers', async () => {
    const group = new GroupCommit(async () => [1], 10);
    const outcomes = await Promise.allSettled([group.submit(1), group.submit(2)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });
});
