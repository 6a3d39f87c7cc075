import { PortraitError } from '../../src/common/errors';
import { silentLogger } from '../../src/common/logger';
import type { Executor, TxRunner } from '../../src/db/executor';
import type { IdentityService } from '../../src/identity/identity.service';
import { defaultRulesConfig, toIdentityRules } from '../../src/identity/rules';
import type { IngestRepository } from '../../src/ingest/ingest.repository';
import { IngestService, type PrivacyDuties } from '../../src/ingest/ingest.service';
import { ProfileChanges } from '../../src/profiles/profile-changes';
import { track } from '../helpers/events';

/**
 * Ingestion's rounds with the database faked (the integration tests run them on Neo4j): what a storing round
 * that fails does to the requests it took.
 */
function serviceWith(
  claim: (messageIds: string[]) => Set<string>,
  settled: () => Promise<void> = async () => {},
) {
  const claims: string[][] = [];
  const repository = {
    claimEvents: async (_tx: TxRunner, events: Array<{ messageId: string }>) => {
      const ids = events.map((e) => e.messageId);
      claims.push(ids);
      return claim(ids);
    },
    upsertIdentifiers: async () => new Map(),
    writeTraits: async () => {},
    upsertLinks: async () => {},
    upsertCatalogue: async () => {},
    createInteractions: async () => {},
    linkInteractions: async () => {},
    recordCarriers: async () => {},
    markUnsettled: async () => {},
    dropUnsettled: async () => {},
  };
  const executor = {
    writeTx: <T>(_name: string, work: (tx: TxRunner) => Promise<T>) => work({} as TxRunner),
  };
  const rules = toIdentityRules(defaultRulesConfig());
  const identity = {
    rules: () => rules,
    stitch: async () => {
      await settled();
      return { settlement: { profiles: [], segmentChanges: [] } };
    },
  };
  const privacy: PrivacyDuties = { suppressed: async () => new Set(), recordFromEvents: async () => {} };
  const service = new IngestService(
    executor as unknown as Executor,
    repository as unknown as IngestRepository,
    identity as unknown as IdentityService,
    new ProfileChanges(),
    privacy,
    {
      clock: Date.now,
      maxEventBytes: 32_768,
      roundEvents: 100,
      roundIdentifiers: 1,
      concurrentRounds: 1,
      settleRetryMs: 10,
      settleBacklog: 1,
    },
    silentLogger,
  );
  return { service, claims };
}

const request = (user: string, messageId: string) => [track('Clicked', { userId: user, messageId })];

describe('ingestion rounds', () => {
  it('retries a failed round one request at a time, so only the request that fails alone is failed', async () => {
    const { service, claims } = serviceWith((ids) => {
      if (ids.includes('poison')) throw new Error('this request cannot be stored');
      return new Set(ids);
    });
    const outcomes = await Promise.allSettled([
      service.ingest(request('a', 'm-a')),
      service.ingest(request('b', 'poison')),
      service.ingest(request('c', 'm-c')),
    ]);
    expect(claims).toEqual([['m-a', 'poison', 'm-c'], ['m-a'], ['poison'], ['m-c']]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[0] as PromiseFulfilledResult<{ accepted: number }>).value.accepted).toBe(1);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('this request cannot be stored'));
  });

  it('fails every request of a round the database was too busy for, without retrying each', async () => {
    const busy = new PortraitError('TRANSIENT_ERROR', 'busy');
    const { service, claims } = serviceWith(() => {
      throw busy;
    });
    const outcomes = await Promise.allSettled([
      service.ingest(request('a', 'm-a')),
      service.ingest(request('b', 'm-b')),
    ]);
    expect(claims).toHaveLength(1);
    expect(outcomes).toEqual([
      { status: 'rejected', reason: busy },
      { status: 'rejected', reason: busy },
    ]);
  });

  it("counts a messageId sent by two requests of one round as the second one's duplicate", async () => {
    const { service, claims } = serviceWith((ids) => new Set(ids));
    const [first, second] = await Promise.all([
      service.ingest(request('a', 'same')),
      service.ingest(request('a', 'same')),
    ]);
    expect(claims).toEqual([['same']]);
    expect(first).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(second).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('answers a `stored` request before its profiles are settled, until the settling backlog is full', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const { service } = serviceWith(
      (ids) => new Set(ids),
      () => gate,
    );
    const done = new Set<string>();
    const send = (user: string, acknowledge?: 'stored' | 'settled') =>
      service
        .ingest(request(user, `m-${user}`), acknowledge ? { acknowledge } : {})
        .then(() => done.add(user));
    const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
    // The first settle round holds `a` and waits at the gate; `b` waits for a round (backlog: one identifier).
    void send('a', 'stored');
    await pause();
    void send('b', 'stored');
    await pause();
    expect([...done]).toEqual(['a', 'b']);
    // Beyond the backlog (1 identifier here), a `stored` request waits for its settle like a `settled` one.
    const c = send('c', 'stored');
    const d = send('d');
    await pause();
    expect([...done]).toEqual(['a', 'b']);
    open();
    await Promise.all([c, d]);
    expect([...done].sort()).toEqual(['a', 'b', 'c', 'd']);
    await service.idle();
  });
});
