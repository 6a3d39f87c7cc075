import fc from 'fast-check';
import { defaultIdentityRules, ruleFor, splitKey, type IdentityRules } from '../../src/identity/namespaces';
import {
  partition,
  planProfiles,
  type StitchLink,
  type StitchNode,
  type StitchProfile,
} from '../../src/identity/stitching';

const rules = defaultIdentityRules();

/** A component from links written as "user_id:u1 ~ anonymous_id:a1 @ 3" (time 3; messageId = the text). */
function component(spec: string[], profileOf: Record<string, string> = {}) {
  const nodes = new Map<string, StitchNode>();
  const links: StitchLink[] = [];
  const node = (key: string, at: number) => {
    const { namespace } = splitKey(key);
    const existing = nodes.get(key);
    nodes.set(key, {
      key,
      namespace,
      kind: ruleFor(rules, namespace).kind,
      firstSeen: Math.min(existing?.firstSeen ?? Infinity, at),
      blocked: false,
      shared: false,
      profileId: profileOf[key] ?? null,
      linksComplete: true,
      stored: { kind: ruleFor(rules, namespace).kind, blocked: false, conflicts: 0 },
    });
  };
  for (const line of spec) {
    const [pair, time] = line.split(' @ ').map((s) => s.trim());
    const [a, b] = pair!.split('~').map((s) => s.trim());
    const at = Number(time ?? 0);
    node(a!, at);
    node(b!, at);
    links.push({ a: a! < b! ? a! : b!, b: a! < b! ? b! : a!, at, messageId: line });
  }
  return { nodes, links };
}

function groupsOf(spec: string[], r: IdentityRules = rules): string[][] {
  const { nodes, links } = component(spec);
  return partition(nodes, links, r).groups;
}

describe('stitching scenarios', () => {
  it('anonymous browsing then login: one profile', () => {
    expect(groupsOf(['anonymous_id:a1 ~ anonymous_id:a1 @ 1', 'user_id:u1 ~ anonymous_id:a1 @ 5'])).toEqual([
      ['anonymous_id:a1', 'user_id:u1'],
    ]);
  });

  it('one person on phone and laptop: both devices join the account', () => {
    expect(
      groupsOf([
        'user_id:u1 ~ anonymous_id:phone @ 1',
        'user_id:u1 ~ anonymous_id:laptop @ 2',
        'user_id:u1 ~ device_id:d-phone @ 1',
      ]),
    ).toEqual([['anonymous_id:laptop', 'anonymous_id:phone', 'device_id:d-phone', 'user_id:u1']]);
  });

  it('two accounts sharing an email stay two profiles; the email stays with the account seen first with it', () => {
    expect(groupsOf(['user_id:u2 ~ email:family@x.com @ 2', 'user_id:u1 ~ email:family@x.com @ 1'])).toEqual([
      ['email:family@x.com', 'user_id:u1'],
      ['user_id:u2'],
    ]);
  });

  it('a family tablet used by four accounts is shared: it bridges none of them', () => {
    const spec = [
      'user_id:u1 ~ device_id:tab @ 1',
      'user_id:u2 ~ device_id:tab @ 2',
      'user_id:u3 ~ device_id:tab @ 3',
      'user_id:u4 ~ device_id:tab @ 4',
    ];
    const { nodes, links } = component(spec);
    const part = partition(nodes, links, rules);
    expect(part.shared).toEqual(new Set(['device_id:tab']));
    expect(part.groups).toEqual([['user_id:u1'], ['user_id:u2'], ['user_id:u3'], ['user_id:u4']]);
    const plan = planProfiles(
      nodes,
      links,
      part,
      [],
      (() => {
        let n = 0;
        return () => `p${(n += 1)}`;
      })(),
    );
    expect(plan.shared).toEqual([{ key: 'device_id:tab', profileIds: ['p1', 'p2', 'p3', 'p4'] }]);
  });

  it('three accounts on one device do not make it shared (the threshold is more than 3)', () => {
    const { nodes, links } = component([
      'user_id:u1 ~ device_id:tab @ 1',
      'user_id:u2 ~ device_id:tab @ 2',
      'user_id:u3 ~ device_id:tab @ 3',
    ]);
    expect(partition(nodes, links, rules).shared.size).toBe(0);
  });

  it('two user_ids on one device: two profiles, the device with the earlier login', () => {
    expect(groupsOf(['user_id:u2 ~ anonymous_id:a @ 9', 'user_id:u1 ~ anonymous_id:a @ 3'])).toEqual([
      ['anonymous_id:a', 'user_id:u1'],
      ['user_id:u2'],
    ]);
  });

  it('a login outranks a contact form: links touching an account are applied first', () => {
    // a1 filled a form with an email that belongs to u2 (t1), then logged in as u1 (t2).
    const groups = groupsOf([
      'anonymous_id:a1 ~ email:e @ 1',
      'user_id:u1 ~ anonymous_id:a1 @ 2',
      'user_id:u2 ~ email:e @ 3',
    ]);
    expect(groups).toEqual([
      ['anonymous_id:a1', 'user_id:u1'],
      ['email:e', 'user_id:u2'],
    ]);
  });

  it('respects a namespace limit: a sixth email does not join', () => {
    const spec = [1, 2, 3, 4, 5, 6].map((i) => `user_id:u ~ email:e${i} @ ${i}`);
    expect(groupsOf(spec)).toEqual([
      ['email:e1', 'email:e2', 'email:e3', 'email:e4', 'email:e5', 'user_id:u'],
      ['email:e6'],
    ]);
  });
});

describe('profile ids across merges and splits', () => {
  const ids = () => {
    let n = 0;
    return () => `new${(n += 1)}`;
  };

  it('a merge keeps the oldest profile and retires the other into it, naming the link that merged them', () => {
    const { nodes, links } = component(['anonymous_id:a ~ user_id:u @ 5'], {
      'anonymous_id:a': 'P-old',
      'user_id:u': 'P-young',
    });
    const candidates: StitchProfile[] = [
      { id: 'P-young', anchor: 'user_id:u', createdAt: 4, live: true },
      { id: 'P-old', anchor: 'anonymous_id:a', createdAt: 1, live: true },
    ];
    const plan = planProfiles(nodes, links, partition(nodes, links, rules), candidates, ids());
    expect(plan.profiles.map((p) => [p.id, p.origin, p.members])).toEqual([
      ['P-old', 'kept', ['anonymous_id:a', 'user_id:u']],
    ]);
    expect(plan.retired).toEqual([{ id: 'P-young', into: 'P-old', reason: 'MERGED', link: links[0] }]);
    expect(plan.moves).toEqual([
      { key: 'user_id:u', profileId: 'P-old', shared: false, blocked: false, kind: 'ACCOUNT', conflicts: 0 },
    ]);
  });

  it('a split keeps the id with its anchor and revives a merged-away id for the other half', () => {
    // a and u were one profile P1 (anchor a), into which P2 (anchor u) had merged; the link between them is gone.
    const { nodes } = component(['anonymous_id:a ~ anonymous_id:a @ 1', 'user_id:u ~ user_id:u @ 2'], {
      'anonymous_id:a': 'P1',
      'user_id:u': 'P1',
    });
    const links: StitchLink[] = [];
    const candidates: StitchProfile[] = [
      { id: 'P1', anchor: 'anonymous_id:a', createdAt: 1, live: true },
      { id: 'P2', anchor: 'user_id:u', createdAt: 2, live: false },
    ];
    const plan = planProfiles(nodes, links, partition(nodes, links, rules), candidates, ids());
    expect(plan.profiles.map((p) => [p.id, p.origin, p.members])).toEqual([
      ['P1', 'kept', ['anonymous_id:a']],
      ['P2', 'revived', ['user_id:u']],
    ]);
    expect(plan.moves).toEqual([
      { key: 'user_id:u', profileId: 'P2', shared: false, blocked: false, kind: 'ACCOUNT', conflicts: 0 },
    ]);
    expect(plan.splits).toEqual([{ id: 'P2', from: ['P1'] }]);
  });

  it('a profile whose anchor became shared resolves to where most of its identifiers went', () => {
    const spec = [
      'user_id:u1 ~ device_id:tab @ 1',
      'user_id:u2 ~ device_id:tab @ 2',
      'user_id:u3 ~ device_id:tab @ 3',
      'user_id:u4 ~ device_id:tab @ 4',
      'device_id:tab ~ anonymous_id:x @ 0',
    ];
    const { nodes, links } = component(spec, {
      'device_id:tab': 'PT',
      'anonymous_id:x': 'PT',
      'user_id:u1': 'PT',
    });
    const plan = planProfiles(
      nodes,
      links,
      partition(nodes, links, rules),
      [{ id: 'PT', anchor: 'device_id:tab', createdAt: 0, live: true }],
      ids(),
    );
    expect(plan.retired).toEqual([expect.objectContaining({ id: 'PT', reason: 'MERGED' })]);
    expect(plan.retired[0]!.into).toMatch(/^new/);
  });
});

describe('determinism', () => {
  const namespaces = ['user_id', 'email', 'anonymous_id', 'device_id', 'phone'];
  const link = fc.record({
    a: fc.tuple(fc.constantFrom(...namespaces), fc.integer({ min: 1, max: 4 })),
    b: fc.tuple(fc.constantFrom(...namespaces), fc.integer({ min: 1, max: 4 })),
    at: fc.integer({ min: 0, max: 5 }),
  });

  it('the partition depends only on the set of links, not their order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(link, { minLength: 1, maxLength: 25 }),
        fc.array(fc.nat(), { minLength: 25, maxLength: 25 }),
        (raw, keys) => {
          const clean = raw
            .map(({ a, b, at }) => [`${a[0]}:${a[1]}`, `${b[0]}:${b[1]}`, at] as const)
            .filter(([a, b]) => a !== b)
            .map(([a, b, at]) => `${a} ~ ${b} @ ${at}`);
          const shuffled = clean
            .map((line, i) => ({ line, k: keys[i % keys.length]! }))
            .sort((x, y) => x.k - y.k)
            .map((x) => x.line);
          expect(groupsOf(shuffled)).toEqual(groupsOf(clean));
        },
      ),
      { numRuns: 300 },
    );
  });
});
