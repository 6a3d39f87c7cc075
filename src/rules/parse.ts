import { NAMESPACE_PATTERN } from '../identity/namespaces';
import { categoryPath } from '../ingest/ecommerce';
import {
  LIFECYCLE_STAGES,
  MAX_CONDITIONS,
  MAX_DEPTH,
  RANGE_OPS,
  RFM_GROUPS,
  type Bounds,
  type LifecycleStage,
  type RangeOp,
  type RfmGroup,
  type RfmPart,
  type RuleLookup,
  type RuleNode,
  type RuleOptions,
  type RuleProblem,
  type RuleRef,
  type Scalar,
  type TraitTest,
} from './rule';

/** Trait paths as stored on the Profile (`trait.<path>`): up to five dot-separated names. */
export const TRAIT_PATH = /^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,4}$/;

/** Dates are compared as strings, which orders them correctly only in ISO-8601 form. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;
const RFM_SCORE = /^R[1-5]F[1-5]M[1-5]$/;
const MAX_ID = 256;
const MAX_TEXT = 1024;
const MAX_LIST = 1000;
const MAX_WITHIN_DAYS = 3650;

type Family =
  'all' | 'any' | 'not' | 'trait' | 'tag' | 'segment' | 'event' | 'lifecycle' | 'rfm' | 'identity';

/**
 * The keys that say what kind of condition an object is; a behaviour condition may omit `event`. A Map, not
 * an object literal: a key such as "toString" must not find Object.prototype.
 */
const FAMILY_OF_KEY: ReadonlyMap<string, Family> = new Map<string, Family>([
  ['all', 'all'],
  ['any', 'any'],
  ['not', 'not'],
  ['trait', 'trait'],
  ['tag', 'tag'],
  ['segment', 'segment'],
  ['event', 'event'],
  ['withinDays', 'event'],
  ['product', 'event'],
  ['category', 'event'],
  ['count', 'event'],
  ['sum', 'event'],
  ['lifecycle', 'lifecycle'],
  ['rfm', 'rfm'],
  ['identity', 'identity'],
]);

const TRAIT_KEYS = ['trait', 'eq', 'in', 'gt', 'gte', 'lt', 'lte', 'exists', 'contains'] as const;
const TRAIT_RANGE_OPS: readonly RangeOp[] = ['gt', 'gte', 'lt', 'lte'];
const EVENT_KEYS = ['event', 'withinDays', 'product', 'category', 'count', 'sum'] as const;
const RFM_KEYS = ['group', 'score', 'r', 'f', 'm'] as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function has(object: Json, key: string): boolean {
  return Object.hasOwn(object, key);
}

/** `rule.all[1]`, `rule.count.gte`; keys that are not plain names are quoted: `rule["a b"]`. */
function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** A short rendering of what was found instead, for messages. */
function got(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (isObject(value)) return 'an object';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function list(items: readonly string[]): string {
  return items.join(', ');
}

function label(ref: RuleRef): string {
  return `${ref.kind} ${ref.id}`;
}

function sameRef(a: RuleRef, b: RuleRef): boolean {
  return a.kind === b.kind && a.id === b.id;
}

interface Scope {
  /** Combinators around this point of the rule being read (each stored rule counts from 0). */
  readonly depth: number;
  /** References being inlined, outermost first, each with the path of the reference in its own rule. */
  readonly chain: ReadonlyArray<{ readonly ref: RuleRef; readonly path: string }>;
}

class Parser {
  readonly problems: RuleProblem[] = [];
  private conditions = 0;

  constructor(
    private readonly lookup: RuleLookup | null,
    private readonly self: RuleRef | null,
  ) {}

  /**
   * A problem inside an inlined tag or segment is reported at the reference in the rule being validated
   * (the only place its author can act on), naming the chain of references and the path inside it.
   */
  private report(scope: Scope, path: string, message: string): void {
    const [outer] = scope.chain;
    if (!outer) this.problems.push({ path, message });
    else {
      const chain = scope.chain.map((link) => label(link.ref)).join(' -> ');
      this.problems.push({ path: outer.path, message: `in ${chain}, at ${path}: ${message}` });
    }
  }

  private fail(scope: Scope, path: string, message: string): null {
    this.report(scope, path, message);
    return null;
  }

  private failedSince(count: number): boolean {
    return this.problems.length > count;
  }

  rule(value: unknown, path: string, scope: Scope): RuleNode | null {
    this.conditions += 1;
    if (this.conditions === MAX_CONDITIONS + 1) {
      this.problems.push({
        path: 'rule',
        message: `has more than ${MAX_CONDITIONS} conditions once referenced tags and segments are inlined`,
      });
    }
    if (this.conditions > MAX_CONDITIONS) return null;
    if (!isObject(value)) {
      this.report(scope, path, `must be a rule object (got ${got(value)})`);
      return null;
    }
    const keys = Object.keys(value);
    const families = [...new Set(keys.flatMap((key) => FAMILY_OF_KEY.get(key) ?? []))];
    const [family] = families;
    if (family === undefined) {
      const found = keys.length > 0 ? `keys ${list(keys.map((k) => JSON.stringify(k)))}` : 'an empty object';
      this.report(
        scope,
        path,
        `is not a condition: it needs one of the keys ${list([...FAMILY_OF_KEY.keys()])} (got ${found})`,
      );
      return null;
    }
    if (families.length > 1) {
      const names = families.map((f) => `"${f}"`).join(' and ');
      this.report(scope, path, `mixes ${names}: write one condition per object and combine them with "all"`);
      return null;
    }
    switch (family) {
      case 'all':
      case 'any':
        return this.combination(family, value, path, scope);
      case 'not':
        return this.not(value, path, scope);
      case 'trait':
        return this.trait(value, path, scope);
      case 'tag':
        return this.tag(value, path, scope);
      case 'segment':
        return this.segment(value, path, scope);
      case 'event':
        return this.event(value, path, scope);
      case 'lifecycle':
        return this.lifecycle(value, path, scope);
      case 'rfm':
        return this.rfm(value, path, scope);
      case 'identity':
        return this.identity(value, path, scope);
    }
  }

  private onlyKeys(object: Json, path: string, scope: Scope, allowed: readonly string[], what: string): void {
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key)) {
        this.report(
          scope,
          at(path, key),
          `unknown key ${JSON.stringify(key)} in ${what}; allowed: ${list(allowed)}`,
        );
      }
    }
  }

  /** Entering a combinator; null (and a problem) when that would nest deeper than MAX_DEPTH. */
  private deeper(path: string, scope: Scope): Scope | null {
    if (scope.depth >= MAX_DEPTH) {
      this.report(scope, path, `nests all/any/not deeper than ${MAX_DEPTH} levels`);
      return null;
    }
    return { ...scope, depth: scope.depth + 1 };
  }

  private combination(kind: 'all' | 'any', object: Json, path: string, scope: Scope): RuleNode | null {
    const before = this.problems.length;
    this.onlyKeys(object, path, scope, [kind], `an "${kind}" condition`);
    const inner = this.deeper(path, scope);
    if (!inner) return null;
    const items = object[kind];
    const itemsPath = at(path, kind);
    if (!Array.isArray(items)) {
      this.report(scope, itemsPath, `must be a non-empty array of conditions (got ${got(items)})`);
      return null;
    }
    if (items.length === 0) {
      this.report(scope, itemsPath, `must not be empty: "${kind}" needs at least one condition`);
      return null;
    }
    const rules = items.map((item, i) => this.rule(item, at(itemsPath, i), inner));
    const valid = rules.filter((rule): rule is RuleNode => rule !== null);
    if (valid.length < rules.length || this.failedSince(before)) return null;
    return { kind, rules: valid };
  }

  private not(object: Json, path: string, scope: Scope): RuleNode | null {
    const before = this.problems.length;
    this.onlyKeys(object, path, scope, ['not'], 'a "not" condition');
    const inner = this.deeper(path, scope);
    if (!inner) return null;
    const rule = this.rule(object.not, at(path, 'not'), inner);
    return rule && !this.failedSince(before) ? { kind: 'not', rule } : null;
  }

  private trait(object: Json, path: string, scope: Scope): RuleNode | null {
    const before = this.problems.length;
    this.onlyKeys(object, path, scope, TRAIT_KEYS, 'a trait condition');
    const name = object.trait;
    if (typeof name !== 'string' || !TRAIT_PATH.test(name)) {
      this.report(
        scope,
        at(path, 'trait'),
        'must be a trait name like "city" or "address.city": up to 5 dot-separated names of letters, ' +
          `digits and _ (not starting with a digit, at most 64 characters each) (got ${got(name)})`,
      );
    }
    const families = ['eq', 'in', 'exists', 'contains', 'range'].filter((op) =>
      op === 'range' ? TRAIT_RANGE_OPS.some((r) => has(object, r)) : has(object, op),
    );
    if (families.length === 0) {
      if (!this.failedSince(before)) {
        this.report(scope, path, `needs an operator: one of ${list(TRAIT_KEYS.slice(1))}`);
      }
      return null;
    }
    if (families.length > 1) {
      const found = families.map((f) => (f === 'range' ? 'a range' : f)).join(' and ');
      this.report(
        scope,
        path,
        `has ${found}: use exactly one of eq, in, exists, contains or a range (gt/gte with lt/lte)`,
      );
      return null;
    }
    let test: TraitTest | null = null;
    switch (families[0]) {
      case 'eq': {
        const value = this.scalar(object.eq, at(path, 'eq'), scope);
        if (value !== null) test = { op: 'eq', value };
        break;
      }
      case 'in': {
        const values = this.nonEmptyList(object.in, at(path, 'in'), scope, (item, itemPath) =>
          this.scalar(item, itemPath, scope),
        );
        if (values) test = { op: 'in', values };
        break;
      }
      case 'exists':
        if (typeof object.exists === 'boolean') test = { op: 'exists', value: object.exists };
        else this.report(scope, at(path, 'exists'), `must be true or false (got ${got(object.exists)})`);
        break;
      case 'contains': {
        const value = this.scalar(object.contains, at(path, 'contains'), scope);
        if (value !== null) test = { op: 'contains', value };
        break;
      }
      default: {
        const bounds = this.bounds(object, path, scope, TRAIT_RANGE_OPS, (value, valuePath) =>
          this.traitBound(value, valuePath, scope),
        );
        if (bounds) test = { op: 'range', bounds };
      }
    }
    if (!test || typeof name !== 'string' || this.failedSince(before)) return null;
    return { kind: 'trait', path: name, test };
  }

  private scalar(value: unknown, path: string, scope: Scope): Scalar | null {
    if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
    if (typeof value === 'string') {
      if (value.length <= MAX_TEXT) return value;
      this.report(scope, path, `must be at most ${MAX_TEXT} characters (got ${value.length})`);
      return null;
    }
    const hint = value === null ? '; to test for a missing trait use "exists": false' : '';
    this.report(scope, path, `must be a string, number or boolean (got ${got(value)})${hint}`);
    return null;
  }

  private traitBound(value: unknown, path: string, scope: Scope): number | string | null {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))) return value;
    this.report(scope, path, `must be a number or an ISO-8601 date like "2024-01-31" (got ${got(value)})`);
    return null;
  }

  private nonEmptyList<T>(
    value: unknown,
    path: string,
    scope: Scope,
    item: (value: unknown, path: string) => T | null,
  ): T[] | null {
    if (!Array.isArray(value) || value.length === 0) {
      this.report(scope, path, `must be a non-empty array (got ${Array.isArray(value) ? '[]' : got(value)})`);
      return null;
    }
    if (value.length > MAX_LIST) {
      this.report(scope, path, `must have at most ${MAX_LIST} values (got ${value.length})`);
      return null;
    }
    const items = value.map((entry, i) => item(entry, at(path, i)));
    return items.every((entry): entry is T => entry !== null) ? items : null;
  }

  /**
   * Range operators read from `source` (the condition itself for traits, `count`, `sum`, `r`, ... otherwise).
   * A lower bound (gt or gte) may go with an upper one (lt or lte); eq stands alone.
   */
  private bounds<T extends number | string>(
    source: Json,
    path: string,
    scope: Scope,
    ops: readonly RangeOp[],
    check: (value: unknown, path: string) => T | null,
  ): Bounds<T> | null {
    const before = this.problems.length;
    const found: Array<{ op: RangeOp; value: T }> = [];
    for (const op of RANGE_OPS) {
      if (!ops.includes(op) || !has(source, op)) continue;
      const value = check(source[op], at(path, op));
      if (value !== null) found.push({ op, value });
    }
    const present = RANGE_OPS.filter((op) => ops.includes(op) && has(source, op));
    if (present.length === 0) {
      this.report(scope, path, `needs at least one of ${list(ops)}`);
      return null;
    }
    if (present.includes('gt') && present.includes('gte'))
      this.report(scope, path, 'use gt or gte, not both');
    if (present.includes('lt') && present.includes('lte'))
      this.report(scope, path, 'use lt or lte, not both');
    if (present.includes('eq') && present.length > 1) {
      this.report(scope, path, 'eq cannot be combined with gt, gte, lt or lte');
    }
    if (this.failedSince(before)) return null;
    const lower = found.find((b) => b.op === 'gt' || b.op === 'gte');
    const upper = found.find((b) => b.op === 'lt' || b.op === 'lte');
    if (lower && upper) {
      if (typeof lower.value !== typeof upper.value) {
        this.report(scope, path, 'bounds must be both numbers or both dates');
        return null;
      }
      const strict = lower.op === 'gt' || upper.op === 'lt';
      if (lower.value > upper.value || (lower.value === upper.value && strict)) {
        this.report(
          scope,
          path,
          `can never hold: ${lower.op} ${got(lower.value)} and ${upper.op} ${got(upper.value)}`,
        );
        return null;
      }
    }
    return found;
  }

  /** A range object such as `count` or `rfm.r`: only range operators, at least one. */
  private rangeObject<T extends number>(
    value: unknown,
    path: string,
    scope: Scope,
    check: (value: unknown, path: string) => T | null,
  ): Bounds<T> | null {
    if (!isObject(value)) {
      this.report(
        scope,
        path,
        `must be an object of ${list(RANGE_OPS)}, like { "gte": 2 } (got ${got(value)})`,
      );
      return null;
    }
    const before = this.problems.length;
    this.onlyKeys(value, path, scope, RANGE_OPS, 'a range');
    // An unknown key already says what is wrong with { "atLeast": 2 }; "needs one of" would repeat it.
    if (this.failedSince(before) && !RANGE_OPS.some((op) => has(value, op))) return null;
    const bounds = this.bounds(value, path, scope, RANGE_OPS, check);
    return this.failedSince(before) ? null : bounds;
  }

  private id(value: unknown, path: string, scope: Scope, what: string): string | null {
    if (typeof value === 'string' && value.trim().length > 0 && value.length <= MAX_ID) return value;
    this.report(
      scope,
      path,
      `must be a ${what} id: a non-empty string of at most ${MAX_ID} characters (got ${got(value)})`,
    );
    return null;
  }

  /** A reference already being inlined: a cycle, named from where it starts (`segment A -> segment B -> segment A`). */
  private cycle(ref: RuleRef, path: string, scope: Scope): boolean {
    const stack = [...(this.self ? [this.self] : []), ...scope.chain.map((link) => link.ref)];
    const start = stack.findIndex((entry) => sameRef(entry, ref));
    if (start === -1) return false;
    const names = [...stack.slice(start), ref].map(label).join(' -> ');
    this.problems.push({ path: scope.chain[0]?.path ?? path, message: `refers to itself: ${names}` });
    return true;
  }

  /** The stored rule of a RULE tag or a segment, read as a rule of its own, to be inlined. */
  private inline(ref: RuleRef, stored: unknown, path: string, scope: Scope): RuleNode | null {
    return this.rule(stored, 'rule', { depth: 0, chain: [...scope.chain, { ref, path }] });
  }

  private tag(object: Json, path: string, scope: Scope): RuleNode | null {
    const before = this.problems.length;
    this.onlyKeys(object, path, scope, ['tag', 'minScore'], 'a tag condition');
    const idPath = at(path, 'tag');
    const id = this.id(object.tag, idPath, scope, 'tag');
    let minScore: number | null = null;
    if (has(object, 'minScore')) {
      const value = object.minScore;
      if (typeof value === 'number' && value >= 0 && value <= 1) minScore = value;
      else this.report(scope, at(path, 'minScore'), `must be a number from 0 to 1 (got ${got(value)})`);
    }
    // The reference is resolved even when something else is wrong, so a deleted tag is reported too.
    if (id === null) return null;
    let rule: RuleNode | null = null;
    if (this.lookup) {
      const ref: RuleRef = { kind: 'tag', id };
      if (this.cycle(ref, idPath, scope)) return null;
      const stored = this.lookup.tag(id);
      if (!stored) return this.fail(scope, idPath, `there is no tag ${JSON.stringify(id)} (was it deleted?)`);
      if (stored.kind === 'RULE' && minScore !== null) {
        this.report(
          scope,
          at(path, 'minScore'),
          `tag ${JSON.stringify(id)} is a RULE tag, whose members have no score; minScore is for MANUAL and MODEL tags`,
        );
      } else if (stored.kind === 'RULE') {
        rule = this.inline(ref, stored.rule, idPath, scope);
      }
    }
    return this.failedSince(before) ? null : { kind: 'tag', id, minScore, rule };
  }

  private segment(object: Json, path: string, scope: Scope): RuleNode | null {
    const before = this.problems.length;
    this.onlyKeys(object, path, scope, ['segment'], 'a segment condition');
    const idPath = at(path, 'segment');
    const id = this.id(object.segment, idPath, scope, 'segment');
    if (id === null) return null;
    let rule: RuleNode | null = null;
    if (this.lookup) {
      const ref: RuleRef = { kind: 'segment', id };
      if (this.cycle(ref, idPath, scope)) return null;
      const stored = this.lookup.segment(id);
      if (!stored)
        return this.fail(scope, idPath, `there is no segment ${JSON.stringify(id)} (was it deleted?)`);
      rule = this.inline(ref, stored.rule, idPath, scope);
    }
    return this.failedSince(before) ? null : { kind: 'segment', id, rule };
  }

  private event(object: Json, path: string, scope: Scope): RuleNode | null {
    const before = this.problems.length;
    this.onlyKeys(object, path, scope, EVENT_KEYS, 'a behaviour condition');
    let event: string | null = null;
    if (has(object, 'event')) {
      const value = object.event;
      // Ingestion trims event names, so a stray space in the rule would never match.
      if (typeof value === 'string' && value.trim().length > 0 && value.length <= 512) event = value.trim();
      else
        this.report(
          scope,
          at(path, 'event'),
          `must be an event name such as "Order Completed" (got ${got(value)})`,
        );
    }
    let withinDays: number | null = null;
    if (has(object, 'withinDays')) {
      const value = object.withinDays;
      if (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_WITHIN_DAYS) {
        withinDays = value as number;
      } else {
        this.report(
          scope,
          at(path, 'withinDays'),
          `must be a whole number of days from 1 to ${MAX_WITHIN_DAYS}; leave it out for all time (got ${got(value)})`,
        );
      }
    }
    const product = has(object, 'product')
      ? this.id(object.product, at(path, 'product'), scope, 'product')
      : null;
    let category: string | null = null;
    if (has(object, 'category')) {
      // The same normalisation as ingestion, so "Sports > Running" finds "Sports/Running".
      category = categoryPath(typeof object.category === 'string' ? object.category : null);
      if (category === null) {
        this.report(
          scope,
          at(path, 'category'),
          `must be a category path like "Sports/Running" (got ${got(object.category)})`,
        );
      }
    }
    if (has(object, 'product') && has(object, 'category')) {
      this.report(scope, path, 'use product or category, not both');
    }
    const count = has(object, 'count')
      ? this.rangeObject(object.count, at(path, 'count'), scope, (value, valuePath) =>
          Number.isInteger(value) && (value as number) >= 0
            ? (value as number)
            : this.fail(scope, valuePath, `must be a whole number, 0 or more (got ${got(value)})`),
        )
      : null;
    const sum = has(object, 'sum')
      ? this.rangeObject(object.sum, at(path, 'sum'), scope, (value, valuePath) =>
          typeof value === 'number' && Number.isFinite(value)
            ? value
            : this.fail(scope, valuePath, `must be a number (got ${got(value)})`),
        )
      : null;
    if (this.failedSince(before)) return null;
    return { kind: 'event', event, withinDays, product, category, count, sum };
  }

  /** A value of an enumeration, or `{ "in": [values] }`. */
  private oneOrIn<T extends string>(
    value: unknown,
    path: string,
    scope: Scope,
    allowed: readonly T[],
  ): T[] | null {
    const member = (entry: unknown, entryPath: string): T | null => {
      if (typeof entry === 'string' && (allowed as readonly string[]).includes(entry)) return entry as T;
      this.report(scope, entryPath, `must be one of ${list(allowed)} (got ${got(entry)})`);
      return null;
    };
    if (!isObject(value)) {
      const one = member(value, path);
      return one === null ? null : [one];
    }
    const before = this.problems.length;
    this.onlyKeys(value, path, scope, ['in'], 'a list of values');
    const values = has(value, 'in') ? this.nonEmptyList(value.in, at(path, 'in'), scope, member) : null;
    if (!has(value, 'in') && !this.failedSince(before)) {
      this.report(scope, path, `must be one of ${list(allowed)} or { "in": [...] } (got an object)`);
    }
    return this.failedSince(before) ? null : values;
  }

  private lifecycle(object: Json, path: string, scope: Scope): RuleNode | null {
    const before = this.problems.length;
    this.onlyKeys(object, path, scope, ['lifecycle'], 'a lifecycle condition');
    const stages = this.oneOrIn<LifecycleStage>(
      object.lifecycle,
      at(path, 'lifecycle'),
      scope,
      LIFECYCLE_STAGES,
    );
    return stages && !this.failedSince(before) ? { kind: 'lifecycle', stages } : null;
  }

  private rfm(object: Json, path: string, scope: Scope): RuleNode | null {
    const before = this.problems.length;
    this.onlyKeys(object, path, scope, ['rfm'], 'an RFM condition');
    const rfmPath = at(path, 'rfm');
    const value = object.rfm;
    if (!isObject(value) || Object.keys(value).length === 0) {
      this.report(scope, rfmPath, `must be an object with any of ${list(RFM_KEYS)} (got ${got(value)})`);
      return null;
    }
    this.onlyKeys(value, rfmPath, scope, RFM_KEYS, 'an RFM condition');
    const parts: RfmPart[] = [];
    if (has(value, 'group')) {
      const groups = this.oneOrIn<RfmGroup>(value.group, at(rfmPath, 'group'), scope, RFM_GROUPS);
      if (groups) parts.push({ field: 'group', groups });
    }
    if (has(value, 'score')) {
      const score = value.score;
      if (typeof score === 'string' && RFM_SCORE.test(score)) parts.push({ field: 'score', score });
      else this.report(scope, at(rfmPath, 'score'), `must be an RFM score like "R5F3M4" (got ${got(score)})`);
    }
    for (const field of ['r', 'f', 'm'] as const) {
      if (!has(value, field)) continue;
      const bounds = this.rangeObject(value[field], at(rfmPath, field), scope, (entry, entryPath) =>
        Number.isInteger(entry) && (entry as number) >= 1 && (entry as number) <= 5
          ? (entry as number)
          : this.fail(scope, entryPath, `must be a quintile, a whole number from 1 to 5 (got ${got(entry)})`),
      );
      if (bounds) parts.push({ field, bounds });
    }
    return this.failedSince(before) ? null : { kind: 'rfm', parts };
  }

  private identity(object: Json, path: string, scope: Scope): RuleNode | null {
    const before = this.problems.length;
    this.onlyKeys(object, path, scope, ['identity'], 'an identity condition');
    const namespace = object.identity;
    if (typeof namespace !== 'string' || !NAMESPACE_PATTERN.test(namespace)) {
      this.report(
        scope,
        at(path, 'identity'),
        `must be an identifier namespace like "email" or "wechat_openid" (got ${got(namespace)})`,
      );
      return null;
    }
    return this.failedSince(before) ? null : { kind: 'identity', namespace };
  }
}

function dedupe(problems: readonly RuleProblem[]): RuleProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\n${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Reads a JSON rule into its AST, collecting every problem found (never throws for any JSON input).
 * With a lookup, RULE tags and segments are resolved and inlined; without one, references are kept as ids
 * (enough to describe a rule, not to compile it). `rule` is null exactly when there are problems.
 */
export function parseRule(
  rule: unknown,
  lookup: RuleLookup | null,
  options: RuleOptions = {},
): { rule: RuleNode | null; problems: RuleProblem[] } {
  const parser = new Parser(lookup, options.self ?? null);
  const node = parser.rule(rule, 'rule', { depth: 0, chain: [] });
  const problems = dedupe(parser.problems);
  return { rule: problems.length === 0 ? node : null, problems };
}

/** Every problem of a rule, in the order met; empty when compileRule would succeed. Never throws. */
export function validateRule(rule: unknown, lookup: RuleLookup, options: RuleOptions = {}): RuleProblem[] {
  return parseRule(rule, lookup, options).problems;
}
