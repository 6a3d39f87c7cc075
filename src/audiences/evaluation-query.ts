import type { Purpose } from '../privacy/consent';
import type { CompiledRule, RuleNode } from '../rules/rule';

/**
 * A rule-defined set of profiles: a RULE tag or a segment, with its rule compiled (whole-graph evaluation in
 * Cypher, consent included) and parsed (evaluation in memory when settling profiles).
 */
export interface Audience {
  readonly kind: 'tag' | 'segment';
  readonly id: string;
  readonly compiled: CompiledRule;
  readonly node: RuleNode;
  /** For segments: the purpose whose consent members need. */
  readonly purpose: Purpose | null;
}

export interface EvaluationQuery {
  readonly text: string;
  /** The audiences' rule values, renamed apart; the caller adds `$ids` and `$now`. */
  readonly params: Record<string, unknown>;
}

/**
 * One statement that evaluates every audience for a batch of profiles and returns, beside the results, the
 * memberships stored now, so the caller can write only the differences. Each audience's parameters are
 * renamed from `$rN` to `$aI_rN` so that many rules share one statement; values are never spliced in.
 */
export function evaluationQuery(audiences: readonly Audience[]): EvaluationQuery {
  const params: Record<string, unknown> = {};
  const predicates = audiences.map((audience, i) => {
    for (const [name, value] of Object.entries(audience.compiled.params)) params[`a${i}_${name}`] = value;
    return audience.compiled.predicate.replace(/\$(r\d+)\b/g, (_, name: string) => `$a${i}_${name}`);
  });
  const text = [
    'UNWIND $ids AS id',
    'MATCH (p:Profile {id: id})',
    'RETURN id,',
    `  [${predicates.map((predicate) => `\n    (${predicate})`).join(',')}\n  ] AS results,`,
    "  [(p)-[:HAS_TAG]->(t:Tag {kind: 'RULE'}) | t.id] AS tags,",
    '  [(p)-[:MEMBER_OF]->(s:Segment) | s.id] AS segments',
  ].join('\n');
  return { text, params };
}

export interface MembershipDiff {
  tagsAdded: Array<{ profileId: string; tagId: string }>;
  tagsRemoved: Array<{ profileId: string; tagId: string }>;
  entered: Array<{ profileId: string; segmentId: string }>;
  exited: Array<{ profileId: string; segmentId: string }>;
}

/**
 * What to write after an evaluation: for each profile, the audiences it now belongs to against those it
 * belonged to. Only audiences in `audiences` are compared, so evaluating one new segment never touches
 * memberships of the others.
 */
export function diffMemberships(
  audiences: readonly Audience[],
  rows: ReadonlyArray<{
    id: string;
    results: readonly boolean[];
    tags: readonly string[];
    segments: readonly string[];
  }>,
): MembershipDiff {
  const diff: MembershipDiff = { tagsAdded: [], tagsRemoved: [], entered: [], exited: [] };
  for (const row of rows) {
    const tags = new Set(row.tags);
    const segments = new Set(row.segments);
    audiences.forEach((audience, i) => {
      const now = row.results[i] === true;
      const before = audience.kind === 'tag' ? tags.has(audience.id) : segments.has(audience.id);
      if (now === before) return;
      if (audience.kind === 'tag') {
        (now ? diff.tagsAdded : diff.tagsRemoved).push({ profileId: row.id, tagId: audience.id });
      } else {
        (now ? diff.entered : diff.exited).push({ profileId: row.id, segmentId: audience.id });
      }
    });
  }
  return diff;
}
