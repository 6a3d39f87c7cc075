import { PortraitError } from '../common/errors';
import type { Logger } from '../common/logger';
import type { Executor, TxRunner } from '../db/executor';
import type { Job } from '../jobs/job.type';
import type { JobsService } from '../jobs/jobs.service';
import type { ProfileChanges, SegmentChangeRecord } from '../profiles/profile-changes';
import { allows, consentPredicate, isPurpose, type ConsentPolicy } from '../privacy/consent';
import { compileRule } from '../rules/compile';
import {
  evaluateRule,
  interactionsNeeded,
  type InteractionsNeeded,
  type ProfileFacts,
} from '../rules/evaluate';
import { parseRule as parseRuleNode } from '../rules/parse';
import { RuleError, type CompiledRule, type RuleLookup, type RuleRef } from '../rules/rule';
import type { AudiencesRepository, Definitions } from './audiences.repository';
import {
  diffMemberships,
  evaluationQuery,
  type Audience,
  type EvaluationQuery,
  type MembershipDiff,
} from './evaluation-query';

interface Compiled {
  version: string;
  definitions: Definitions;
  audiences: Audience[];
  query: EvaluationQuery;
  needed: InteractionsNeeded;
}

function parseRule(json: string | null): unknown {
  return json === null ? null : (JSON.parse(json) as unknown);
}

/** A RuleLookup over loaded definitions. */
export function lookupOf(definitions: Definitions): RuleLookup {
  const tags = new Map(definitions.tags.map((t) => [t.id, t]));
  const segments = new Map(definitions.segments.map((s) => [s.id, s]));
  return {
    tag: (id) => {
      const tag = tags.get(id);
      return tag ? { kind: tag.kind, rule: parseRule(tag.rule) } : null;
    },
    segment: (id) => {
      const segment = segments.get(id);
      return segment ? { rule: parseRule(segment.rule) } : null;
    },
  };
}

/**
 * Keeps RULE tags and segments up to date. Every profile change is settled through `settle`, which evaluates
 * every audience for the changed profiles in one statement and writes only the differences; a new or changed
 * audience is evaluated over all profiles by a job. Segment entries and exits go to the durable change log.
 */
export class AudiencesService {
  private compiled: Compiled | null = null;

  constructor(
    private readonly executor: Executor,
    private readonly repository: AudiencesRepository,
    private readonly changes: ProfileChanges,
    private readonly jobs: JobsService,
    private readonly logger: Logger,
    private readonly consent: ConsentPolicy,
    private readonly batchSize = 500,
  ) {}

  /**
   * The compiled audiences as this transaction sees them (recompiled only when the definitions moved).
   * `version`, when the caller already read it, saves the query.
   */
  private async current(tx: TxRunner, version?: string): Promise<Compiled> {
    version ??= await this.repository.version(tx);
    if (this.compiled?.version === version) return this.compiled;
    const definitions = await this.repository.definitions(tx);
    const lookup = lookupOf(definitions);
    const audiences: Audience[] = [];
    const add = (kind: 'tag' | 'segment', id: string, rule: string | null, purpose: string | null = null) => {
      try {
        const json = parseRule(rule);
        const compiled = compileRule(json, lookup, { self: { kind, id } });
        const node = parseRuleNode(json, lookup, { self: { kind, id } }).rule!;
        // A segment serves a purpose (marketing by default): profiles that refused it never enter.
        const serves = purpose && isPurpose(purpose) ? purpose : null;
        const consent = serves ? consentPredicate(this.consent, serves) : null;
        audiences.push({
          kind,
          id,
          compiled: consent ? { ...compiled, predicate: `(${compiled.predicate}) AND ${consent}` } : compiled,
          node,
          purpose: serves,
        });
      } catch (error) {
        // A stored rule that no longer compiles is skipped, not fatal: its owner sees the problem when editing it.
        this.logger.error('stored rule does not compile', { kind, id, error });
      }
    };
    for (const tag of definitions.tags) if (tag.kind === 'RULE') add('tag', tag.id, tag.rule);
    for (const segment of definitions.segments) add('segment', segment.id, segment.rule, segment.purpose);
    this.compiled = {
      version: definitions.version,
      definitions,
      audiences,
      query: evaluationQuery(audiences),
      needed: interactionsNeeded(audiences.map((a) => a.node)),
    };
    return this.compiled;
  }

  /**
   * What evaluating the audiences last compiled reads of a profile's interactions, and the version of the
   * definitions it holds for; null before any were compiled. Read with no query: a caller checks the version
   * against the one its own read saw.
   */
  interactionsNeeded(): { version: string; needed: InteractionsNeeded } | null {
    return this.compiled && { version: this.compiled.version, needed: this.compiled.needed };
  }

  /**
   * Evaluates every RULE tag and segment in memory for profiles whose facts were just loaded, and returns
   * what changes against the memberships they hold. The same rules as the compiled Cypher, proven equal
   * by test/integration/rules-agree.test.ts; consent is applied as the segments' predicates apply it.
   */
  async evaluateFacts(
    tx: TxRunner,
    version: string,
    profiles: ReadonlyArray<{
      id: string;
      facts: ProfileFacts;
      ruleTags: ReadonlySet<string>;
      segments: ReadonlySet<string>;
    }>,
    now: number,
  ): Promise<MembershipDiff> {
    const { audiences } = await this.current(tx, version);
    const diff: MembershipDiff = { tagsAdded: [], tagsRemoved: [], entered: [], exited: [] };
    for (const profile of profiles) {
      for (const audience of audiences) {
        const member =
          evaluateRule(audience.node, profile.facts, now) &&
          (audience.purpose === null ||
            allows(
              this.consent,
              audience.purpose,
              profile.facts.properties[`trait.consent.${audience.purpose}`],
            ));
        const held =
          audience.kind === 'tag' ? profile.ruleTags.has(audience.id) : profile.segments.has(audience.id);
        if (member === held) continue;
        const change =
          audience.kind === 'tag'
            ? { profileId: profile.id, tagId: audience.id }
            : { profileId: profile.id, segmentId: audience.id };
        if (audience.kind === 'tag')
          (member ? diff.tagsAdded : diff.tagsRemoved).push(change as { profileId: string; tagId: string });
        else (member ? diff.entered : diff.exited).push(change as { profileId: string; segmentId: string });
      }
    }
    return diff;
  }

  /** Writes segment entries and exits to the memberships and the change log (in a stable order). */
  writeSegmentChanges(tx: TxRunner, diff: MembershipDiff, now: number): Promise<SegmentChangeRecord[]> {
    const changes = [
      ...diff.exited.map((x) => ({ ...x, change: 'EXITED' as const })),
      ...diff.entered.map((x) => ({ ...x, change: 'ENTERED' as const })),
    ].sort((a, b) => (a.segmentId + a.profileId < b.segmentId + b.profileId ? -1 : 1));
    return this.repository.applySegmentChanges(tx, changes, now);
  }

  /** The distinct rolling windows (days) the audiences use: time passing changes memberships at their edges. */
  async windows(tx: TxRunner): Promise<number[]> {
    const { audiences } = await this.current(tx);
    return [...new Set(audiences.flatMap((a) => a.compiled.windowsDays))].sort((a, b) => a - b);
  }

  private async evaluateAndWrite(
    tx: TxRunner,
    audiences: readonly Audience[],
    query: EvaluationQuery,
    profileIds: readonly string[],
    now: number,
  ): Promise<SegmentChangeRecord[]> {
    const rows = await this.repository.evaluate(tx, query.text, { ...query.params, ids: profileIds, now });
    const diff = diffMemberships(audiences, rows);
    await this.repository.applyTagChanges(
      tx,
      diff.tagsAdded.map((x) => ({ ...x, score: null })),
      diff.tagsRemoved,
      now,
    );
    // Sorted so that the change log reads in a stable order within one transaction.
    const changes = [
      ...diff.exited.map((x) => ({ ...x, change: 'EXITED' as const })),
      ...diff.entered.map((x) => ({ ...x, change: 'ENTERED' as const })),
    ].sort((a, b) => (a.segmentId + a.profileId < b.segmentId + b.profileId ? -1 : 1));
    return this.repository.applySegmentChanges(tx, changes, now);
  }

  /**
   * Validates and compiles a rule for the tag or segment `self` inside a write transaction that is about to
   * store it. It first bumps the definitions' version, which write-locks it, so two concurrent edits cannot
   * each pass the cycle check and together store a cycle. Throws BAD_USER_INPUT listing every problem.
   */
  async compileForSave(tx: TxRunner, rule: unknown, self: RuleRef): Promise<CompiledRule> {
    await this.repository.bumpVersion(tx);
    const definitions = await this.repository.definitions(tx);
    try {
      return compileRule(rule, lookupOf(definitions), { self });
    } catch (error) {
      if (error instanceof RuleError) {
        throw new PortraitError('BAD_USER_INPUT', error.message, { problems: error.problems });
      }
      throw error;
    }
  }

  /** Marks definitions changed without a rule to check (deleting a tag or segment). */
  bumpVersion(tx: TxRunner): Promise<void> {
    return this.repository.bumpVersion(tx);
  }

  /** References to a tag or segment from other rules, to refuse deleting what is still used. */
  async referencesTo(tx: TxRunner, ref: RuleRef): Promise<RuleRef[]> {
    const definitions = await this.repository.definitions(tx);
    const lookup = lookupOf(definitions);
    const users: RuleRef[] = [];
    const check = (kind: 'tag' | 'segment', id: string, rule: string | null) => {
      if (kind === ref.kind && id === ref.id) return;
      try {
        const compiled = compileRule(parseRule(rule), lookup, { self: { kind, id } });
        const refs = ref.kind === 'tag' ? compiled.references.tags : compiled.references.segments;
        if (refs.includes(ref.id)) users.push({ kind, id });
      } catch {
        // a rule that does not compile references nothing usable
      }
    };
    for (const tag of definitions.tags) if (tag.kind === 'RULE') check('tag', tag.id, tag.rule);
    for (const segment of definitions.segments) check('segment', segment.id, segment.rule);
    return users;
  }

  /**
   * Evaluates one audience over every profile, page by page, each page in its own transaction, and
   * announces segment changes as each page commits. Progress is reported through the returned job.
   */
  startFullEvaluation(ref: RuleRef, label: string): Promise<Job> {
    return this.jobs.start(
      `${ref.kind}.evaluate`,
      label,
      async (progress) => {
        progress.total(await this.repository.profileCount());
        let after = '';
        let entered = 0;
        let exited = 0;
        for (;;) {
          const ids = await this.repository.profilePage(after, this.batchSize);
          if (ids.length === 0) break;
          after = ids.at(-1)!;
          const records = await this.executor.writeTx(`${ref.kind}.evaluate`, async (tx) => {
            const { audiences } = await this.current(tx);
            const audience = audiences.find((a) => a.kind === ref.kind && a.id === ref.id);
            if (!audience) return [];
            return this.evaluateAndWrite(tx, [audience], evaluationQuery([audience]), ids, Date.now());
          });
          entered += records.filter((r) => r.change === 'ENTERED').length;
          exited += records.filter((r) => r.change === 'EXITED').length;
          this.changes.committed({ profiles: [], segmentChanges: records });
          await progress.advance(ids.length);
        }
        return ref.kind === 'segment' ? `${entered} profiles entered, ${exited} exited` : 'evaluated';
      },
      `${ref.kind}:${ref.id}`,
    );
  }
}
