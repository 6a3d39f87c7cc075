import { createClient, type Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import type { SegmentChangeRecord } from '../../src/profiles/profile-changes';
import { changeChannel } from '../../src/segments/change-bus';
import { identify } from '../helpers/events';
import { unique } from '../helpers/neo4j';
import { startTestServer, type TestServer } from '../helpers/server';

interface Change {
  cursor: string;
  profileId: string;
  change: 'ENTERED' | 'EXITED';
  segment: { id: string; name: string };
}

const SUBSCRIPTION = `subscription ($segmentId: ID, $after: String) {
  segmentMembershipChanged(segmentId: $segmentId, after: $after) { cursor profileId change at segment { id name } }
}`;

/** Subscribes with the official graphql-ws client and collects what arrives. */
function watch(client: Client, variables: Record<string, unknown>) {
  const received: Change[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<{ segmentMembershipChanged: Change }>(
    { query: SUBSCRIPTION, variables },
    {
      next: (message) => {
        if (message.errors) errors.push(...message.errors);
        if (message.data) received.push(message.data.segmentMembershipChanged);
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return { received, errors, stop };
}

/** Waits until `check` holds (a guard against hanging, not a speed test). */
async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let server: TestServer;
const clients: Client[] = [];
const client = (url = server.websocketUrl, key = server.adminKey) => {
  const c = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: { authorization: `Bearer ${key}` },
  });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await server.portrait.services.jobs.idle();
  await server.close();
});

async function segmentFor(cohort: string) {
  const { segment } = await server.portrait.services.segments.create(`${cohort} gold`, {
    all: [
      { trait: 'cohort', eq: cohort },
      { trait: 'plan', eq: 'gold' },
    ],
  });
  await server.portrait.services.jobs.idle();
  return segment;
}

const setPlan = (cohort: string, user: string, plan: string, day: number) =>
  server.portrait.services.ingest.ingest([identify({ userId: user, traits: { cohort, plan }, day })]);

describe('segmentMembershipChanged over graphql-ws', () => {
  it('streams entries and exits live as events are ingested', async () => {
    const u = unique('live');
    const segment = await segmentFor(u);
    const sub = watch(client(), { segmentId: segment.id });
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the subscription start
    await setPlan(u, `${u}-a`, 'gold', 1);
    await setPlan(u, `${u}-a`, 'silver', 2);
    await until(() => sub.received.length >= 2, 'two changes');
    expect(sub.received.map((c) => [c.change, c.segment.id])).toEqual([
      ['ENTERED', segment.id],
      ['EXITED', segment.id],
    ]);
    expect(Number(sub.received[1]!.cursor)).toBeGreaterThan(Number(sub.received[0]!.cursor));
    sub.stop();
  });

  it('resumes after a disconnect from the last cursor with no gap and no duplicate', async () => {
    const u = unique('resume');
    const segment = await segmentFor(u);
    const first = client();
    const before = watch(first, { segmentId: segment.id });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await setPlan(u, `${u}-1`, 'gold', 1);
    await until(() => before.received.length === 1, 'the first change');
    const cursor = before.received[0]!.cursor;
    before.stop();
    await first.dispose();

    // While nobody listens: three more changes.
    await setPlan(u, `${u}-2`, 'gold', 2);
    await setPlan(u, `${u}-1`, 'bronze', 3);
    await setPlan(u, `${u}-3`, 'gold', 4);

    const after = watch(client(), { segmentId: segment.id, after: cursor });
    await until(() => after.received.length === 3, 'the replayed changes');
    await setPlan(u, `${u}-2`, 'silver', 5); // and one live after the replay
    await until(() => after.received.length === 4, 'the live change after the replay');
    const id = async (user: string) =>
      (
        await server.gql<{ profile: { id: string } }>(
          `{ profile(identifier: { namespace: "user_id", value: "${user}" }) { id } }`,
        )
      ).body.data!.profile.id;
    expect(after.received.map((c) => [c.profileId, c.change])).toEqual([
      [await id(`${u}-2`), 'ENTERED'],
      [await id(`${u}-1`), 'EXITED'],
      [await id(`${u}-3`), 'ENTERED'],
      [await id(`${u}-2`), 'EXITED'],
    ]);
    const cursors = after.received.map((c) => Number(c.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
    expect(new Set(cursors).size).toBe(4);
    expect(cursors[0]).toBeGreaterThan(Number(cursor));
    after.stop();
  });

  it('streams every segment when segmentId is null', async () => {
    const u = unique('all');
    const one = await segmentFor(`${u}-x`);
    const two = await segmentFor(`${u}-y`);
    const sub = watch(client(), {});
    await new Promise((resolve) => setTimeout(resolve, 200));
    await setPlan(`${u}-x`, `${u}-1`, 'gold', 1);
    await setPlan(`${u}-y`, `${u}-2`, 'gold', 1);
    await until(
      () => sub.received.filter((c) => [one.id, two.id].includes(c.segment.id)).length === 2,
      'both segments',
    );
    sub.stop();
  });

  it('answers an unknown segment and a bad cursor with typed errors', async () => {
    const unknown = watch(client(), { segmentId: 'seg-none' });
    await until(() => unknown.errors.length > 0, 'an error');
    expect(unknown.errors[0]).toMatchObject({
      message: 'no segment seg-none',
      extensions: { code: 'NOT_FOUND' },
    });
    const badCursor = watch(client(), { after: 'yesterday' });
    await until(() => badCursor.errors.length > 0, 'an error');
    expect(badCursor.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
  });

  it('records the start of each subscription in the audit log, a refused one with its code', async () => {
    const u = unique('audited');
    const segment = await segmentFor(u);
    const tracker = await server.createKey('tracker');
    const trackerId = /^pk_([0-9a-f]{16})_/.exec(tracker)![1]!;
    const allowed = watch(client(), { segmentId: segment.id });
    const refused = watch(client(server.websocketUrl, tracker), { segmentId: segment.id });
    await until(() => refused.errors.length > 0, 'the refusal');
    expect(refused.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await setPlan(u, `${u}-a`, 'gold', 1);
    await until(() => allowed.received.length === 1, 'the change');
    allowed.stop();
    const page = await server.portrait.services.audit.page(
      100,
      null,
      null,
      'Subscription.segmentMembershipChanged',
    );
    const entries = page.edges.map((e) => e.node).filter((e) => e.target?.includes(segment.id));
    expect(entries.map((e) => [e.actor === trackerId ? 'tracker' : e.role, e.outcome]).sort()).toEqual([
      ['admin', 'ok'],
      ['tracker', 'FORBIDDEN'],
    ]);
  });
});

describe('two API instances with Redis', () => {
  let second: TestServer;
  let third: TestServer;
  beforeAll(async () => {
    second = await startTestServer({ REDIS_URL: 'redis://127.0.0.1:6379' });
    third = await startTestServer({ REDIS_URL: 'redis://127.0.0.1:6379' });
  });
  afterAll(async () => {
    await second.close();
    await third.close();
  });

  it('fans changes committed on one instance out to subscribers of the other', async () => {
    const u = unique('fan');
    const onBus: SegmentChangeRecord[] = [];
    const off = third.portrait.services.bus.subscribe((changes) => onBus.push(...changes));
    const { segment } = await second.portrait.services.segments.create(`${u} gold`, {
      all: [
        { trait: 'cohort', eq: u },
        { trait: 'plan', eq: 'gold' },
      ],
    });
    await second.portrait.services.jobs.idle();
    const sub = watch(client(third.websocketUrl), { segmentId: segment.id });
    await new Promise((resolve) => setTimeout(resolve, 200));

    const response = await second.post('/v1/identify', {
      userId: `${u}-1`,
      messageId: `${u}-m1`,
      traits: { cohort: u, plan: 'gold' },
    });
    expect(response.status).toBe(200);
    await until(() => sub.received.length === 1, 'the change on the other instance');
    expect(sub.received[0]).toMatchObject({ change: 'ENTERED', segment: { id: segment.id } });
    // It came through Redis: the other instance's bus saw the commit of the first.
    expect(onBus.filter((c) => c.segmentId === segment.id).map((c) => c.change)).toEqual(['ENTERED']);
    off();
    sub.stop();
  });

  it('listens only to the channel of its own database, whose change log the positions belong to', async () => {
    const u = unique('channel');
    const [info] = await server.portrait.services.executor.read({
      name: 'test.dbInfo',
      text: 'CALL db.info() YIELD id RETURN id',
    });
    const onBus: SegmentChangeRecord[] = [];
    const off = third.portrait.services.bus.subscribe((changes) => onBus.push(...changes));
    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      const record = (profileId: string): SegmentChangeRecord => ({
        seq: 1e9,
        segmentId: `${u}-seg`,
        profileId,
        change: 'ENTERED',
        at: Date.now(),
      });
      // Another Portrait on the same Redis, over another database: its positions mean nothing here.
      await redis.publish(changeChannel('another-database'), JSON.stringify([record('foreign')]));
      await redis.publish(changeChannel(info!.id as string), JSON.stringify([record('own')]));
      await until(() => onBus.length > 0, 'the message on our channel');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(onBus.map((c) => c.profileId)).toEqual(['own']);
    } finally {
      off();
      redis.disconnect();
    }
  });
});
