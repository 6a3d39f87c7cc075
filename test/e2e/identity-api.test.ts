import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { track } from '../helpers/events';
import { unique } from '../helpers/neo4j';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.portrait.services.identity.setRules({});
  await server.portrait.services.jobs.idle();
  await server.close();
});

describe('identity over GraphQL', () => {
  it('explains a merge with identityPath and shows it in mergeHistory', async () => {
    const u = unique('api');
    await server.portrait.services.ingest.ingest([track('Browse', { anonymousId: `${u}-a`, day: 1 })]);
    const login = track('Login', { userId: u, anonymousId: `${u}-a`, day: 2 });
    await server.portrait.services.ingest.ingest([track('Other', { userId: u, day: 1, minute: 30 })]);
    await server.portrait.services.ingest.ingest([login]);
    const { body } = await server.gql<{
      identityPath: unknown[];
      profile: { id: string; mergedIds: string[]; mergeHistory: unknown[] };
    }>(
      `query ($u: String!, $a: String!) {
        identityPath(from: { namespace: "user_id", value: $u }, to: { namespace: "anonymous_id", value: $a }) {
          from { namespace value kind } to { namespace value } messageId at rule
        }
        profile(identifier: { namespace: "user_id", value: $u }) { id mergedIds mergeHistory { kind otherId messageId eventAt } }
      }`,
      { u, a: `${u}-a` },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.identityPath).toEqual([
      {
        from: { namespace: 'user_id', value: u, kind: 'ACCOUNT' },
        to: { namespace: 'anonymous_id', value: `${u}-a` },
        messageId: login.messageId,
        at: login.timestamp,
        rule: 'same-event',
      },
    ]);
    const profile = body.data!.profile;
    expect(profile.mergeHistory).toEqual([
      { kind: 'MERGED', otherId: profile.mergedIds[0], messageId: login.messageId, eventAt: login.timestamp },
    ]);
    // The merged-away id reads the survivor, with the parts a profile view reads in its one statement.
    const merged = await server.gql<{ profile: { id: string; identifiers: Array<{ value: string }> } }>(
      'query ($id: ID!) { profile(id: $id) { id identifiers { value } interactions(first: 5) { edges { node { event } } } } }',
      { id: profile.mergedIds[0] },
    );
    expect(merged.body.errors).toBeUndefined();
    expect(merged.body.data!.profile.id).toBe(profile.id);
    expect(merged.body.data!.profile.identifiers.map((i) => i.value).sort()).toEqual([`${u}-a`, u].sort());
  });

  it('returns null for identifiers of different profiles', async () => {
    const u = unique('apart');
    await server.portrait.services.ingest.ingest([
      track('x', { userId: `${u}-1` }),
      track('y', { userId: `${u}-2` }),
    ]);
    const { body } = await server.gql(
      `query ($a: String!, $b: String!) { identityPath(from: { namespace: "user_id", value: $a }, to: { namespace: "user_id", value: $b }) { rule } }`,
      { a: `${u}-1`, b: `${u}-2` },
    );
    expect(body).toEqual({ data: { identityPath: null } });
  });

  it('validates rules with BAD_USER_INPUT naming each path, and reports rules, jobs and health', async () => {
    const bad = await server.gql(
      `mutation { setIdentityRules(rules: { sharedAfterAccounts: 0 }) { rules { sharedAfterAccounts } } }`,
    );
    expect(bad.body.errors?.[0]).toMatchObject({
      path: ['setIdentityRules'],
      extensions: {
        code: 'BAD_USER_INPUT',
        problems: [{ path: 'rules.sharedAfterAccounts', message: expect.any(String) }],
      },
    });
    const good = await server.gql<{
      setIdentityRules: { rules: { sharedAfterAccounts: number }; job: { id: string; kind: string } };
    }>(
      `mutation { setIdentityRules(rules: { sharedAfterAccounts: 4 }) { rules { sharedAfterAccounts namespaces { namespace limit } } job { id kind state } } }`,
    );
    expect(good.body.data!.setIdentityRules.rules.sharedAfterAccounts).toBe(4);
    await server.portrait.services.jobs.idle();
    const read = await server.gql<{
      identityRules: { sharedAfterAccounts: number };
      job: { state: string };
      identityHealth: Record<string, unknown>;
    }>(
      `query ($id: ID!) {
        identityRules { sharedAfterAccounts }
        job(id: $id) { state progress }
        identityHealth { profiles identifiers shared conflicted merged largestProfiles(first: 3) { profileId identifiers } sharedIdentifiers { profiles } conflictedIdentifiers { identifier { value conflicts } } }
      }`,
      { id: good.body.data!.setIdentityRules.job.id },
    );
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data!.identityRules.sharedAfterAccounts).toBe(4);
    expect(read.body.data!.job.state).toBe('SUCCEEDED');
    expect(read.body.data!.identityHealth).toMatchObject({
      profiles: expect.any(Number),
      largestProfiles: expect.any(Array),
    });
  });

  it('applies IDENTITY_RULES_FILE at start-up and refuses to start with an invalid one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portrait-rules-'));
    const good = join(dir, 'rules.json');
    writeFileSync(
      good,
      JSON.stringify({ namespaces: [{ namespace: 'member_no', kind: 'ACCOUNT', limit: 1, priority: 2 }] }),
    );
    const second = await startTestServer({ IDENTITY_RULES_FILE: good });
    try {
      expect(second.portrait.services.identity.rulesConfig().namespaces.map((n) => n.namespace)).toContain(
        'member_no',
      );
    } finally {
      await second.portrait.services.jobs.idle();
      await second.close();
    }
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ namespaces: [{ namespace: 'x', kind: 'PERSON', limit: 1, priority: 1 }] }),
    );
    await expect(startTestServer({ IDENTITY_RULES_FILE: bad })).rejects.toThrow(/rules\.namespaces\.0\.kind/);
  });
});
