import { compileRule } from '../../../src/rules/compile';
import { describeRule } from '../../../src/rules/describe';
import type { CompiledRule } from '../../../src/rules/rule';
import { ruleWorld, type CaseName } from './cases';

// A TCK in the manner of neo4j/graphql's: for every operator and combinator, the rule in and the exact
// Cypher predicate and parameters out. test/integration/rules-explain.test.ts runs the same table against
// the real database.

const { cases, lookup } = ruleWorld();
const covered = new Set<CaseName>();

function compiled(name: CaseName): CompiledRule {
  covered.add(name);
  return compileRule(cases[name].rule, lookup);
}

describe('traits', () => {
  it('trait eq', () => {
    expect(compiled('traitEq')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "trait.city",
         "r1": "Shanghai",
       },
       "predicate": "coalesce(p[$r0] = $r1, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('trait eq boolean', () => {
    expect(compiled('traitEqBoolean')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "trait.newsletter",
         "r1": true,
       },
       "predicate": "coalesce(p[$r0] = $r1, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('trait nested path', () => {
    expect(compiled('traitNestedPath')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "trait.address.city",
         "r1": "Hangzhou",
       },
       "predicate": "coalesce(p[$r0] = $r1, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('trait in', () => {
    expect(compiled('traitIn')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "trait.city",
         "r1": [
           "Shanghai",
           "Beijing",
         ],
       },
       "predicate": "coalesce(p[$r0] IN $r1, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('trait range', () => {
    expect(compiled('traitRange')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "trait.age",
         "r1": 18,
         "r2": 30,
       },
       "predicate": "coalesce($r1 <= p[$r0] < $r2, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('trait range one sided', () => {
    expect(compiled('traitRangeOneSided')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "trait.age",
         "r1": 60,
       },
       "predicate": "coalesce(p[$r0] > $r1, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('trait range dates', () => {
    expect(compiled('traitRangeDates')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "trait.birthday",
         "r1": "1990-01-01",
         "r2": "1999-12-31",
       },
       "predicate": "coalesce($r1 <= p[$r0] <= $r2, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('trait exists', () => {
    expect(compiled('traitExists')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "trait.email",
       },
       "predicate": "p[$r0] IS NOT NULL",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('trait not exists', () => {
    expect(compiled('traitNotExists')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "trait.email",
       },
       "predicate": "p[$r0] IS NULL",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('trait contains', () => {
    expect(compiled('traitContains')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "trait.name",
         "r1": "Li",
       },
       "predicate": "coalesce(CASE WHEN p[$r0] IS :: STRING THEN p[$r0] CONTAINS $r1 WHEN p[$r0] IS :: LIST<ANY> THEN $r1 IN p[$r0] ELSE false END, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('trait contains in list', () => {
    expect(compiled('traitContainsInList')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "trait.interests",
         "r1": "running",
       },
       "predicate": "coalesce(CASE WHEN p[$r0] IS :: STRING THEN p[$r0] CONTAINS $r1 WHEN p[$r0] IS :: LIST<ANY> THEN $r1 IN p[$r0] ELSE false END, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('trait contains number', () => {
    expect(compiled('traitContainsNumber')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "trait.shoeSizes",
         "r1": 42,
       },
       "predicate": "coalesce(CASE WHEN p[$r0] IS :: LIST<ANY> THEN $r1 IN p[$r0] ELSE false END, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });
});

describe('tags and segments', () => {
  it('tag', () => {
    expect(compiled('tag')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "vip",
       },
       "predicate": "EXISTS { (p)-[:HAS_TAG]->(:Tag {id: $r0}) }",
       "references": {
         "segments": [],
         "tags": [
           "vip",
         ],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('tag min score', () => {
    expect(compiled('tagMinScore')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "churn-risk",
         "r1": 0.5,
       },
       "predicate": "EXISTS { MATCH (p)-[ruleTag:HAS_TAG]->(:Tag {id: $r0}) WHERE ruleTag.score >= $r1 }",
       "references": {
         "segments": [],
         "tags": [
           "churn-risk",
         ],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('tag rule inlined', () => {
    expect(compiled('tagRuleInlined')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "Order Completed",
         "r1": "Sports/Running",
       },
       "predicate": "EXISTS { MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(ruleX:Interaction) WHERE ruleX.event = $r0 AND EXISTS { (ruleX)-[:ON]->(:Product)-[:IN_CATEGORY]->(:Category)-[:CHILD_OF*0..]->(:Category {path: $r1}) } }",
       "references": {
         "segments": [],
         "tags": [
           "runner",
         ],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('segment', () => {
    expect(compiled('segment')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "Order Completed",
         "r1": 90,
         "r2": 500,
       },
       "predicate": "reduce(ruleSum = 0.0, ruleValue IN COLLECT { MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(ruleX:Interaction) WHERE ruleX.event = $r0 AND ruleX.at >= $now - $r1 * 86400000 RETURN ruleX.value } | ruleSum + coalesce(ruleValue, 0)) >= $r2",
       "references": {
         "segments": [
           "big-spenders",
         ],
         "tags": [],
       },
       "usesNow": true,
       "windowsDays": [
         90,
       ],
     }
    `);
  });

  it('segment through rule tag', () => {
    expect(compiled('segmentThroughRuleTag')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "Order Completed",
         "r1": "Sports/Running",
         "r2": "AT_RISK",
       },
       "predicate": "EXISTS { MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(ruleX:Interaction) WHERE ruleX.event = $r0 AND EXISTS { (ruleX)-[:ON]->(:Product)-[:IN_CATEGORY]->(:Category)-[:CHILD_OF*0..]->(:Category {path: $r1}) } } AND coalesce(p.lifecycleStage = $r2, false)",
       "references": {
         "segments": [
           "runners-at-risk",
         ],
         "tags": [
           "runner",
         ],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });
});

describe('behaviour', () => {
  it('event', () => {
    expect(compiled('event')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "Order Completed",
       },
       "predicate": "EXISTS { MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(ruleX:Interaction) WHERE ruleX.event = $r0 }",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('event any in window', () => {
    expect(compiled('eventAnyInWindow')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": 7,
       },
       "predicate": "EXISTS { MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(ruleX:Interaction) WHERE ruleX.at >= $now - $r0 * 86400000 }",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": true,
       "windowsDays": [
         7,
       ],
     }
    `);
  });

  it('event count in window', () => {
    expect(compiled('eventCountInWindow')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "Order Completed",
         "r1": 30,
         "r2": 2,
       },
       "predicate": "COUNT { MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(ruleX:Interaction) WHERE ruleX.event = $r0 AND ruleX.at >= $now - $r1 * 86400000 } >= $r2",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": true,
       "windowsDays": [
         30,
       ],
     }
    `);
  });

  it('event count between', () => {
    expect(compiled('eventCountBetween')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "Product Viewed",
         "r1": 1,
         "r2": 3,
       },
       "predicate": "$r1 < COUNT { MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(ruleX:Interaction) WHERE ruleX.event = $r0 } <= $r2",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('event count zero', () => {
    expect(compiled('eventCountZero')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "Order Completed",
         "r1": 180,
         "r2": 0,
       },
       "predicate": "COUNT { MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(ruleX:Interaction) WHERE ruleX.event = $r0 AND ruleX.at >= $now - $r1 * 86400000 } = $r2",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": true,
       "windowsDays": [
         180,
       ],
     }
    `);
  });

  it('event sum in window', () => {
    expect(compiled('eventSumInWindow')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "Order Completed",
         "r1": 90,
         "r2": 500,
       },
       "predicate": "reduce(ruleSum = 0.0, ruleValue IN COLLECT { MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(ruleX:Interaction) WHERE ruleX.event = $r0 AND ruleX.at >= $now - $r1 * 86400000 RETURN ruleX.value } | ruleSum + coalesce(ruleValue, 0)) >= $r2",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": true,
       "windowsDays": [
         90,
       ],
     }
    `);
  });

  it('event count and sum', () => {
    expect(compiled('eventCountAndSum')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "Order Completed",
         "r1": 365,
         "r2": 2,
         "r3": 1000,
       },
       "predicate": "COUNT { MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(ruleX:Interaction) WHERE ruleX.event = $r0 AND ruleX.at >= $now - $r1 * 86400000 } >= $r2 AND reduce(ruleSum = 0.0, ruleValue IN COLLECT { MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(ruleX:Interaction) WHERE ruleX.event = $r0 AND ruleX.at >= $now - $r1 * 86400000 RETURN ruleX.value } | ruleSum + coalesce(ruleValue, 0)) > $r3",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": true,
       "windowsDays": [
         365,
       ],
     }
    `);
  });

  it('event product', () => {
    expect(compiled('eventProduct')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "Product Viewed",
         "r1": 14,
         "r2": "sku-shoe",
       },
       "predicate": "EXISTS { MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(ruleX:Interaction)-[:ON]->(:Product {id: $r2}) WHERE ruleX.event = $r0 AND ruleX.at >= $now - $r1 * 86400000 }",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": true,
       "windowsDays": [
         14,
       ],
     }
    `);
  });

  it('event category', () => {
    expect(compiled('eventCategory')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "Order Completed",
         "r1": "Sports/Running",
         "r2": 1,
       },
       "predicate": "COUNT { MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(ruleX:Interaction) WHERE ruleX.event = $r0 AND EXISTS { (ruleX)-[:ON]->(:Product)-[:IN_CATEGORY]->(:Category)-[:CHILD_OF*0..]->(:Category {path: $r1}) } } >= $r2",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });
});

describe('lifecycle and RFM', () => {
  it('lifecycle', () => {
    expect(compiled('lifecycle')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "ACTIVE",
       },
       "predicate": "coalesce(p.lifecycleStage = $r0, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('lifecycle in', () => {
    expect(compiled('lifecycleIn')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": [
           "AT_RISK",
           "DORMANT",
         ],
       },
       "predicate": "coalesce(p.lifecycleStage IN $r0, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('rfm group', () => {
    expect(compiled('rfmGroup')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "champions",
       },
       "predicate": "coalesce(p.rfmGroup = $r0, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('rfm group in', () => {
    expect(compiled('rfmGroupIn')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": [
           "at_risk",
           "cannot_lose",
         ],
       },
       "predicate": "coalesce(p.rfmGroup IN $r0, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('rfm quintiles', () => {
    expect(compiled('rfmQuintiles')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": 4,
         "r1": 2,
         "r2": 4,
         "r3": 5,
       },
       "predicate": "coalesce(p.rfmR >= $r0, false) AND coalesce($r1 <= p.rfmF <= $r2, false) AND coalesce(p.rfmM = $r3, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('rfm score', () => {
    expect(compiled('rfmScore')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "R5F5M5",
       },
       "predicate": "coalesce(p.rfmScore = $r0, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });
});

describe('identity', () => {
  it('identity', () => {
    expect(compiled('identity')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "email",
       },
       "predicate": "EXISTS { (p)<-[:IN]-(:Identifier {namespace: $r0}) }",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });
});

describe('combinators', () => {
  it('all', () => {
    expect(compiled('all')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "trait.city",
         "r1": "Shanghai",
         "r2": "ACTIVE",
       },
       "predicate": "coalesce(p[$r0] = $r1, false) AND coalesce(p.lifecycleStage = $r2, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('any', () => {
    expect(compiled('any')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "trait.city",
         "r1": "Shanghai",
         "r2": "wechat_openid",
       },
       "predicate": "coalesce(p[$r0] = $r1, false) OR EXISTS { (p)<-[:IN]-(:Identifier {namespace: $r2}) }",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('not', () => {
    expect(compiled('not')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "trait.city",
         "r1": "Shanghai",
       },
       "predicate": "NOT coalesce(p[$r0] = $r1, false)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('not exists', () => {
    expect(compiled('notExists')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "trait.email",
       },
       "predicate": "NOT (p[$r0] IS NOT NULL)",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": false,
       "windowsDays": [],
     }
    `);
  });

  it('not any', () => {
    expect(compiled('notAny')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": "CHURNED",
         "r1": "Unsubscribed",
         "r2": 365,
       },
       "predicate": "NOT (coalesce(p.lifecycleStage = $r0, false) OR EXISTS { MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(ruleX:Interaction) WHERE ruleX.event = $r1 AND ruleX.at >= $now - $r2 * 86400000 })",
       "references": {
         "segments": [],
         "tags": [],
       },
       "usesNow": true,
       "windowsDays": [
         365,
       ],
     }
    `);
  });

  it('nested', () => {
    expect(compiled('nested')).toMatchInlineSnapshot(`
     {
       "params": {
         "r0": [
           "champions",
           "loyal",
         ],
         "r1": "Order Completed",
         "r2": 90,
         "r3": 500,
         "r4": "Order Completed",
         "r5": 365,
         "r6": "Sports/Running",
         "r7": 2,
         "r8": [
           "AT_RISK",
           "DORMANT",
         ],
         "r9": "vip",
       },
       "predicate": "(coalesce(p.rfmGroup IN $r0, false) OR reduce(ruleSum = 0.0, ruleValue IN COLLECT { MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(ruleX:Interaction) WHERE ruleX.event = $r1 AND ruleX.at >= $now - $r2 * 86400000 RETURN ruleX.value } | ruleSum + coalesce(ruleValue, 0)) >= $r3) AND COUNT { MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(ruleX:Interaction) WHERE ruleX.event = $r4 AND ruleX.at >= $now - $r5 * 86400000 AND EXISTS { (ruleX)-[:ON]->(:Product)-[:IN_CATEGORY]->(:Category)-[:CHILD_OF*0..]->(:Category {path: $r6}) } } >= $r7 AND coalesce(p.lifecycleStage IN $r8, false) AND NOT EXISTS { (p)-[:HAS_TAG]->(:Tag {id: $r9}) }",
       "references": {
         "segments": [
           "big-spenders",
         ],
         "tags": [
           "vip",
         ],
       },
       "usesNow": true,
       "windowsDays": [
         90,
         365,
       ],
     }
    `);
  });
});

describe('compiled output', () => {
  it('does not depend on the order of keys in the JSON', () => {
    const a = compileRule({ trait: 'age', lt: 30, gte: 18 }, lookup);
    const b = compileRule({ gte: 18, trait: 'age', lt: 30 }, lookup);
    expect(a).toEqual(b);
    expect(a.params).toEqual({ r0: 'trait.age', r1: 18, r2: 30 });
  });

  it('never splices a value into the text', () => {
    const rule = {
      all: [
        { trait: 'city', eq: "x' OR true //" },
        { event: 'a`b} RETURN 1', withinDays: 3, product: '$now' },
        { identity: 'email' },
      ],
    };
    const { predicate, params } = compileRule(rule, lookup);
    for (const value of ["x' OR true //", 'a`b} RETURN 1', 'email']) expect(predicate).not.toContain(value);
    expect(Object.values(params)).toEqual(expect.arrayContaining(["x' OR true //", 'a`b} RETURN 1', '$now']));
  });

  it('normalises a category written the way trackers send it', () => {
    expect(compileRule({ category: 'Sports > Running ' }, lookup).params).toEqual({ r0: 'Sports/Running' });
  });

  it('lists every window once, ascending', () => {
    const rule = {
      any: [{ withinDays: 30 }, { withinDays: 7, count: { gte: 2 } }, { withinDays: 30, sum: { gt: 1 } }],
    };
    expect(compileRule(rule, lookup)).toMatchObject({ windowsDays: [7, 30], usesNow: true });
  });
});

describe('describeRule', () => {
  it('renders every case in English', () => {
    const described = Object.fromEntries(
      Object.entries(cases).map(([name, c]) => [name, describeRule(c.rule)]),
    );
    expect(described).toMatchInlineSnapshot(`
     {
       "all": "city is Shanghai and lifecycle stage is ACTIVE",
       "any": "city is Shanghai or has a wechat_openid identifier",
       "event": "did Order Completed",
       "eventAnyInWindow": "did any event in the last 7 days",
       "eventCategory": "at least 1 × Order Completed in category Sports/Running",
       "eventCountAndSum": "at least 2 × Order Completed in the last 365 days with a total value of more than 1000",
       "eventCountBetween": "more than 1 but at most 3 × Product Viewed",
       "eventCountInWindow": "at least 2 × Order Completed in the last 30 days",
       "eventCountZero": "no Order Completed in the last 180 days",
       "eventProduct": "did Product Viewed of product sku-shoe in the last 14 days",
       "eventSumInWindow": "Order Completed in the last 90 days with a total value of at least 500",
       "identity": "has an email identifier",
       "lifecycle": "lifecycle stage is ACTIVE",
       "lifecycleIn": "lifecycle stage is one of AT_RISK, DORMANT",
       "nested": "(RFM group is one of champions, loyal or in segment big-spenders) and at least 2 × Order Completed in category Sports/Running in the last 365 days and lifecycle stage is one of AT_RISK, DORMANT and not (has tag vip)",
       "not": "not (city is Shanghai)",
       "notAny": "not (lifecycle stage is CHURNED or did Unsubscribed in the last 365 days)",
       "notExists": "not (email is set)",
       "rfmGroup": "RFM group is champions",
       "rfmGroupIn": "RFM group is one of at_risk, cannot_lose",
       "rfmQuintiles": "RFM recency is at least 4 and RFM frequency is from 2 to 4 and RFM monetary is exactly 5",
       "rfmScore": "RFM score is R5F5M5",
       "segment": "in segment big-spenders",
       "segmentThroughRuleTag": "in segment runners-at-risk",
       "tag": "has tag vip",
       "tagMinScore": "has tag churn-risk with a score of at least 0.5",
       "tagRuleInlined": "has tag runner",
       "traitContains": "name contains Li",
       "traitContainsInList": "interests contains running",
       "traitContainsNumber": "shoeSizes contains 42",
       "traitEq": "city is Shanghai",
       "traitEqBoolean": "newsletter is true",
       "traitExists": "email is set",
       "traitIn": "city is one of Shanghai, Beijing",
       "traitNestedPath": "address.city is Hangzhou",
       "traitNotExists": "email is not set",
       "traitRange": "age is at least 18 but less than 30",
       "traitRangeDates": "birthday is from 1990-01-01 to 1999-12-31",
       "traitRangeOneSided": "age is more than 60",
     }
    `);
  });

  it('names references without expanding them, so it needs no lookup', () => {
    expect(describeRule({ all: [{ segment: 'deleted-one' }, { tag: 'x', minScore: 0.25 }] })).toBe(
      'in segment deleted-one and has tag x with a score of at least 0.25',
    );
  });

  it('quotes values that would read ambiguously', () => {
    expect(describeRule({ trait: 'note', in: ['rock and roll', '', 'jazz'] })).toBe(
      'note is one of "rock and roll", "", jazz',
    );
  });

  it('throws RuleError for an invalid rule', () => {
    expect(() => describeRule({ all: [] })).toThrow('invalid rule: rule.all: must not be empty');
  });
});

describe('the table', () => {
  // Runs last in this file: a case added to cases.ts without its snapshot here fails.
  it('has a snapshot for every case', () => {
    expect(Object.keys(cases).filter((name) => !covered.has(name as CaseName))).toEqual([]);
  });
});
