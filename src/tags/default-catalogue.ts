/**
 * The catalogue installed on an empty database: the usual dimensions of a 标签体系. RULE tags carry rules
 * in the rule language (README, "Rule language"); MODEL tags are filled by the models (interest affinity, value
 * bands, clusters) and are listed here only where their set is fixed.
 */
export interface DefaultCategory {
  readonly id: string;
  readonly name: string;
  readonly children?: readonly DefaultCategory[];
  readonly tags?: ReadonlyArray<{
    id: string;
    name: string;
    kind: 'RULE' | 'MODEL';
    rule?: unknown;
    description?: string;
  }>;
}

const ageBand = (id: string, name: string, range: Record<string, number>) => ({
  id,
  name,
  kind: 'RULE' as const,
  rule: { trait: 'age', ...range },
});

const CITIES = [
  'Beijing',
  'Shanghai',
  'Guangzhou',
  'Shenzhen',
  'Hangzhou',
  'Chengdu',
  'Wuhan',
  'Nanjing',
  "Xi'an",
  'Suzhou',
];

const rfmScores = (letter: 'r' | 'f' | 'm', label: string) =>
  [5, 4, 3, 2, 1].map((score) => ({
    id: `tag-rfm-${letter}${score}`,
    name: `${label} ${score}`,
    kind: 'RULE' as const,
    rule: { rfm: { [letter]: { eq: score } } },
  }));

export const RFM_GROUP_LABELS: ReadonlyArray<[string, string]> = [
  ['champions', 'Champions'],
  ['loyal', 'Loyal'],
  ['potential_loyalist', 'Potential loyalists'],
  ['new_customers', 'New customers'],
  ['promising', 'Promising'],
  ['need_attention', 'Need attention'],
  ['about_to_sleep', 'About to sleep'],
  ['at_risk', 'At risk'],
  ['cannot_lose', 'Cannot lose them'],
  ['hibernating', 'Hibernating'],
  ['lost', 'Lost'],
];

export const DEFAULT_CATALOGUE: readonly DefaultCategory[] = [
  {
    id: 'cat-demographic',
    name: 'Demographic',
    children: [
      {
        id: 'cat-demographic-gender',
        name: 'Gender',
        tags: [
          {
            id: 'tag-gender-female',
            name: 'Female',
            kind: 'RULE',
            rule: { trait: 'gender', in: ['female', 'Female', 'F', 'f'] },
          },
          {
            id: 'tag-gender-male',
            name: 'Male',
            kind: 'RULE',
            rule: { trait: 'gender', in: ['male', 'Male', 'M', 'm'] },
          },
        ],
      },
      {
        id: 'cat-demographic-age',
        name: 'Age band',
        tags: [
          ageBand('tag-age-18-24', '18-24', { gte: 18, lt: 25 }),
          ageBand('tag-age-25-34', '25-34', { gte: 25, lt: 35 }),
          ageBand('tag-age-35-44', '35-44', { gte: 35, lt: 45 }),
          ageBand('tag-age-45-54', '45-54', { gte: 45, lt: 55 }),
          ageBand('tag-age-55-plus', '55+', { gte: 55 }),
        ],
      },
      {
        id: 'cat-demographic-city',
        name: 'City',
        tags: CITIES.map((city) => ({
          id: `tag-city-${city.toLowerCase().replace(/[^a-z]/g, '')}`,
          name: city,
          kind: 'RULE' as const,
          rule: { trait: 'city', eq: city },
        })),
      },
    ],
  },
  {
    id: 'cat-behaviour',
    name: 'Behaviour',
    children: [
      {
        id: 'cat-behaviour-frequency',
        name: 'Purchase frequency',
        tags: [
          {
            id: 'tag-buyer-frequent',
            name: 'Frequent buyer',
            kind: 'RULE',
            description: 'At least 4 orders in the last 90 days.',
            rule: { event: 'Order Completed', withinDays: 90, count: { gte: 4 } },
          },
          {
            id: 'tag-buyer-occasional',
            name: 'Occasional buyer',
            kind: 'RULE',
            description: '1 to 3 orders in the last 90 days.',
            rule: { event: 'Order Completed', withinDays: 90, count: { gte: 1, lte: 3 } },
          },
          {
            id: 'tag-buyer-lapsed',
            name: 'Lapsed buyer',
            kind: 'RULE',
            description: 'Ordered before, but not in the last 90 days.',
            rule: {
              all: [{ event: 'Order Completed' }, { not: { event: 'Order Completed', withinDays: 90 } }],
            },
          },
        ],
      },
      {
        id: 'cat-behaviour-aov',
        name: 'Average order value',
        tags: [
          {
            id: 'tag-aov-low',
            name: 'AOV under 100',
            kind: 'MODEL',
            description: 'Average order value below 100.',
          },
          {
            id: 'tag-aov-mid',
            name: 'AOV 100-300',
            kind: 'MODEL',
            description: 'Average order value from 100 to 300.',
          },
          {
            id: 'tag-aov-high',
            name: 'AOV 300+',
            kind: 'MODEL',
            description: 'Average order value of 300 or more.',
          },
        ],
      },
      {
        id: 'cat-behaviour-activity',
        name: 'Last active',
        tags: [
          { id: 'tag-active-7d', name: 'Active in the last 7 days', kind: 'RULE', rule: { withinDays: 7 } },
          {
            id: 'tag-active-30d',
            name: 'Active in the last 30 days',
            kind: 'RULE',
            rule: { withinDays: 30 },
          },
          {
            id: 'tag-inactive-90d',
            name: 'Inactive for 90 days',
            kind: 'RULE',
            rule: { not: { withinDays: 90 } },
          },
        ],
      },
      { id: 'cat-behaviour-clusters', name: 'Behaviour clusters' },
    ],
  },
  { id: 'cat-interest', name: 'Interest' },
  {
    id: 'cat-lifecycle',
    name: 'Lifecycle',
    tags: (['NEW', 'ACTIVE', 'AT_RISK', 'DORMANT', 'CHURNED'] as const).map((stage) => ({
      id: `tag-lifecycle-${stage.toLowerCase().replace('_', '-')}`,
      name: stage.charAt(0) + stage.slice(1).toLowerCase().replace('_', ' '),
      kind: 'RULE' as const,
      rule: { lifecycle: stage },
    })),
  },
  {
    id: 'cat-value',
    name: 'Value',
    children: [
      {
        id: 'cat-value-rfm-groups',
        name: 'RFM groups',
        tags: RFM_GROUP_LABELS.map(([group, label]) => ({
          id: `tag-rfm-${group.replace(/_/g, '-')}`,
          name: label,
          kind: 'RULE' as const,
          rule: { rfm: { group } },
        })),
      },
      { id: 'cat-value-recency', name: 'Recency quintile', tags: rfmScores('r', 'Recency') },
      { id: 'cat-value-frequency', name: 'Frequency quintile', tags: rfmScores('f', 'Frequency') },
      { id: 'cat-value-monetary', name: 'Monetary quintile', tags: rfmScores('m', 'Monetary') },
    ],
  },
];

/** The id of the MODEL tag holding interest in a top-level product category. */
export function interestTagId(category: string): string {
  return `tag-interest-${category.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

export function clusterTagId(cluster: number): string {
  return `tag-cluster-${cluster + 1}`;
}

export const INTEREST_CATEGORY_ID = 'cat-interest';
export const CLUSTER_CATEGORY_ID = 'cat-behaviour-clusters';
