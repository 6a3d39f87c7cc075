/**
 * The rule language marketers write for RULE tags and segments (see the README, "Rule language"): the JSON they write is
 * validated into the small AST below (parse.ts), which the compiler turns into a parameterised Cypher
 * predicate (compile.ts) and describe.ts into English.
 */

export const LIFECYCLE_STAGES = ['NEW', 'ACTIVE', 'AT_RISK', 'DORMANT', 'CHURNED'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const RFM_GROUPS = [
  'champions',
  'loyal',
  'potential_loyalist',
  'new_customers',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cannot_lose',
  'hibernating',
  'lost',
] as const;
export type RfmGroup = (typeof RFM_GROUPS)[number];

/** Combinators nested deeper than this are refused: nobody writes them by hand, and recursion stays bounded. */
export const MAX_DEPTH = 20;

/** Conditions in one rule once references are inlined; references shared in a diamond multiply quickly. */
export const MAX_CONDITIONS = 2000;

export type Scalar = string | number | boolean;

/** Range operators in the order their parameters are numbered, whatever the order of the JSON keys. */
export const RANGE_OPS = ['gt', 'gte', 'lt', 'lte', 'eq'] as const;
export type RangeOp = (typeof RANGE_OPS)[number];

/** One or two bounds (a lower and an upper one), or a single `eq`, in RANGE_OPS order. */
export type Bounds<T> = ReadonlyArray<{ readonly op: RangeOp; readonly value: T }>;

export type TraitTest =
  | { readonly op: 'eq'; readonly value: Scalar }
  | { readonly op: 'in'; readonly values: readonly Scalar[] }
  | { readonly op: 'range'; readonly bounds: Bounds<number | string> }
  | { readonly op: 'exists'; readonly value: boolean }
  | { readonly op: 'contains'; readonly value: Scalar };

export type RfmPart =
  | { readonly field: 'group'; readonly groups: readonly RfmGroup[] }
  | { readonly field: 'score'; readonly score: string }
  | { readonly field: 'r' | 'f' | 'm'; readonly bounds: Bounds<number> };

/**
 * A validated rule. References carry the referenced rule, inlined (`rule`), when it was resolved through a
 * RuleLookup; a MANUAL or MODEL tag has none and is tested on the HAS_TAG relationship instead.
 */
export type RuleNode =
  | { readonly kind: 'all'; readonly rules: readonly RuleNode[] }
  | { readonly kind: 'any'; readonly rules: readonly RuleNode[] }
  | { readonly kind: 'not'; readonly rule: RuleNode }
  | { readonly kind: 'trait'; readonly path: string; readonly test: TraitTest }
  | {
      readonly kind: 'tag';
      readonly id: string;
      readonly minScore: number | null;
      readonly rule: RuleNode | null;
    }
  | { readonly kind: 'segment'; readonly id: string; readonly rule: RuleNode | null }
  | {
      readonly kind: 'event';
      /** null: any event. */
      readonly event: string | null;
      /** null: all time. */
      readonly withinDays: number | null;
      readonly product: string | null;
      readonly category: string | null;
      /** Neither count nor sum: at least one such interaction. */
      readonly count: Bounds<number> | null;
      readonly sum: Bounds<number> | null;
    }
  | { readonly kind: 'lifecycle'; readonly stages: readonly LifecycleStage[] }
  | { readonly kind: 'rfm'; readonly parts: readonly RfmPart[] }
  | { readonly kind: 'identity'; readonly namespace: string };

/** Where a rule is wrong and how: `path` is like `rule.all[1].count.gte` ("rule" is the root). */
export interface RuleProblem {
  readonly path: string;
  readonly message: string;
}

/** A stored tag or segment, as named in cycle messages: `segment vip-buyers`. */
export interface RuleRef {
  readonly kind: 'tag' | 'segment';
  readonly id: string;
}

/**
 * How the compiler sees stored tags and segments. Synchronous: callers preload what a rule may need, so
 * compiling stays a pure function. `null` means there is no such tag or segment (it was deleted, say).
 */
export interface RuleLookup {
  tag(id: string): { kind: 'RULE' | 'MANUAL' | 'MODEL'; rule: unknown | null } | null;
  segment(id: string): { rule: unknown } | null;
}

export interface RuleOptions {
  /**
   * The tag or segment whose rule this is, when saving one: a reference back to it is then a cycle, and its
   * stored (old) rule is never inlined in its new one.
   */
  readonly self?: RuleRef;
}

export interface CompiledRule {
  /** A Cypher boolean expression over the Profile `p`; never null, so `RETURN … AS member` is true or false. */
  readonly predicate: string;
  /** Every value of the rule, as r0, r1, …; `$now` (epoch ms) is supplied by the caller. */
  readonly params: Record<string, unknown>;
  /** Tags and segments the rule depends on, directly or through inlined references, sorted. */
  readonly references: { readonly tags: string[]; readonly segments: string[] };
  /** The distinct `withinDays` used, ascending: membership changes as these windows pass. */
  readonly windowsDays: number[];
  /** True when the predicate reads `$now`. */
  readonly usesNow: boolean;
}

/** Thrown by compileRule and describeRule for an invalid rule, with every problem found. */
export class RuleError extends Error {
  constructor(readonly problems: readonly RuleProblem[]) {
    super(`invalid rule: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'RuleError';
  }
}
