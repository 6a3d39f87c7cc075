import { categoryPath } from '../ingest/ecommerce';
import type { Bounds, RangeOp, RfmPart, RuleNode, Scalar, TraitTest } from './rule';

/**
 * The same rules, evaluated in memory over what one read loaded about a profile. Profile changes are
 * settled this way (every audience at once, for a batch of profiles, with no further query); whole-graph
 * evaluations use the compiled Cypher. The two must agree exactly: test/integration/rules-agree.test.ts
 * runs random rules over random profiles both ways. Where Cypher's comparison rules differ from
 * JavaScript's (values of different types never compare, null is never equal), this follows Cypher.
 */

/** One interaction as evaluation sees it. */
export interface FactInteraction {
  readonly event: string;
  readonly at: number;
  readonly value: number | null;
  readonly productId: string | null;
  /** The product's category path, when it has a product. */
  readonly category: string | null;
}

/** What evaluating rules needs to know about one profile. */
export interface ProfileFacts {
  /** The profile's properties: `trait.<path>`, lifecycleStage, rfmR/F/M, rfmScore, rfmGroup. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Tag id to score (null when ungraded). */
  readonly tags: ReadonlyMap<string, number | null>;
  /** Namespaces of its own identifiers. */
  readonly namespaces: ReadonlySet<string>;
  readonly interactions: readonly FactInteraction[];
}

const DAY_MS = 86_400_000;

type Kind = 'number' | 'string' | 'boolean' | 'list' | 'other';

function kindOf(value: unknown): Kind {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'list';
  return 'other';
}

/** Cypher `=`: values of different types are never equal; lists compare element by element. */
function equals(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  const kind = kindOf(a);
  if (kind !== kindOf(b)) return false;
  if (kind === 'list') {
    const x = a as unknown[];
    const y = b as unknown[];
    return x.length === y.length && x.every((item, i) => equals(item, y[i]));
  }
  return a === b;
}

/** Cypher ordering comparisons: numbers with numbers, strings with strings; anything else is not comparable. */
function compare(a: unknown, op: RangeOp, b: unknown): boolean {
  if (op === 'eq') return equals(a, b);
  const kind = kindOf(a);
  if (kind !== kindOf(b) || (kind !== 'number' && kind !== 'string')) return false;
  const x = a as number | string;
  const y = b as number | string;
  switch (op) {
    case 'gt':
      return x > y;
    case 'gte':
      return x >= y;
    case 'lt':
      return x < y;
    case 'lte':
      return x <= y;
  }
}

function within<T>(value: unknown, bounds: Bounds<T>): boolean {
  return bounds.every((bound) => compare(value, bound.op, bound.value));
}

function traitHolds(value: unknown, test: TraitTest): boolean {
  switch (test.op) {
    case 'eq':
      return equals(value, test.value);
    case 'in':
      return test.values.some((candidate: Scalar) => equals(value, candidate));
    case 'range':
      return within(value, test.bounds);
    case 'exists':
      return (value !== null && value !== undefined) === test.value;
    case 'contains':
      if (typeof value === 'string') return typeof test.value === 'string' && value.includes(test.value);
      if (Array.isArray(value)) return value.some((item) => equals(item, test.value));
      return false;
  }
}

function inCategory(path: string | null, category: string): boolean {
  return path !== null && (path === category || path.startsWith(`${category}/`));
}

function eventHolds(node: Extract<RuleNode, { kind: 'event' }>, facts: ProfileFacts, now: number): boolean {
  // The rule language normalises categories as ingestion does ("A > B" is "A/B").
  const category = node.category === null ? null : (categoryPath(node.category) ?? node.category);
  const matching = facts.interactions.filter(
    (x) =>
      (node.event === null || x.event === node.event) &&
      (node.withinDays === null || x.at >= now - node.withinDays * DAY_MS) &&
      (node.product === null || x.productId === node.product) &&
      (category === null || inCategory(x.category, category)),
  );
  if (!node.count && !node.sum) return matching.length > 0;
  if (node.count && !within(matching.length, node.count)) return false;
  if (
    node.sum &&
    !within(
      matching.reduce((sum, x) => sum + (x.value ?? 0), 0),
      node.sum,
    )
  )
    return false;
  return true;
}

const RFM_PROPERTY = { r: 'rfmR', f: 'rfmF', m: 'rfmM' } as const;

const traitProperties = new WeakMap<RuleNode, string>();

/**
 * The profile property a trait test reads, made once per rule node: a settle tests every rule's traits for
 * every profile, and a key built each time is a new string to allocate and to look up in V8's string table.
 */
function traitProperty(node: Extract<RuleNode, { kind: 'trait' }>): string {
  let property = traitProperties.get(node);
  if (property === undefined) traitProperties.set(node, (property = `trait.${node.path}`));
  return property;
}

function rfmHolds(part: RfmPart, properties: Readonly<Record<string, unknown>>): boolean {
  switch (part.field) {
    case 'group':
      return part.groups.some((group) => equals(properties.rfmGroup, group));
    case 'score':
      return equals(properties.rfmScore, part.score);
    default:
      return within(properties[RFM_PROPERTY[part.field]], part.bounds);
  }
}

/** Whether the profile described by `facts` satisfies the parsed rule `node` at time `now` (epoch ms). */
export function evaluateRule(node: RuleNode, facts: ProfileFacts, now: number): boolean {
  switch (node.kind) {
    case 'all':
      return node.rules.every((rule) => evaluateRule(rule, facts, now));
    case 'any':
      return node.rules.some((rule) => evaluateRule(rule, facts, now));
    case 'not':
      return !evaluateRule(node.rule, facts, now);
    case 'trait':
      return traitHolds(facts.properties[traitProperty(node)], node.test);
    case 'tag': {
      if (node.rule) return evaluateRule(node.rule, facts, now);
      if (!facts.tags.has(node.id)) return false;
      if (node.minScore === null) return true;
      const score = facts.tags.get(node.id);
      return typeof score === 'number' && score >= node.minScore;
    }
    case 'segment':
      if (!node.rule) throw new Error(`segment ${node.id} was not resolved (parse with a RuleLookup)`);
      return evaluateRule(node.rule, facts, now);
    case 'event':
      return eventHolds(node, facts, now);
    case 'lifecycle':
      return node.stages.some((stage) => equals(facts.properties.lifecycleStage, stage));
    case 'rfm':
      return node.parts.every((part) => rfmHolds(part, facts.properties));
    case 'identity':
      return facts.namespaces.has(node.namespace);
  }
}

/**
 * Which interactions evaluating some rules reads: those of the last `windowDays` days (the longest window),
 * and of all time those of the `allTime` events; every one when `everything` (a rule counts any event of all
 * time). What a settle must load of a long-lived profile's history, and no more.
 */
export interface InteractionsNeeded {
  readonly windowDays: number;
  readonly allTime: ReadonlySet<string>;
  readonly everything: boolean;
}

/** What evaluating `nodes` reads of a profile's interactions (see InteractionsNeeded). */
export function interactionsNeeded(nodes: readonly RuleNode[]): InteractionsNeeded {
  let windowDays = 0;
  const allTime = new Set<string>();
  let everything = false;
  const visit = (node: RuleNode): void => {
    switch (node.kind) {
      case 'all':
      case 'any':
        node.rules.forEach(visit);
        return;
      case 'not':
        visit(node.rule);
        return;
      case 'tag':
      case 'segment':
        if (node.rule) visit(node.rule);
        return;
      case 'event':
        if (node.withinDays !== null) windowDays = Math.max(windowDays, node.withinDays);
        else if (node.event !== null) allTime.add(node.event);
        else everything = true;
        return;
      default:
        return;
    }
  };
  nodes.forEach(visit);
  return { windowDays, allTime, everything };
}
