import fc from 'fast-check';
import { compileRule } from '../../../src/rules/compile';
import { parseRule, validateRule } from '../../../src/rules/parse';
import { RuleError, type RuleLookup } from '../../../src/rules/rule';
import { ruleWorld } from './cases';

const { lookup } = ruleWorld();

/** A lookup over the given stored tags and segments, for the cycle scenarios. */
function store(
  segments: Record<string, unknown>,
  tags: Record<string, { kind: 'RULE' | 'MANUAL' | 'MODEL'; rule: unknown }> = {},
): RuleLookup {
  return {
    tag: (id) => (Object.hasOwn(tags, id) ? tags[id]! : null),
    segment: (id) => (Object.hasOwn(segments, id) ? { rule: segments[id] } : null),
  };
}

function problems(rule: unknown, using: RuleLookup = lookup) {
  return validateRule(rule, using);
}

describe('valid rules', () => {
  it('have no problems', () => {
    expect(
      problems({
        all: [
          { trait: 'city', eq: 'Shanghai' },
          { event: 'Order Completed', withinDays: 30 },
        ],
      }),
    ).toEqual([]);
  });
});

describe('unknown keys and operators', () => {
  it('an unknown trait operator is named with the allowed ones', () => {
    expect(problems({ trait: 'city', equals: 'Shanghai' })).toEqual([
      {
        path: 'rule.equals',
        message:
          'unknown key "equals" in a trait condition; allowed: trait, eq, in, gt, gte, lt, lte, exists, contains',
      },
    ]);
  });

  it('an unknown count operator', () => {
    expect(problems({ event: 'Order Completed', count: { atLeast: 2 } })).toEqual([
      {
        path: 'rule.count.atLeast',
        message: 'unknown key "atLeast" in a range; allowed: gt, gte, lt, lte, eq',
      },
    ]);
    expect(problems({ event: 'Order Completed', count: {} })).toEqual([
      { path: 'rule.count', message: 'needs at least one of gt, gte, lt, lte, eq' },
    ]);
  });

  it('an object that is no condition at all', () => {
    expect(problems({ city: 'Shanghai' })).toEqual([
      {
        path: 'rule',
        message:
          'is not a condition: it needs one of the keys all, any, not, trait, tag, segment, event, withinDays, ' +
          'product, category, count, sum, lifecycle, rfm, identity (got keys "city")',
      },
    ]);
    expect(problems({})[0]?.message).toMatch(/\(got an empty object\)$/);
  });

  it('two conditions in one object', () => {
    expect(problems({ trait: 'city', eq: 'Shanghai', lifecycle: 'ACTIVE' })).toEqual([
      {
        path: 'rule',
        message: 'mixes "trait" and "lifecycle": write one condition per object and combine them with "all"',
      },
    ]);
  });

  it('a trait condition with no operator, or two', () => {
    expect(problems({ trait: 'city' })).toEqual([
      { path: 'rule', message: 'needs an operator: one of eq, in, gt, gte, lt, lte, exists, contains' },
    ]);
    expect(problems({ trait: 'city', eq: 'a', contains: 'b' })).toEqual([
      {
        path: 'rule',
        message:
          'has eq and contains: use exactly one of eq, in, exists, contains or a range (gt/gte with lt/lte)',
      },
    ]);
  });

  it('a key named like an Object.prototype member is unknown, not a crash', () => {
    // Found by the property test below: {"toString": 0} once looked up Object.prototype.toString.
    expect(problems({ toString: 0 })[0]?.message).toMatch(/^is not a condition/);
    expect(problems({ trait: 'city', eq: 'x', constructor: 1 })).toEqual([
      { path: 'rule.constructor', message: expect.stringMatching(/^unknown key "constructor"/) },
    ]);
    expect(problems(JSON.parse('{ "lifecycle": { "in": ["NEW"], "__proto__": 1 } }'))).toEqual([
      {
        path: 'rule.lifecycle.__proto__',
        message: 'unknown key "__proto__" in a list of values; allowed: in',
      },
    ]);
  });

  it('keys that are not plain names are quoted in the path', () => {
    expect(problems({ trait: 'city', eq: 'x', 'a b': 1 })[0]?.path).toBe('rule["a b"]');
  });
});

describe('wrong types', () => {
  it.each([
    [
      { trait: 'age', gte: 'eighteen' },
      'rule.gte',
      'must be a number or an ISO-8601 date like "2024-01-31" (got "eighteen")',
    ],
    [
      { trait: 'city', eq: null },
      'rule.eq',
      'must be a string, number or boolean (got null); to test for a missing trait use "exists": false',
    ],
    [{ trait: 'city', in: 'Shanghai' }, 'rule.in', 'must be a non-empty array (got "Shanghai")'],
    [{ trait: 'email', exists: 'yes' }, 'rule.exists', 'must be true or false (got "yes")'],
    [
      { all: { trait: 'city', eq: 'x' } },
      'rule.all',
      'must be a non-empty array of conditions (got an object)',
    ],
    [{ not: [] }, 'rule.not', 'must be a rule object (got an array)'],
    [{ tag: 5 }, 'rule.tag', 'must be a tag id: a non-empty string of at most 256 characters (got 5)'],
    [
      { event: 'Order Completed', count: 2 },
      'rule.count',
      'must be an object of gt, gte, lt, lte, eq, like { "gte": 2 } (got 2)',
    ],
    [
      { event: 'Order Completed', count: { gte: 1.5 } },
      'rule.count.gte',
      'must be a whole number, 0 or more (got 1.5)',
    ],
    [{ event: 'Order Completed', sum: { gte: '500' } }, 'rule.sum.gte', 'must be a number (got "500")'],
    [{ event: '' }, 'rule.event', 'must be an event name such as "Order Completed" (got "")'],
    [
      { identity: 'E-mail' },
      'rule.identity',
      'must be an identifier namespace like "email" or "wechat_openid" (got "E-mail")',
    ],
    [{ rfm: { score: 'R6F1M1' } }, 'rule.rfm.score', 'must be an RFM score like "R5F3M4" (got "R6F1M1")'],
    [{ rfm: { r: { gte: 0 } } }, 'rule.rfm.r.gte', 'must be a quintile, a whole number from 1 to 5 (got 0)'],
    [{ rfm: {} }, 'rule.rfm', 'must be an object with any of group, score, r, f, m (got an object)'],
    [null, 'rule', 'must be a rule object (got null)'],
    ['city = Shanghai', 'rule', 'must be a rule object (got "city = Shanghai")'],
  ])('%j', (rule, path, message) => {
    expect(problems(rule)).toEqual([{ path, message }]);
  });
});

describe('empty combinators', () => {
  it.each(['all', 'any'])('an empty %s', (kind) => {
    expect(problems({ [kind]: [] })).toEqual([
      { path: `rule.${kind}`, message: `must not be empty: "${kind}" needs at least one condition` },
    ]);
  });
});

describe('enumerations', () => {
  it('a lifecycle stage that does not exist', () => {
    expect(problems({ lifecycle: 'ALIVE' })).toEqual([
      {
        path: 'rule.lifecycle',
        message: 'must be one of NEW, ACTIVE, AT_RISK, DORMANT, CHURNED (got "ALIVE")',
      },
    ]);
  });

  it('an RFM group that does not exist, inside a list', () => {
    expect(problems({ rfm: { group: { in: ['champions', 'whales'] } } })).toEqual([
      {
        path: 'rule.rfm.group.in[1]',
        message:
          'must be one of champions, loyal, potential_loyalist, new_customers, promising, need_attention, ' +
          'about_to_sleep, at_risk, cannot_lose, hibernating, lost (got "whales")',
      },
    ]);
  });

  it('an empty list of stages', () => {
    expect(problems({ lifecycle: { in: [] } })).toEqual([
      { path: 'rule.lifecycle.in', message: 'must be a non-empty array (got [])' },
    ]);
  });
});

describe('trait names', () => {
  it.each([
    'ci`ty',
    'city}',
    'a}) RETURN p //',
    '1city',
    'address..city',
    'a.b.c.d.e.f',
    'x'.repeat(65),
    '',
    'trait.',
  ])('%j is refused', (name) => {
    expect(problems({ trait: name, eq: 'x' })).toEqual([
      {
        path: 'rule.trait',
        message: expect.stringMatching(/^must be a trait name like "city" or "address.city"/),
      },
    ]);
  });

  it.each(['city', '_private', 'address.city', 'a.b.c.d.e', 'x'.repeat(64)])('%j is accepted', (name) => {
    expect(problems({ trait: name, exists: true })).toEqual([]);
  });
});

describe('ranges and numbers', () => {
  it.each([0, -1, 3651, 1.5, '30'])('withinDays %j', (withinDays) => {
    expect(problems({ event: 'Order Completed', withinDays })).toEqual([
      {
        path: 'rule.withinDays',
        message: `must be a whole number of days from 1 to 3650; leave it out for all time (got ${JSON.stringify(withinDays)})`,
      },
    ]);
  });

  it.each([-0.1, 1.01, '0.5'])('minScore %j', (minScore) => {
    expect(problems({ tag: 'churn-risk', minScore })).toEqual([
      { path: 'rule.minScore', message: `must be a number from 0 to 1 (got ${JSON.stringify(minScore)})` },
    ]);
  });

  it('minScore on a RULE tag, whose members have no score', () => {
    expect(problems({ tag: 'runner', minScore: 0.5 })).toEqual([
      {
        path: 'rule.minScore',
        message:
          'tag "runner" is a RULE tag, whose members have no score; minScore is for MANUAL and MODEL tags',
      },
    ]);
  });

  it('gt with gte, eq with anything, and a range that can never hold', () => {
    expect(problems({ event: 'x', count: { gt: 1, gte: 2 } })).toEqual([
      { path: 'rule.count', message: 'use gt or gte, not both' },
    ]);
    expect(problems({ event: 'x', sum: { eq: 1, lt: 2 } })).toEqual([
      { path: 'rule.sum', message: 'eq cannot be combined with gt, gte, lt or lte' },
    ]);
    expect(problems({ trait: 'age', gte: 30, lt: 18 })).toEqual([
      { path: 'rule', message: 'can never hold: gte 30 and lt 18' },
    ]);
    expect(problems({ trait: 'age', gt: 5, lte: 5 })).toEqual([
      { path: 'rule', message: 'can never hold: gt 5 and lte 5' },
    ]);
    expect(problems({ trait: 'age', gte: 5, lte: 5 })).toEqual([]);
  });

  it('a date bound with a number bound', () => {
    expect(problems({ trait: 'born', gte: '1990-01-01', lt: 2000 })).toEqual([
      { path: 'rule', message: 'bounds must be both numbers or both dates' },
    ]);
  });

  it('a date that is not ISO-8601', () => {
    expect(problems({ trait: 'born', gte: '01/02/1990' })[0]?.path).toBe('rule.gte');
    expect(problems({ trait: 'born', gte: '1990-02-31T25:00' })[0]?.path).toBe('rule.gte');
  });
});

describe('behaviour conditions', () => {
  it('product and category together', () => {
    expect(problems({ event: 'Order Completed', product: 'sku-1', category: 'Sports' })).toEqual([
      { path: 'rule', message: 'use product or category, not both' },
    ]);
  });

  it('a category that is only separators', () => {
    expect(problems({ category: ' / > ' })).toEqual([
      { path: 'rule.category', message: 'must be a category path like "Sports/Running" (got " / > ")' },
    ]);
  });
});

describe('references', () => {
  it('a deleted tag', () => {
    expect(problems({ any: [{ tag: 'vip' }, { tag: 'gone' }] })).toEqual([
      { path: 'rule.any[1].tag', message: 'there is no tag "gone" (was it deleted?)' },
    ]);
  });

  it('a deleted segment', () => {
    expect(problems({ not: { segment: 'gone' } })).toEqual([
      { path: 'rule.not.segment', message: 'there is no segment "gone" (was it deleted?)' },
    ]);
  });

  it('a segment referring back to the one being saved', () => {
    const stored = store({ A: { trait: 'city', eq: 'old rule of A' }, B: { any: [{ segment: 'A' }] } });
    expect(validateRule({ segment: 'B' }, stored, { self: { kind: 'segment', id: 'A' } })).toEqual([
      { path: 'rule.segment', message: 'refers to itself: segment A -> segment B -> segment A' },
    ]);
    // Without `self`, A's stored rule would be inlined: no cycle, but not what is being saved.
    expect(validateRule({ segment: 'B' }, stored)).toEqual([]);
  });

  it('a cycle among stored segments is reported where the rule enters it', () => {
    const stored = store({ B: { segment: 'C' }, C: { all: [{ lifecycle: 'NEW' }, { segment: 'B' }] } });
    expect(problems({ all: [{ lifecycle: 'ACTIVE' }, { segment: 'B' }] }, stored)).toEqual([
      { path: 'rule.all[1].segment', message: 'refers to itself: segment B -> segment C -> segment B' },
    ]);
  });

  it('a cycle through a RULE tag', () => {
    const stored = store({ A: { tag: 'T' } }, { T: { kind: 'RULE', rule: { not: { segment: 'A' } } } });
    expect(problems({ segment: 'A' }, stored)).toEqual([
      { path: 'rule.segment', message: 'refers to itself: segment A -> tag T -> segment A' },
    ]);
  });

  it('a RULE tag referring to itself while it is being saved', () => {
    const stored = store({}, { T: { kind: 'RULE', rule: { trait: 'x', exists: true } } });
    expect(validateRule({ any: [{ tag: 'T' }] }, stored, { self: { kind: 'tag', id: 'T' } })).toEqual([
      { path: 'rule.any[0].tag', message: 'refers to itself: tag T -> tag T' },
    ]);
  });

  it('the same segment twice is no cycle', () => {
    const stored = store({ B: { lifecycle: 'NEW' } });
    expect(problems({ all: [{ segment: 'B' }, { not: { segment: 'B' } }] }, stored)).toEqual([]);
  });

  it('a problem inside a stored rule is reported at the reference, with where it is', () => {
    const stored = store({ B: { segment: 'C' }, C: { any: [{ lifecycle: 'SLEEPY' }] } });
    expect(problems({ segment: 'B' }, stored)).toEqual([
      {
        path: 'rule.segment',
        message:
          'in segment B -> segment C, at rule.any[0].lifecycle: must be one of NEW, ACTIVE, AT_RISK, DORMANT, ' +
          'CHURNED (got "SLEEPY")',
      },
    ]);
  });

  it('a RULE tag without a rule', () => {
    const stored = store({}, { T: { kind: 'RULE', rule: null } });
    expect(problems({ tag: 'T' }, stored)).toEqual([
      { path: 'rule.tag', message: 'in tag T, at rule: must be a rule object (got null)' },
    ]);
  });

  it('references multiplying past the limit are refused once, quickly', () => {
    // s0 uses s1 twice, s1 uses s2 twice, ...: 2^14 conditions once inlined.
    const segments: Record<string, unknown> = { s14: { lifecycle: 'NEW' } };
    for (let i = 0; i < 14; i += 1)
      segments[`s${i}`] = { all: [{ segment: `s${i + 1}` }, { segment: `s${i + 1}` }] };
    expect(problems({ segment: 's0' }, store(segments))).toEqual([
      {
        path: 'rule',
        message: 'has more than 2000 conditions once referenced tags and segments are inlined',
      },
    ]);
  });
});

describe('nesting', () => {
  function nested(levels: number): unknown {
    let rule: unknown = { lifecycle: 'NEW' };
    for (let i = 0; i < levels; i += 1) rule = i % 2 === 0 ? { not: rule } : { all: [rule] };
    return rule;
  }

  it('20 levels are fine, 21 are not', () => {
    expect(problems(nested(20))).toEqual([]);
    const deep = problems(nested(21));
    expect(deep).toHaveLength(1);
    expect(deep[0]?.message).toBe('nests all/any/not deeper than 20 levels');
    expect(deep[0]?.path).toMatch(/^rule(\.not|\.all\[0\]){20}$/);
  });

  it('a very deep rule does not overflow the stack', () => {
    expect(problems(nested(100_000))).toHaveLength(1);
  });
});

describe('several problems at once', () => {
  it('are all reported, each at its path, in the order met', () => {
    const rule = {
      all: [
        { trait: 'ci`ty', eq: 'Shanghai' },
        { event: 'Order Completed', withinDays: 0, count: { gte: -1 }, product: 'p', category: 'c' },
        { any: [] },
        { lifecycle: 'ALIVE' },
        { tag: 'gone', minScore: 2 },
        { segment: 'vanished' },
        { rfm: { group: 'champions', x: 1 } },
      ],
    };
    expect(problems(rule)).toMatchInlineSnapshot(`
     [
       {
         "message": "must be a trait name like "city" or "address.city": up to 5 dot-separated names of letters, digits and _ (not starting with a digit, at most 64 characters each) (got "ci\`ty")",
         "path": "rule.all[0].trait",
       },
       {
         "message": "must be a whole number of days from 1 to 3650; leave it out for all time (got 0)",
         "path": "rule.all[1].withinDays",
       },
       {
         "message": "use product or category, not both",
         "path": "rule.all[1]",
       },
       {
         "message": "must be a whole number, 0 or more (got -1)",
         "path": "rule.all[1].count.gte",
       },
       {
         "message": "must not be empty: "any" needs at least one condition",
         "path": "rule.all[2].any",
       },
       {
         "message": "must be one of NEW, ACTIVE, AT_RISK, DORMANT, CHURNED (got "ALIVE")",
         "path": "rule.all[3].lifecycle",
       },
       {
         "message": "must be a number from 0 to 1 (got 2)",
         "path": "rule.all[4].minScore",
       },
       {
         "message": "there is no tag "gone" (was it deleted?)",
         "path": "rule.all[4].tag",
       },
       {
         "message": "there is no segment "vanished" (was it deleted?)",
         "path": "rule.all[5].segment",
       },
       {
         "message": "unknown key "x" in an RFM condition; allowed: group, score, r, f, m",
         "path": "rule.all[6].rfm.x",
       },
     ]
    `);
  });

  it('compileRule throws them all in a RuleError', () => {
    const rule = { any: [{ lifecycle: 'ALIVE' }, { identity: 'E mail' }] };
    let error: unknown;
    try {
      compileRule(rule, lookup);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RuleError);
    expect((error as RuleError).problems.map((p) => p.path)).toEqual([
      'rule.any[0].lifecycle',
      'rule.any[1].identity',
    ]);
    expect((error as RuleError).message).toMatch(/^invalid rule: rule\.any\[0\]\.lifecycle: must be one of/);
  });
});

describe('properties', () => {
  const anything = fc.jsonValue({ maxDepth: 4 });
  const scalar = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.integer({ min: -5, max: 50 }),
    fc.boolean(),
    anything,
  );
  const range = fc.dictionary(fc.constantFrom('gt', 'gte', 'lt', 'lte', 'eq', 'x'), scalar, { maxKeys: 3 });
  const id = fc.oneof(
    fc.constantFrom('vip', 'churn-risk', 'runner', 'big-spenders', 'runners-at-risk'),
    scalar,
  );
  /** Values shaped like rules (with wrong bits mixed in), so that many are valid and many nearly so. */
  const ruleish: fc.Arbitrary<unknown> = fc.letrec<{ rule: unknown }>((tie) => ({
    rule: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({ trait: fc.oneof(fc.constantFrom('city', 'a.b', 'x`y'), scalar), eq: scalar }),
      fc.record({ trait: fc.constant('age'), gte: scalar, lt: scalar }, { requiredKeys: ['trait'] }),
      fc.record({ trait: fc.constant('tags'), contains: scalar }),
      fc.record({ trait: fc.constant('city'), in: fc.array(scalar, { maxLength: 3 }) }),
      fc.record({ tag: id, minScore: scalar }, { requiredKeys: ['tag'] }),
      fc.record({ segment: id }),
      fc.record(
        {
          event: scalar,
          withinDays: fc.oneof(fc.integer({ min: -1, max: 4000 }), scalar),
          product: scalar,
          category: scalar,
          count: fc.oneof(range, scalar),
          sum: fc.oneof(range, scalar),
        },
        { requiredKeys: [] },
      ),
      fc.record({
        lifecycle: fc.oneof(fc.constantFrom('ACTIVE', 'NOPE'), fc.record({ in: fc.array(scalar) })),
      }),
      fc.record({
        rfm: fc.dictionary(fc.constantFrom('group', 'score', 'r', 'f', 'm', 'q'), fc.oneof(range, scalar)),
      }),
      fc.record({ identity: scalar }),
      fc.record({ all: fc.array(tie('rule'), { maxLength: 3 }) }),
      fc.record({ any: fc.array(tie('rule'), { maxLength: 3 }) }),
      fc.record({ not: tie('rule') }),
      anything,
    ),
  })).rule;

  it('validateRule never throws: it returns problems', () => {
    fc.assert(
      fc.property(fc.oneof(anything, ruleish), (rule) => {
        const found = validateRule(rule, lookup);
        expect(Array.isArray(found)).toBe(true);
        for (const problem of found) expect(problem.path).toMatch(/^rule/);
      }),
      { numRuns: 2000 },
    );
  });

  it('compileRule throws RuleError or returns a predicate whose values are all parameters r0, r1, ...', () => {
    let compiled = 0;
    fc.assert(
      fc.property(fc.oneof(anything, ruleish), (rule) => {
        let result;
        try {
          result = compileRule(rule, lookup);
        } catch (error) {
          expect(error).toBeInstanceOf(RuleError);
          expect((error as RuleError).problems.length).toBeGreaterThan(0);
          return;
        }
        compiled += 1;
        expect(validateRule(rule, lookup)).toEqual([]);
        for (const key of Object.keys(result.params)) expect(key).toMatch(/^r\d+$/);
        const used = [...result.predicate.matchAll(/\$(\w+)/g)].map((m) => m[1]);
        expect(new Set(used.filter((name) => name !== 'now'))).toEqual(new Set(Object.keys(result.params)));
        expect(result.usesNow).toBe(used.includes('now'));
      }),
      { numRuns: 2000 },
    );
    // The generator is useless if it never produces a valid rule.
    expect(compiled).toBeGreaterThan(100);
  });

  it('parseRule without a lookup accepts every reference and inlines none', () => {
    expect(parseRule({ all: [{ tag: 'anything' }, { segment: 'else' }] }, null).rule).toEqual({
      kind: 'all',
      rules: [
        { kind: 'tag', id: 'anything', minScore: null, rule: null },
        { kind: 'segment', id: 'else', rule: null },
      ],
    });
  });
});
