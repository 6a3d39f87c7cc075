import { parseRule } from './parse';
import {
  RuleError,
  type Bounds,
  type CompiledRule,
  type RangeOp,
  type RfmPart,
  type RuleLookup,
  type RuleNode,
  type RuleOptions,
  type TraitTest,
} from './rule';

/**
 * The compiled predicate is a plain boolean expression over `p`, so callers can embed it in any query
 * (`WHERE <predicate>`, `RETURN <predicate> AS member`). Two choices make that safe:
 *
 * - Every condition is two-valued. Cypher's null would otherwise leak through `not`: `NOT (p.city = 'x')` is
 *   null, not true, for a profile without a city. Property tests are wrapped in `coalesce(…, false)`;
 *   subqueries (EXISTS, COUNT, COLLECT) are never null.
 * - The variables the predicate binds inside its subqueries all start with `rule` (ruleX, ruleTag, ...):
 *   a subquery reuses a variable of the enclosing query with the same name, silently changing its meaning,
 *   so the enclosing query must not bind names starting with `rule`.
 */

const DAY_MS = 86_400_000;

const OPERATOR: Readonly<Record<RangeOp, string>> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=' };
/** A lower bound written on the left of a chained comparison: `$lo <= x < $hi`. */
const FLIPPED: Readonly<Record<RangeOp, string>> = { gt: '<', gte: '<=', lt: '>', lte: '>=', eq: '=' };

const INTERACTIONS = '(p)<-[:IN]-(:Identifier)-[:DID]->(ruleX:Interaction)';

/** How a fragment binds: atoms never need parentheses, tests only under NOT, and/or under any operator. */
type Binding = 'atom' | 'test' | 'and' | 'or';

interface Fragment {
  readonly text: string;
  readonly binding: Binding;
}

class Emitter {
  readonly params: Record<string, unknown> = {};
  readonly tags = new Set<string>();
  readonly segments = new Set<string>();
  readonly windows = new Set<number>();
  private next = 0;

  /** A new parameter for a value of the rule: values never appear in the text. */
  param(value: unknown): string {
    const name = `r${this.next}`;
    this.next += 1;
    this.params[name] = value;
    return `$${name}`;
  }

  /** `x >= $r1`, or `$r1 <= x < $r2` for two bounds (Cypher chains comparisons as `AND`, reading x once). */
  bounded(expr: string, bounds: Bounds<unknown>): string {
    const [first, second] = bounds;
    if (!first) throw new Error('a range without bounds');
    if (!second) return `${expr} ${OPERATOR[first.op]} ${this.param(first.value)}`;
    const low = this.param(first.value);
    return `${low} ${FLIPPED[first.op]} ${expr} ${OPERATOR[second.op]} ${this.param(second.value)}`;
  }
}

function atom(text: string): Fragment {
  return { text, binding: 'atom' };
}

/** Never null: a missing property or a comparison across types counts as false. */
function guarded(test: string): Fragment {
  return atom(`coalesce(${test}, false)`);
}

function grouped(fragment: Fragment, keep: readonly Binding[]): string {
  return keep.includes(fragment.binding) ? fragment.text : `(${fragment.text})`;
}

function join(fragments: readonly Fragment[], operator: 'AND' | 'OR'): Fragment {
  if (fragments.length === 1) return fragments[0]!;
  return {
    text: fragments.map((f) => grouped(f, ['atom', 'test'])).join(` ${operator} `),
    binding: operator === 'AND' ? 'and' : 'or',
  };
}

function trait(path: string, test: TraitTest, e: Emitter): Fragment {
  const property = `p[${e.param(`trait.${path}`)}]`;
  switch (test.op) {
    case 'eq':
      return guarded(`${property} = ${e.param(test.value)}`);
    case 'in':
      return guarded(`${property} IN ${e.param(test.values)}`);
    case 'range':
      return guarded(e.bounded(property, test.bounds));
    case 'exists':
      return { text: `${property} ${test.value ? 'IS NOT NULL' : 'IS NULL'}`, binding: 'test' };
    case 'contains': {
      const value = e.param(test.value);
      // A string trait contains a substring; a list trait contains an element; anything else contains nothing.
      const text =
        typeof test.value === 'string'
          ? `WHEN ${property} IS :: STRING THEN ${property} CONTAINS ${value} `
          : '';
      // `null IS :: STRING` holds in Cypher (types include null), so the CASE alone can yield null: guard it.
      return guarded(
        `CASE ${text}WHEN ${property} IS :: LIST<ANY> THEN ${value} IN ${property} ELSE false END`,
      );
    }
  }
}

function event(node: Extract<RuleNode, { kind: 'event' }>, e: Emitter): Fragment {
  const where: string[] = [];
  if (node.event !== null) where.push(`ruleX.event = ${e.param(node.event)}`);
  if (node.withinDays !== null) {
    e.windows.add(node.withinDays);
    where.push(`ruleX.at >= $now - ${e.param(node.withinDays)} * ${DAY_MS}`);
  }
  let pattern = INTERACTIONS;
  if (node.product !== null) pattern += `-[:ON]->(:Product {id: ${e.param(node.product)}})`;
  if (node.category !== null) {
    // A test rather than part of the MATCH: a product reaching the category by two paths still counts once.
    where.push(
      `EXISTS { (ruleX)-[:ON]->(:Product)-[:IN_CATEGORY]->(:Category)-[:CHILD_OF*0..]->(:Category {path: ${e.param(node.category)}}) }`,
    );
  }
  const match = `MATCH ${pattern}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`;
  if (!node.count && !node.sum) return atom(`EXISTS { ${match} }`);
  const tests: Fragment[] = [];
  if (node.count) tests.push({ text: e.bounded(`COUNT { ${match} }`, node.count), binding: 'test' });
  if (node.sum) {
    const sum = `reduce(ruleSum = 0.0, ruleValue IN COLLECT { ${match} RETURN ruleX.value } | ruleSum + coalesce(ruleValue, 0))`;
    tests.push({ text: e.bounded(sum, node.sum), binding: 'test' });
  }
  return join(tests, 'AND');
}

const RFM_PROPERTY = { r: 'p.rfmR', f: 'p.rfmF', m: 'p.rfmM' } as const;

function rfm(part: RfmPart, e: Emitter): Fragment {
  switch (part.field) {
    case 'group':
      return oneOf('p.rfmGroup', part.groups, e);
    case 'score':
      return guarded(`p.rfmScore = ${e.param(part.score)}`);
    default:
      return guarded(e.bounded(RFM_PROPERTY[part.field], part.bounds));
  }
}

function oneOf(property: string, values: readonly string[], e: Emitter): Fragment {
  return values.length === 1
    ? guarded(`${property} = ${e.param(values[0])}`)
    : guarded(`${property} IN ${e.param(values)}`);
}

function compileNode(node: RuleNode, e: Emitter): Fragment {
  switch (node.kind) {
    case 'all':
      return join(
        node.rules.map((rule) => compileNode(rule, e)),
        'AND',
      );
    case 'any':
      return join(
        node.rules.map((rule) => compileNode(rule, e)),
        'OR',
      );
    case 'not':
      return { text: `NOT ${grouped(compileNode(node.rule, e), ['atom'])}`, binding: 'test' };
    case 'trait':
      return trait(node.path, node.test, e);
    case 'tag':
      e.tags.add(node.id);
      // A RULE tag is evaluated from its rule, not from memberships refreshed who knows when.
      if (node.rule) return compileNode(node.rule, e);
      if (node.minScore === null) return atom(`EXISTS { (p)-[:HAS_TAG]->(:Tag {id: ${e.param(node.id)}}) }`);
      return atom(
        `EXISTS { MATCH (p)-[ruleTag:HAS_TAG]->(:Tag {id: ${e.param(node.id)}}) WHERE ruleTag.score >= ${e.param(node.minScore)} }`,
      );
    case 'segment':
      e.segments.add(node.id);
      if (!node.rule) throw new Error(`segment ${node.id} was not resolved (parse with a RuleLookup)`);
      return compileNode(node.rule, e);
    case 'event':
      return event(node, e);
    case 'lifecycle':
      return oneOf('p.lifecycleStage', node.stages, e);
    case 'rfm':
      return join(
        node.parts.map((part) => rfm(part, e)),
        'AND',
      );
    case 'identity':
      return atom(`EXISTS { (p)<-[:IN]-(:Identifier {namespace: ${e.param(node.namespace)}}) }`);
  }
}

/**
 * Compiles a JSON rule into a Cypher predicate over the Profile `p`, with every value as a parameter r0,
 * r1, ... in the order met; RULE tags and segments are inlined through `lookup`. Throws RuleError, with every
 * problem validateRule finds, when the rule is invalid.
 */
export function compileRule(rule: unknown, lookup: RuleLookup, options: RuleOptions = {}): CompiledRule {
  const { rule: node, problems } = parseRule(rule, lookup, options);
  if (!node) throw new RuleError(problems);
  const e = new Emitter();
  const predicate = compileNode(node, e).text;
  const windowsDays = [...e.windows].sort((a, b) => a - b);
  return {
    predicate,
    params: e.params,
    references: { tags: [...e.tags].sort(), segments: [...e.segments].sort() },
    windowsDays,
    usesNow: windowsDays.length > 0,
  };
}
