import { parseRule } from './parse';
import { RuleError, type Bounds, type RangeOp, type RuleNode, type Scalar, type TraitTest } from './rule';

interface Phrase {
  readonly text: string;
  /** An and/or list, parenthesised inside another. */
  readonly compound: boolean;
}

const NUMBER_WORDS: Readonly<Record<RangeOp, string>> = {
  gt: 'more than',
  gte: 'at least',
  lt: 'less than',
  lte: 'at most',
  eq: 'exactly',
};
const COUNT_WORDS: Readonly<Record<RangeOp, string>> = { ...NUMBER_WORDS, lt: 'fewer than' };
const DATE_WORDS: Readonly<Record<RangeOp, string>> = {
  gt: 'after',
  gte: 'on or after',
  lt: 'before',
  lte: 'on or before',
  eq: 'on',
};

/** Plain words stay as they are; anything that could be misread (empty, "and", quotes) is quoted. */
function value(v: Scalar): string {
  if (typeof v !== 'string') return String(v);
  return /^[\p{L}\p{N}_][\p{L}\p{N} _.\-/@:+]*$/u.test(v) && !/ (and|or) /i.test(v) ? v : JSON.stringify(v);
}

/** "Shanghai", or "one of Shanghai, Beijing": no bare "or" that would blur an enclosing and/or. */
function alternatives(values: readonly Scalar[]): string {
  return values.length === 1 ? value(values[0]!) : `one of ${values.map(value).join(', ')}`;
}

/** "at least 4", "from 2 to 4", "more than 1 but less than 5" ("but", not "and", inside and-lists). */
function range(bounds: Bounds<Scalar>, words: Readonly<Record<RangeOp, string>>): string {
  const [first, second] = bounds;
  if (first && second && first.op === 'gte' && second.op === 'lte') {
    return `from ${value(first.value)} to ${value(second.value)}`;
  }
  return bounds.map((b) => `${words[b.op]} ${value(b.value)}`).join(' but ');
}

function trait(path: string, test: TraitTest): string {
  switch (test.op) {
    case 'eq':
      return `${path} is ${value(test.value)}`;
    case 'in':
      return `${path} is ${alternatives(test.values)}`;
    case 'range': {
      const dates = typeof test.bounds[0]?.value === 'string';
      return `${path} is ${range(test.bounds, dates ? DATE_WORDS : NUMBER_WORDS)}`;
    }
    case 'exists':
      return `${path} is ${test.value ? 'set' : 'not set'}`;
    case 'contains':
      return `${path} contains ${value(test.value)}`;
  }
}

function event(node: Extract<RuleNode, { kind: 'event' }>): string {
  const target = node.product
    ? ` of product ${value(node.product)}`
    : node.category
      ? ` in category ${value(node.category)}`
      : '';
  const what = `${node.event === null ? 'any event' : value(node.event)}${target}`;
  const window =
    node.withinDays === null ? '' : ` in the last ${node.withinDays} day${node.withinDays === 1 ? '' : 's'}`;
  let counted = `did ${what}`;
  if (node.count) {
    const [only, extra] = node.count;
    counted =
      only?.op === 'eq' && only.value === 0 && !extra
        ? `no ${what}`
        : `${range(node.count, COUNT_WORDS)} × ${what}`;
  } else if (node.sum) counted = what;
  const sum = node.sum ? ` with a total value of ${range(node.sum, NUMBER_WORDS)}` : '';
  return `${counted}${window}${sum}`;
}

const RFM_NAMES = { r: 'recency', f: 'frequency', m: 'monetary' } as const;

function phrase(node: RuleNode): Phrase {
  const simple = (text: string): Phrase => ({ text, compound: false });
  switch (node.kind) {
    case 'all':
    case 'any': {
      const parts = node.rules.map(phrase);
      if (parts.length === 1) return parts[0]!;
      const text = parts
        .map((p) => (p.compound ? `(${p.text})` : p.text))
        .join(node.kind === 'all' ? ' and ' : ' or ');
      return { text, compound: true };
    }
    case 'not':
      return simple(`not (${phrase(node.rule).text})`);
    case 'trait':
      return simple(trait(node.path, node.test));
    case 'tag':
      return simple(
        `has tag ${value(node.id)}${node.minScore === null ? '' : ` with a score of at least ${node.minScore}`}`,
      );
    case 'segment':
      return simple(`in segment ${value(node.id)}`);
    case 'event':
      return simple(event(node));
    case 'lifecycle':
      return simple(`lifecycle stage is ${alternatives(node.stages)}`);
    case 'rfm': {
      const parts = node.parts.map((part) => {
        if (part.field === 'group') return `RFM group is ${alternatives(part.groups)}`;
        if (part.field === 'score') return `RFM score is ${part.score}`;
        return `RFM ${RFM_NAMES[part.field]} is ${range(part.bounds, NUMBER_WORDS)}`;
      });
      return { text: parts.join(' and '), compound: parts.length > 1 };
    }
    case 'identity':
      return simple(`has ${/^[aeiou]/.test(node.namespace) ? 'an' : 'a'} ${node.namespace} identifier`);
  }
}

/**
 * A short English rendering of a rule for UIs and audit logs, such as "city is Shanghai and at least 2 ×
 * Order Completed in the last 30 days". References are named, not expanded. Throws RuleError when invalid.
 */
export function describeRule(rule: unknown): string {
  const { rule: node, problems } = parseRule(rule, null);
  if (!node) throw new RuleError(problems);
  return phrase(node).text;
}
