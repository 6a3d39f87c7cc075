import { randomUUID } from 'node:crypto';
import { PortraitError } from '../common/errors';
import type { Executor, TxRunner } from '../db/executor';
import type { Job } from '../jobs/job.type';
import type { JobProgress, JobsService } from '../jobs/jobs.service';
import { NOTHING_SETTLED, type ProfileChanges, type Settlement } from '../profiles/profile-changes';
import type { Identifier } from './identifier.type';
import type { HealthCounts, IdentityRepository, StoredIdentifier } from './identity.repository';
import {
  identifierKey,
  isBlockedValue,
  normalizeValue,
  ruleFor,
  splitKey,
  type IdentityRules,
} from './namespaces';
import {
  defaultRulesConfig,
  diffRules,
  IdentityRulesError,
  isEmptyChange,
  parseIdentityRules,
  toIdentityRules,
  type IdentityRulesConfig,
  type RulesChange,
} from './rules';
import {
  partition,
  planProfiles,
  type Partition,
  type StitchLink,
  type StitchNode,
  type StitchProfile,
} from './stitching';

export interface StitchOutcome {
  /** Live profiles whose members or members' data changed (settled in the transaction). */
  readonly touchedProfiles: string[];
  readonly merged: number;
  readonly created: number;
  /** To hand to ProfileChanges.committed once the transaction commits. */
  readonly settlement: Settlement;
}

/** A loaded component of the evidence graph: identifiers (with their state under `rules`) and links. */
interface Component {
  nodes: Map<string, StitchNode>;
  links: StitchLink[];
  live: StitchProfile[];
  rules: IdentityRules;
}

export interface PathLink {
  from: string;
  to: string;
  messageId: string;
  at: number;
  rule: string;
}

export interface DryRunReport {
  identifiersExamined: number;
  profilesExamined: number;
  profilesSplit: number;
  profilesMerged: number;
  identifiersMoved: number;
  newlyShared: number;
  noLongerShared: number;
  newlyBlocked: number;
  noLongerBlocked: number;
  truncated: boolean;
  examples: Array<{ profileId: string; change: 'SPLIT' | 'MERGE'; before: string[]; after: string[][] }>;
}

export interface IdentitySettings {
  /** Identifiers restitched per transaction by recomputation jobs. */
  readonly batchSize: number;
  /** Most identifiers a dry run examines before it stops and says so. */
  readonly dryRunCap: number;
}

/** The explanation's name for how an evidence link came about. */
function ruleOf(link: StitchLink): string {
  if (link.type === 'alias') return 'alias';
  if (link.type === 'identify') return 'identify';
  return 'same-event';
}

/** Identity resolution over the graph: which identifiers make up which profile, and why. */
export class IdentityService {
  private cache: { version: number; config: IdentityRulesConfig; rules: IdentityRules };

  constructor(
    private readonly executor: Executor,
    private readonly repository: IdentityRepository,
    private readonly changes: ProfileChanges,
    private readonly jobs: JobsService,
    private readonly settings: IdentitySettings,
  ) {
    const config = defaultRulesConfig();
    this.cache = { version: 0, config, rules: toIdentityRules(config) };
  }

  /** The rules as last read (for normalising events before their transaction; stitching rereads them). */
  rules(): IdentityRules {
    return this.cache.rules;
  }

  rulesConfig(): IdentityRulesConfig {
    return this.cache.config;
  }

  /** Rereads the rules when another instance (or a restart) changed them. */
  async refreshRules(): Promise<IdentityRulesConfig> {
    await this.executor.readTx('identity.rules', (tx) => this.rulesIn(tx));
    return this.cache.config;
  }

  private async rulesIn(tx: TxRunner): Promise<IdentityRules> {
    const stored = await this.repository.currentRules(tx);
    const version = stored?.version ?? 0;
    if (version !== this.cache.version) {
      const config = stored ? parseIdentityRules(JSON.parse(stored.json)) : defaultRulesConfig();
      this.cache = { version, config, rules: toIdentityRules(config) };
    }
    return this.cache.rules;
  }

  /**
   * Loads the components holding `keys`: profile by profile, following evidence links to neighbouring
   * profiles until nothing new appears. With `lock`, each profile is write-locked before it is read, so
   * transactions on one component serialise and always see the component whole.
   */
  private async loadComponent(tx: TxRunner, keys: ReadonlySet<string>, lock: boolean): Promise<Component> {
    const live = new Map<string, StitchProfile>();
    const members = new Map<string, StoredIdentifier>();
    const leaves = new Map<string, StoredIdentifier>();
    const links = new Map<string, StitchLink>();
    // Identifiers of no profile that this transaction has locked (with `lock`).
    const unsettled = new Set<string>();
    let frontier = new Set(keys);
    let rules = this.cache.rules;
    while (frontier.size > 0) {
      let found: StitchProfile[];
      if (!lock) {
        found = await this.repository.profilesOf(tx, frontier, live.keys());
      } else {
        const locked = await this.repository.lockProfiles(tx, frontier, live.keys());
        found = locked.profiles;
        for (const key of locked.unsettled) unsettled.add(key);
      }
      for (const profile of found) live.set(profile.id, profile);
      // Read the rules once the first locks are held: a rule change committed before is then visible.
      if (members.size === 0) rules = await this.rulesIn(tx);
      const slice = await this.repository.loadComponent(
        tx,
        found.map((p) => p.id),
        frontier,
      );
      for (const member of slice.members) {
        members.set(member.key, member);
        leaves.delete(member.key);
      }
      for (const link of slice.links) links.set(`${link.a}\n${link.b}`, link);
      const next = new Set<string>();
      for (const member of slice.members) {
        // Its profile changed between our lock and our read (or it lost its profile): lock that one too (or
        // the identifier itself) and read again.
        if (member.profileId !== null ? !live.has(member.profileId) : lock && !unsettled.has(member.key))
          next.add(member.key);
      }
      for (const neighbour of slice.neighbours) {
        if (members.has(neighbour.key) || isBlockedValue(rules, neighbour.value)) continue;
        if (neighbour.shared) leaves.set(neighbour.key, neighbour);
        else next.add(neighbour.key);
      }
      frontier = next;
    }
    const node = (s: StoredIdentifier, complete: boolean): StitchNode => ({
      key: s.key,
      namespace: s.namespace,
      kind: ruleFor(rules, s.namespace).kind,
      firstSeen: s.firstSeen,
      blocked: isBlockedValue(rules, s.value),
      shared: s.shared,
      profileId: s.profileId,
      linksComplete: complete,
      stored: { kind: s.kind, blocked: s.blocked, conflicts: s.conflicts },
    });
    const nodes = new Map<string, StitchNode>();
    for (const leaf of leaves.values()) nodes.set(leaf.key, node(leaf, false));
    for (const member of members.values()) nodes.set(member.key, node(member, true));
    const evidence = [...links.values()].filter((l) => nodes.has(l.a) && nodes.has(l.b));
    return { nodes, links: evidence, live: [...live.values()], rules };
  }

  /**
   * Recomputes the components of the evidence graph that hold `touched` identifiers, inside the caller's
   * write transaction, and settles the profiles that changed. The cost is proportional to those
   * components, not to the graph. With `interacted` (those of `touched` that got interactions), a profile
   * that keeps its identifiers and has none of those keeps its engagement; without it, all are recomputed.
   */
  async stitch(
    tx: TxRunner,
    touched: ReadonlySet<string>,
    now: number,
    interacted: ReadonlySet<string> | null = null,
  ): Promise<StitchOutcome> {
    const component = await this.loadComponent(tx, touched, true);
    const { nodes, links, live, rules } = component;
    const part = partition(nodes, links, rules);

    // Groups founded by no live profile may revive a merged-away id anchored in them.
    const liveAnchors = new Set(live.map((p) => p.anchor));
    const orphanKeys = part.groups.filter((group) => !group.some((key) => liveAnchors.has(key))).flat();
    const revivable =
      orphanKeys.length > 0 ? await this.repository.mergedProfilesAnchoredAt(tx, orphanKeys) : [];

    const plan = planProfiles(nodes, links, part, [...live, ...revivable], randomUUID);
    // Retired profiles leave their segments (logged and streamed) and tags while they are still profiles.
    const exits = await this.changes.retire(
      tx,
      plan.retired.map((r) => ({ id: r.id, into: r.into })),
      now,
    );
    await this.repository.applyPlan(
      tx,
      plan,
      live.map((p) => p.id),
      now,
    );

    const moved = new Set(
      plan.moves.filter((m) => m.profileId !== nodes.get(m.key)?.profileId).map((m) => m.key),
    );
    const alive = new Set(plan.profiles.map((p) => p.id));
    const lostMembers = [...moved]
      .map((key) => nodes.get(key)?.profileId)
      .filter((id): id is string => !!id && alive.has(id));
    // Profiles that are new or revived, or gained or lost identifiers (those that lost one and live on are
    // lostMembers), and those that hold any of `keys`.
    const recomposed = (p: (typeof plan.profiles)[number]) =>
      p.origin !== 'kept' || p.members.some((key) => moved.has(key));
    const recomposedOr = (keys: ReadonlySet<string>) => [
      ...new Set([
        ...lostMembers,
        ...plan.profiles
          .filter((p) => recomposed(p) || p.members.some((key) => keys.has(key)))
          .map((p) => p.id),
      ]),
    ];
    const touchedProfiles = recomposedOr(touched);
    // Whose interactions may have changed: recomposed profiles, and those holding an identifier that got some.
    const engagement = interacted === null ? undefined : new Set(recomposedOr(interacted));
    const settled = await this.changes.settle(
      tx,
      touchedProfiles,
      now,
      undefined,
      engagement === undefined ? {} : { engagement: touchedProfiles.filter((id) => engagement.has(id)) },
    );
    const settlement =
      exits.length === 0 ? settled : { ...settled, segmentChanges: [...exits, ...settled.segmentChanges] };
    return {
      settlement,
      touchedProfiles,
      merged: plan.retired.filter((r) => r.reason === 'MERGED').length,
      created: plan.profiles.filter((p) => p.origin === 'new').length,
    };
  }

  /**
   * The chain of evidence that makes two identifiers one profile: the links stitching applied between them,
   * in order from `from` to `to`. Null when they are not in one profile (or unknown); empty for one identifier.
   */
  async path(
    from: { namespace: string; value: string },
    to: { namespace: string; value: string },
  ): Promise<PathLink[] | null> {
    const a = identifierKey(from.namespace, normalizeValue(from.namespace, from.value));
    const b = identifierKey(to.namespace, normalizeValue(to.namespace, to.value));
    return this.executor.readTx('identity.path', async (tx) => {
      const { nodes, links, rules } = await this.loadComponent(tx, new Set([a, b]), false);
      if (!nodes.get(a)?.linksComplete || !nodes.get(b)?.linksComplete) return null;
      const part = partition(nodes, links, rules);
      const group = part.groups.find((g) => g.includes(a));
      if (!group?.includes(b)) return null;
      if (a === b) return [];
      // Breadth-first search over the links that joined sets: they form a spanning tree of the profile.
      const adjacent = new Map<string, StitchLink[]>();
      for (const link of part.joins) {
        adjacent.set(link.a, [...(adjacent.get(link.a) ?? []), link]);
        adjacent.set(link.b, [...(adjacent.get(link.b) ?? []), link]);
      }
      const via = new Map<string, { link: StitchLink; previous: string }>();
      const queue = [a];
      const seen = new Set([a]);
      while (queue.length > 0 && !seen.has(b)) {
        const at = queue.shift()!;
        for (const link of adjacent.get(at) ?? []) {
          const next = link.a === at ? link.b : link.a;
          if (seen.has(next)) continue;
          seen.add(next);
          via.set(next, { link, previous: at });
          queue.push(next);
        }
      }
      const chain: PathLink[] = [];
      for (let at = b; at !== a;) {
        const step = via.get(at)!;
        chain.unshift({
          from: step.previous,
          to: at,
          messageId: step.link.messageId,
          at: step.link.at,
          rule: ruleOf(step.link),
        });
        at = step.previous;
      }
      return chain;
    });
  }

  /**
   * Erases the evidence of events (a wrong email typed by an agent, a test login on a customer's phone):
   * the links they supported are recomputed from the evidence left and their components restitched, so
   * profiles they bridged split again. The events stay recorded as duplicates-to-be, so a replay of them
   * cannot bring the evidence back.
   */
  async eraseEvidence(
    messageIds: readonly string[],
  ): Promise<{ erased: string[]; unknown: string[]; profiles: string[] }> {
    const result = await this.executor.writeTx('identity.eraseEvidence', async (tx) => {
      const now = Date.now();
      const erased = await this.repository.eraseEvidence(tx, [...new Set(messageIds)], now);
      const pairs = new Map<string, readonly [string, string]>();
      const touched = new Set<string>();
      for (const event of erased) {
        const primary = event.carried.find((c) => c.primary)?.key;
        for (const { key } of event.carried) {
          touched.add(key);
          if (primary && key !== primary)
            pairs.set([primary, key].sort().join('\n'), key < primary ? [key, primary] : [primary, key]);
        }
      }
      await this.repository.relinkPairs(tx, [...pairs.values()]);
      const outcome = touched.size > 0 ? await this.stitch(tx, touched, now) : null;
      return {
        erased: erased.map((e) => e.messageId),
        profiles: outcome?.touchedProfiles ?? [],
        settlement: outcome?.settlement ?? NOTHING_SETTLED,
      };
    });
    this.changes.committed(result.settlement);
    const erased = new Set(result.erased);
    return {
      erased: result.erased,
      profiles: result.profiles,
      unknown: messageIds.filter((id) => !erased.has(id)),
    };
  }

  /** `path` with each identifier as the API shows it. */
  async explain(
    from: { namespace: string; value: string },
    to: { namespace: string; value: string },
  ): Promise<Array<{ from: Identifier; to: Identifier; messageId: string; at: Date; rule: string }> | null> {
    const chain = await this.path(from, to);
    if (chain === null) return null;
    const identifiers = await this.repository.identifiers([...new Set(chain.flatMap((l) => [l.from, l.to]))]);
    return chain.map((link) => ({
      from: identifiers.get(link.from)!,
      to: identifiers.get(link.to)!,
      messageId: link.messageId,
      at: new Date(link.at),
      rule: link.rule,
    }));
  }

  healthCounts(): Promise<HealthCounts> {
    return this.repository.healthCounts();
  }

  largestProfiles(first: number): Promise<Array<{ id: string; size: number }>> {
    return this.repository.largestProfiles(first);
  }

  sharedIdentifiers(first: number): Promise<Array<{ identifier: Identifier; profiles: number }>> {
    return this.repository.sharedIdentifiers(first);
  }

  conflictedIdentifiers(first: number): Promise<Array<{ identifier: Identifier; profileId: string | null }>> {
    return this.repository.conflictedIdentifiers(first);
  }

  /**
   * Replaces the identity rules and starts a job that recomputes every component the change can affect;
   * profiles split or merge as the new rules say, keeping their ids where they keep their anchors.
   */
  async setRules(input: unknown): Promise<{ config: IdentityRulesConfig; job: Job | null }> {
    const config = this.validated(input);
    const saved = await this.executor.writeTx('identity.saveRules', (tx) =>
      this.repository.saveRules(tx, JSON.stringify(config), Date.now()),
    );
    const previous = saved.previous ? parseIdentityRules(JSON.parse(saved.previous)) : defaultRulesConfig();
    this.cache = { version: saved.version, config, rules: toIdentityRules(config) };
    const change = diffRules(previous, config);
    if (isEmptyChange(change)) return { config, job: null };
    const job = await this.jobs.start('identity.recompute', describeChange(change), (progress) =>
      this.recompute(change, progress),
    );
    return { config, job };
  }

  private validated(input: unknown): IdentityRulesConfig {
    try {
      return parseIdentityRules(input);
    } catch (error) {
      if (error instanceof IdentityRulesError) {
        throw new PortraitError('BAD_USER_INPUT', error.message, { problems: error.problems });
      }
      throw error;
    }
  }

  /** Every identifier a change can affect, handed to `visit` in batches (read in its own transactions). */
  private async forEachAffected(
    change: RulesChange,
    batchSize: number,
    cap: number,
    visit: (keys: string[]) => Promise<boolean>,
    found: (identifiers: number) => void = () => undefined,
  ): Promise<boolean> {
    let seen = 0;
    for (const namespace of change.namespaces) {
      let after = '';
      for (;;) {
        const values = await this.executor.readTx('identity.affected', (tx) =>
          this.repository.namespacePage(tx, namespace, after, batchSize),
        );
        if (values.length === 0) break;
        after = values.at(-1)!;
        seen += values.length;
        if (!(await visit(values.map((v) => identifierKey(namespace, v)))) || seen >= cap) return seen >= cap;
      }
    }
    const values = [...change.blocked, ...change.unblocked];
    if (values.length > 0 || change.sharedThreshold !== null) {
      const keys = await this.executor.readTx('identity.affected', (tx) =>
        this.repository.byValueOrSharing(tx, values, change.sharedThreshold, Math.max(cap - seen, 0) + 1),
      );
      found(keys.length);
      for (let i = 0; i < keys.length; i += batchSize) {
        if (!(await visit(keys.slice(i, i + batchSize)))) return false;
      }
      return seen + keys.length > cap;
    }
    return false;
  }

  /** Restitches everything a rules change can affect, batch by batch, each in its own transaction. */
  private async recompute(change: RulesChange, progress: JobProgress): Promise<string> {
    let identifiers = 0;
    let merged = 0;
    let created = 0;
    const inNamespaces = await this.executor.readTx('identity.affected', (tx) =>
      this.repository.countInNamespaces(tx, change.namespaces),
    );
    progress.total(inNamespaces);
    await this.forEachAffected(
      change,
      this.settings.batchSize,
      Number.MAX_SAFE_INTEGER,
      async (keys) => {
        const outcome = await this.restitch(new Set(keys));
        identifiers += keys.length;
        merged += outcome.merged;
        created += outcome.created;
        await progress.advance(keys.length);
        return true;
      },
      (found) => progress.total(inNamespaces + found),
    );
    return `recomputed the components of ${identifiers} identifiers: ${merged} profiles merged away, ${created} founded`;
  }

  /** Recomputes the components of `keys` in one write transaction (rule changes, erased evidence). */
  async restitch(keys: ReadonlySet<string>): Promise<StitchOutcome> {
    const outcome = await this.executor.writeTx('identity.restitch', (tx) =>
      this.stitch(tx, keys, Date.now()),
    );
    this.changes.committed(outcome.settlement);
    return outcome;
  }

  /**
   * How the partition would change under proposed rules, without changing anything: the components the
   * change can affect are loaded and partitioned under both rule sets.
   */
  async dryRun(input: unknown): Promise<DryRunReport> {
    const proposed = this.validated(input);
    const current = await this.refreshRules();
    const proposedRules = toIdentityRules(proposed);
    const change = diffRules(current, proposed);
    const report: DryRunReport = {
      identifiersExamined: 0,
      profilesExamined: 0,
      profilesSplit: 0,
      profilesMerged: 0,
      identifiersMoved: 0,
      newlyShared: 0,
      noLongerShared: 0,
      newlyBlocked: 0,
      noLongerBlocked: 0,
      truncated: false,
      examples: [],
    };
    if (isEmptyChange(change)) return report;
    const examined = new Set<string>();
    const profiles = new Set<string>();
    report.truncated = await this.forEachAffected(
      change,
      this.settings.batchSize,
      this.settings.dryRunCap,
      async (keys) => {
        const fresh = keys.filter((key) => !examined.has(key));
        if (fresh.length === 0) return true;
        const component = await this.executor.readTx('identity.dryRun', (tx) =>
          this.loadComponent(tx, new Set(fresh), false),
        );
        const nodes = new Map(
          [...component.nodes].map(([key, n]) => [
            key,
            {
              ...n,
              kind: ruleFor(proposedRules, n.namespace).kind,
              blocked: isBlockedValue(proposedRules, splitKey(key).value),
            },
          ]),
        );
        const before = partition(component.nodes, component.links, component.rules);
        const after = partition(nodes, component.links, proposedRules);
        for (const key of nodes.keys()) {
          if (examined.has(key)) continue;
          examined.add(key);
          report.identifiersExamined += 1;
          const node = component.nodes.get(key)!;
          if (node.profileId) profiles.add(node.profileId);
          if (!before.shared.has(key) && after.shared.has(key)) report.newlyShared += 1;
          if (before.shared.has(key) && !after.shared.has(key)) report.noLongerShared += 1;
          if (!node.blocked && nodes.get(key)!.blocked) report.newlyBlocked += 1;
          if (node.blocked && !nodes.get(key)!.blocked) report.noLongerBlocked += 1;
        }
        compareGroups(before, after, component.nodes, report);
        return true;
      },
    );
    report.profilesExamined = profiles.size;
    return report;
  }
}

/** Counts splits, merges and moved identifiers between two partitions of one component. */
function compareGroups(
  before: Partition,
  after: Partition,
  nodes: ReadonlyMap<string, StitchNode>,
  report: DryRunReport,
): void {
  const afterGroup = new Map<string, number>();
  after.groups.forEach((group, i) => group.forEach((key) => afterGroup.set(key, i)));
  const beforeGroup = new Map<string, number>();
  before.groups.forEach((group, i) => group.forEach((key) => beforeGroup.set(key, i)));
  const profileOf = (group: string[]): string => nodes.get(group[0]!)?.profileId ?? group[0]!;
  for (const group of before.groups) {
    const targets = new Set(group.map((key) => afterGroup.get(key) ?? -1));
    if (targets.size > 1) {
      report.profilesSplit += 1;
      if (report.examples.length < 10) {
        report.examples.push({
          profileId: profileOf(group),
          change: 'SPLIT',
          before: group,
          after: [...targets].map((t) =>
            t === -1 ? group.filter((k) => !afterGroup.has(k)) : group.filter((k) => afterGroup.get(k) === t),
          ),
        });
      }
    }
  }
  for (const group of after.groups) {
    const sources = new Set(group.map((key) => beforeGroup.get(key) ?? -1));
    if (sources.size > 1) {
      report.profilesMerged += sources.size - 1;
      if (report.examples.length < 10) {
        report.examples.push({
          profileId: profileOf(group),
          change: 'MERGE',
          before: group,
          after: [...sources].map((s) =>
            s === -1
              ? group.filter((k) => !beforeGroup.has(k))
              : group.filter((k) => beforeGroup.get(k) === s),
          ),
        });
      }
    }
  }
  report.identifiersMoved += countMoved(before, after, beforeGroup, afterGroup);
}

/**
 * Identifiers whose profile would change: each former group keeps its id in the new group holding most of
 * its identifiers (its home); a new group is owned by the largest former group at home there; everything
 * else moves.
 */
function countMoved(
  before: Partition,
  after: Partition,
  beforeGroup: Map<string, number>,
  afterGroup: Map<string, number>,
): number {
  const owner = new Map<number, { group: number; size: number }>();
  before.groups.forEach((group, b) => {
    const tally = new Map<number, number>();
    for (const key of group) {
      const a = afterGroup.get(key);
      if (a !== undefined) tally.set(a, (tally.get(a) ?? 0) + 1);
    }
    const home = [...tally.entries()].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0];
    if (!home) return;
    const current = owner.get(home[0]);
    if (!current || home[1] > current.size) owner.set(home[0], { group: b, size: home[1] });
  });
  let moved = 0;
  after.groups.forEach((group, a) => {
    for (const key of group) if (owner.get(a)?.group !== beforeGroup.get(key)) moved += 1;
  });
  return moved;
}

function describeChange(change: RulesChange): string {
  const parts = [
    change.namespaces.length > 0 ? `namespaces ${change.namespaces.join(', ')}` : '',
    change.blocked.length > 0 ? `${change.blocked.length} values blocked` : '',
    change.unblocked.length > 0 ? `${change.unblocked.length} values unblocked` : '',
    change.sharedThreshold !== null ? 'shared-device threshold' : '',
  ].filter(Boolean);
  return `identity rules changed: ${parts.join('; ')}`;
}
