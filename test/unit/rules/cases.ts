import type { RuleLookup } from '../../../src/rules/rule';

/**
 * The rule table shared by the TCK-style compile test (rule in, Cypher and parameters out) and the
 * integration test (EXPLAIN of every case, and a real run on a tiny graph for cases with fixtures).
 * Ids of stored things take a prefix so that integration runs never meet another test's data.
 */

/** A profile for the integration test to build: `match` must be a member, `miss` must not. */
export interface ProfileFixture {
  /** Properties of the Profile node: lifecycleStage, rfm*, `trait.<path>`. */
  readonly props?: Record<string, unknown>;
  readonly tags?: ReadonlyArray<{ readonly id: string; readonly score?: number }>;
  /** Namespaces of extra identifiers; every fixture profile also has a user_id, which did the interactions. */
  readonly identifiers?: readonly string[];
  readonly interactions?: ReadonlyArray<{
    readonly event: string;
    readonly daysAgo: number;
    readonly value?: number;
    readonly product?: string;
  }>;
}

export interface RuleCase {
  readonly rule: unknown;
  readonly match?: ProfileFixture;
  readonly miss?: ProfileFixture;
}

export interface CatalogProduct {
  readonly id: string;
  /** Its category path; every ancestor category exists too, linked by CHILD_OF. */
  readonly category: string;
}

/** The rule cases with the stored tags, segments and products they refer to. */
export function ruleWorld(prefix = '') {
  const id = (name: string): string => `${prefix}${name}`;
  const shoe = id('sku-shoe');
  const book = id('sku-book');
  const catalog: CatalogProduct[] = [
    { id: shoe, category: id('Sports/Running/Shoes') },
    { id: book, category: id('Books') },
  ];
  const running = id('Sports/Running');

  const tags = new Map<string, { kind: 'RULE' | 'MANUAL' | 'MODEL'; rule: unknown }>([
    [id('vip'), { kind: 'MANUAL', rule: null }],
    [id('churn-risk'), { kind: 'MODEL', rule: null }],
    [id('runner'), { kind: 'RULE', rule: { event: 'Order Completed', category: running } }],
  ]);
  const segments = new Map<string, { rule: unknown }>([
    [id('big-spenders'), { rule: { event: 'Order Completed', withinDays: 90, sum: { gte: 500 } } }],
    [id('runners-at-risk'), { rule: { all: [{ tag: id('runner') }, { lifecycle: 'AT_RISK' }] } }],
  ]);
  const lookup: RuleLookup = {
    tag: (tagId) => tags.get(tagId) ?? null,
    segment: (segmentId) => segments.get(segmentId) ?? null,
  };

  const cases = {
    traitEq: {
      rule: { trait: 'city', eq: 'Shanghai' },
      match: { props: { 'trait.city': 'Shanghai' } },
      miss: { props: { 'trait.city': 'Beijing' } },
    },
    traitEqBoolean: {
      rule: { trait: 'newsletter', eq: true },
      match: { props: { 'trait.newsletter': true } },
      miss: { props: { 'trait.newsletter': 'true' } },
    },
    traitNestedPath: {
      rule: { trait: 'address.city', eq: 'Hangzhou' },
      match: { props: { 'trait.address.city': 'Hangzhou' } },
      miss: { props: { 'trait.city': 'Hangzhou' } },
    },
    traitIn: {
      rule: { trait: 'city', in: ['Shanghai', 'Beijing'] },
      match: { props: { 'trait.city': 'Beijing' } },
      miss: { props: { 'trait.city': 'Hangzhou' } },
    },
    traitRange: {
      rule: { trait: 'age', gte: 18, lt: 30 },
      match: { props: { 'trait.age': 25 } },
      miss: { props: { 'trait.age': 30 } },
    },
    traitRangeOneSided: {
      rule: { trait: 'age', gt: 60 },
      match: { props: { 'trait.age': 61 } },
      // A string is not more than 60: the comparison across types is false, not an error.
      miss: { props: { 'trait.age': 'old' } },
    },
    traitRangeDates: {
      rule: { trait: 'birthday', gte: '1990-01-01', lte: '1999-12-31' },
      match: { props: { 'trait.birthday': '1995-06-01' } },
      miss: { props: { 'trait.birthday': '2001-01-01' } },
    },
    traitExists: {
      rule: { trait: 'email', exists: true },
      match: { props: { 'trait.email': 'ann@example.com' } },
      miss: { props: {} },
    },
    traitNotExists: {
      rule: { trait: 'email', exists: false },
      match: { props: {} },
      miss: { props: { 'trait.email': 'ann@example.com' } },
    },
    traitContains: {
      rule: { trait: 'name', contains: 'Li' },
      match: { props: { 'trait.name': 'Li Wei' } },
      miss: { props: { 'trait.name': 'Wang Fang' } },
    },
    traitContainsInList: {
      rule: { trait: 'interests', contains: 'running' },
      match: { props: { 'trait.interests': ['yoga', 'running'] } },
      miss: { props: { 'trait.interests': ['yoga', 'trail running'] } },
    },
    traitContainsNumber: {
      rule: { trait: 'shoeSizes', contains: 42 },
      match: { props: { 'trait.shoeSizes': [41, 42] } },
      miss: { props: { 'trait.shoeSizes': 42 } },
    },
    tag: {
      rule: { tag: id('vip') },
      match: { tags: [{ id: id('vip') }] },
      miss: { tags: [{ id: id('churn-risk'), score: 0.9 }] },
    },
    tagMinScore: {
      rule: { tag: id('churn-risk'), minScore: 0.5 },
      match: { tags: [{ id: id('churn-risk'), score: 0.8 }] },
      miss: { tags: [{ id: id('churn-risk'), score: 0.3 }] },
    },
    tagRuleInlined: {
      rule: { tag: id('runner') },
      // Evaluated from the tag's rule: no HAS_TAG needed, and a stale HAS_TAG does not count.
      match: { interactions: [{ event: 'Order Completed', daysAgo: 400, product: shoe, value: 120 }] },
      miss: {
        tags: [{ id: id('runner') }],
        interactions: [{ event: 'Order Completed', daysAgo: 3, product: book }],
      },
    },
    segment: {
      rule: { segment: id('big-spenders') },
      match: {
        interactions: [
          { event: 'Order Completed', daysAgo: 10, value: 300 },
          { event: 'Order Completed', daysAgo: 80, value: 250 },
        ],
      },
      miss: {
        interactions: [
          { event: 'Order Completed', daysAgo: 10, value: 300 },
          { event: 'Order Completed', daysAgo: 100, value: 250 },
        ],
      },
    },
    segmentThroughRuleTag: {
      rule: { segment: id('runners-at-risk') },
      match: {
        props: { lifecycleStage: 'AT_RISK' },
        interactions: [{ event: 'Order Completed', daysAgo: 50, product: shoe, value: 120 }],
      },
      miss: {
        props: { lifecycleStage: 'ACTIVE' },
        interactions: [{ event: 'Order Completed', daysAgo: 50, product: shoe, value: 120 }],
      },
    },
    event: {
      rule: { event: 'Order Completed' },
      match: { interactions: [{ event: 'Order Completed', daysAgo: 1000 }] },
      miss: { interactions: [{ event: 'Product Viewed', daysAgo: 1 }] },
    },
    eventAnyInWindow: {
      rule: { withinDays: 7 },
      match: { interactions: [{ event: 'Page Viewed', daysAgo: 2 }] },
      miss: { interactions: [{ event: 'Page Viewed', daysAgo: 8 }] },
    },
    eventCountInWindow: {
      rule: { event: 'Order Completed', withinDays: 30, count: { gte: 2 } },
      match: {
        interactions: [
          { event: 'Order Completed', daysAgo: 5 },
          { event: 'Order Completed', daysAgo: 29 },
        ],
      },
      miss: {
        interactions: [
          { event: 'Order Completed', daysAgo: 5 },
          { event: 'Order Completed', daysAgo: 31 },
          { event: 'Product Viewed', daysAgo: 6 },
        ],
      },
    },
    eventCountBetween: {
      rule: { event: 'Product Viewed', count: { gt: 1, lte: 3 } },
      match: {
        interactions: [
          { event: 'Product Viewed', daysAgo: 1 },
          { event: 'Product Viewed', daysAgo: 2 },
        ],
      },
      miss: {
        interactions: [
          { event: 'Product Viewed', daysAgo: 1 },
          { event: 'Product Viewed', daysAgo: 2 },
          { event: 'Product Viewed', daysAgo: 3 },
          { event: 'Product Viewed', daysAgo: 4 },
        ],
      },
    },
    eventCountZero: {
      rule: { event: 'Order Completed', withinDays: 180, count: { eq: 0 } },
      match: { interactions: [{ event: 'Order Completed', daysAgo: 200 }] },
      miss: { interactions: [{ event: 'Order Completed', daysAgo: 20 }] },
    },
    eventSumInWindow: {
      rule: { event: 'Order Completed', withinDays: 90, sum: { gte: 500 } },
      match: {
        interactions: [
          { event: 'Order Completed', daysAgo: 3, value: 499.5 },
          { event: 'Order Completed', daysAgo: 4, value: 0.5 },
          { event: 'Order Completed', daysAgo: 5 },
        ],
      },
      miss: {
        interactions: [
          { event: 'Order Completed', daysAgo: 3, value: 499.5 },
          { event: 'Refund Issued', daysAgo: 4, value: 100 },
        ],
      },
    },
    eventCountAndSum: {
      rule: { event: 'Order Completed', withinDays: 365, count: { gte: 2 }, sum: { gt: 1000 } },
      match: {
        interactions: [
          { event: 'Order Completed', daysAgo: 10, value: 900 },
          { event: 'Order Completed', daysAgo: 20, value: 200 },
        ],
      },
      miss: { interactions: [{ event: 'Order Completed', daysAgo: 10, value: 2000 }] },
    },
    eventProduct: {
      rule: { event: 'Product Viewed', product: shoe, withinDays: 14 },
      match: { interactions: [{ event: 'Product Viewed', daysAgo: 1, product: shoe }] },
      miss: { interactions: [{ event: 'Product Viewed', daysAgo: 1, product: book }] },
    },
    eventCategory: {
      rule: { event: 'Order Completed', category: running, count: { gte: 1 } },
      match: { interactions: [{ event: 'Order Completed', daysAgo: 1, product: shoe }] },
      miss: { interactions: [{ event: 'Order Completed', daysAgo: 1, product: book }] },
    },
    lifecycle: {
      rule: { lifecycle: 'ACTIVE' },
      match: { props: { lifecycleStage: 'ACTIVE' } },
      miss: { props: { lifecycleStage: 'DORMANT' } },
    },
    lifecycleIn: {
      rule: { lifecycle: { in: ['AT_RISK', 'DORMANT'] } },
      match: { props: { lifecycleStage: 'DORMANT' } },
      miss: { props: { lifecycleStage: 'CHURNED' } },
    },
    rfmGroup: {
      rule: { rfm: { group: 'champions' } },
      match: { props: { rfmGroup: 'champions' } },
      miss: { props: { rfmGroup: 'loyal' } },
    },
    rfmGroupIn: {
      rule: { rfm: { group: { in: ['at_risk', 'cannot_lose'] } } },
      match: { props: { rfmGroup: 'cannot_lose' } },
      miss: { props: {} },
    },
    rfmQuintiles: {
      rule: { rfm: { r: { gte: 4 }, f: { gte: 2, lte: 4 }, m: { eq: 5 } } },
      match: { props: { rfmR: 4, rfmF: 2, rfmM: 5 } },
      miss: { props: { rfmR: 5, rfmF: 5, rfmM: 5 } },
    },
    rfmScore: {
      rule: { rfm: { score: 'R5F5M5' } },
      match: { props: { rfmScore: 'R5F5M5' } },
      miss: { props: { rfmScore: 'R5F5M4' } },
    },
    identity: {
      rule: { identity: 'email' },
      match: { identifiers: ['email'] },
      miss: { identifiers: ['phone'] },
    },
    all: {
      rule: { all: [{ trait: 'city', eq: 'Shanghai' }, { lifecycle: 'ACTIVE' }] },
      match: { props: { 'trait.city': 'Shanghai', lifecycleStage: 'ACTIVE' } },
      miss: { props: { 'trait.city': 'Shanghai', lifecycleStage: 'NEW' } },
    },
    any: {
      rule: { any: [{ trait: 'city', eq: 'Shanghai' }, { identity: 'wechat_openid' }] },
      match: { identifiers: ['wechat_openid'] },
      miss: { props: { 'trait.city': 'Beijing' } },
    },
    not: {
      rule: { not: { trait: 'city', eq: 'Shanghai' } },
      // No city at all is "not Shanghai": the predicate is two-valued, so NOT does not swallow it.
      match: { props: {} },
      miss: { props: { 'trait.city': 'Shanghai' } },
    },
    notExists: {
      rule: { not: { trait: 'email', exists: true } },
      match: { props: {} },
      miss: { props: { 'trait.email': 'ann@example.com' } },
    },
    notAny: {
      rule: { not: { any: [{ lifecycle: 'CHURNED' }, { event: 'Unsubscribed', withinDays: 365 }] } },
      match: { props: { lifecycleStage: 'ACTIVE' }, interactions: [{ event: 'Unsubscribed', daysAgo: 400 }] },
      miss: { props: { lifecycleStage: 'ACTIVE' }, interactions: [{ event: 'Unsubscribed', daysAgo: 10 }] },
    },
    nested: {
      // "High-value runners at risk": the kind of rule marketers write.
      rule: {
        all: [
          { any: [{ rfm: { group: { in: ['champions', 'loyal'] } } }, { segment: id('big-spenders') }] },
          { event: 'Order Completed', category: running, withinDays: 365, count: { gte: 2 } },
          { lifecycle: { in: ['AT_RISK', 'DORMANT'] } },
          { not: { tag: id('vip') } },
        ],
      },
      match: {
        props: { rfmGroup: 'loyal', lifecycleStage: 'AT_RISK' },
        interactions: [
          { event: 'Order Completed', daysAgo: 100, product: shoe },
          { event: 'Order Completed', daysAgo: 200, product: shoe },
        ],
      },
      miss: {
        props: { rfmGroup: 'loyal', lifecycleStage: 'AT_RISK' },
        tags: [{ id: id('vip') }],
        interactions: [
          { event: 'Order Completed', daysAgo: 100, product: shoe },
          { event: 'Order Completed', daysAgo: 200, product: shoe },
        ],
      },
    },
  } satisfies Record<string, RuleCase>;

  return { cases, lookup, catalog };
}

export type CaseName = keyof ReturnType<typeof ruleWorld>['cases'];
