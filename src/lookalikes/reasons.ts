/**
 * Why a profile was matched to a seed: what it shares with the seed that is typical of the seed and unusual
 * in general. A feature (a tag, a product bought, a second-level category engaged with) is distinctive of the
 * seed when at least `minShare` of the seed profiles (and at least `minProfiles` of them) have it and they
 * have it more often than profiles in general (lift = seed share / population share above `minLift`).
 * Features are weighed by seed share × ln(lift): common in the seed and rare elsewhere counts most.
 */

/** What one profile has, as feature keys (`tag:<id>`, `product:<id>`, `category:<path>`) with their wording. */
export type ProfileFeatures = ReadonlyMap<string, string>;

export interface ReasonOptions {
  readonly minShare: number;
  readonly minProfiles: number;
  readonly minLift: number;
  /** Most reasons per match. */
  readonly limit: number;
}

export const DEFAULT_REASON_OPTIONS: ReasonOptions = {
  minShare: 0.1,
  minProfiles: 2,
  minLift: 1.2,
  limit: 5,
};

/** The key of each kind of feature. */
export const featureKey = {
  tag: (id: string) => `tag:${id}`,
  product: (id: string) => `product:${id}`,
  category: (path: string) => `category:${path}`,
};

/** The wording of each kind of feature, as reasons show it. */
export function tagFeature(id: string, category: string | null, name: string): [string, string] {
  return [featureKey.tag(id), `tag ${category ? `${category}/` : ''}${name}`];
}

export function productFeature(id: string, name: string | null): [string, string] {
  return [featureKey.product(id), `bought ${name ?? id}`];
}

export function categoryFeature(path: string): [string, string] {
  return [featureKey.category(path), `category ${path}`];
}

/**
 * Weights of the seed's distinctive features: `frequent` the number of seed profiles with each feature held by
 * at least `minProfiles` and a `minShare` of them (counted by seed-features.cypher), `seedSize` the number of
 * seed profiles counted, `populationShare` the share of all profiles with a feature (unknown: left out).
 */
export function distinctiveFeatures(
  frequent: ReadonlyMap<string, number>,
  seedSize: number,
  populationShare: (key: string) => number | undefined,
  options: ReasonOptions = DEFAULT_REASON_OPTIONS,
): Map<string, number> {
  const weights = new Map<string, number>();
  for (const [key, count] of frequent) {
    const share = count / seedSize;
    const population = populationShare(key);
    if (population === undefined || !(population > 0)) continue;
    const lift = share / population;
    if (lift > options.minLift) weights.set(key, share * Math.log(lift));
  }
  return weights;
}

/** The reasons of one match: its distinctive features of the seed, heaviest first, in words. */
export function lookalikeReasons(
  distinctive: ReadonlyMap<string, number>,
  match: ProfileFeatures,
  options: ReasonOptions = DEFAULT_REASON_OPTIONS,
): string[] {
  return [...match.entries()]
    .filter(([key]) => distinctive.has(key))
    .sort(([a], [b]) => distinctive.get(b)! - distinctive.get(a)! || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, options.limit)
    .map(([, text]) => text);
}
