import { ruleFor, type IdentityKind, type IdentityRules } from './namespaces';

/**
 * Identity stitching as a pure function of one connected component of the evidence graph.
 *
 * The partition into profiles is computed from the component's evidence links alone, never from the order
 * events arrived in: links are applied strongest-first (by namespace priority, then event time, then
 * messageId) with a union-find that refuses a union which would exceed a namespace's limit (Kruskal's
 * algorithm with a veto). Shared devices and contact points are left out of the union so they cannot bridge
 * accounts, and blocked identifiers take no part at all. Recomputing a whole component after every change is
 * what makes merges, splits and rule changes one mechanism.
 */

export interface StitchNode {
  readonly key: string;
  readonly namespace: string;
  /** Kind under the rules in force (the stored one may be stale after a rule change). */
  readonly kind: IdentityKind;
  /** Epoch ms of the earliest event that carried it. */
  readonly firstSeen: number;
  /** Blocked under the rules in force. */
  readonly blocked: boolean;
  /** Shared as stored; `partition` recomputes it for nodes whose links were all loaded. */
  readonly shared: boolean;
  /** Live profile it belongs to now, if any. */
  readonly profileId: string | null;
  /** True when every link of the node is in the component (false for shared leaves not expanded). */
  readonly linksComplete: boolean;
  /** What is stored now, so that only changes are written. */
  readonly stored: { readonly kind: IdentityKind; readonly blocked: boolean; readonly conflicts: number };
}

export interface StitchLink {
  readonly a: string;
  readonly b: string;
  readonly at: number;
  readonly messageId: string;
  /** Type of the earliest event that carried both (identify, track, alias, ...). */
  readonly type?: string;
}

/** A profile id that may own a group: a live profile of the component or a merged one that can come back. */
export interface StitchProfile {
  readonly id: string;
  readonly anchor: string;
  readonly createdAt: number;
  readonly live: boolean;
}

export interface PlannedProfile {
  readonly id: string;
  readonly anchor: string;
  readonly createdAt: number;
  readonly members: readonly string[];
  /** 'new': no profile had it; 'revived': a merged-away id comes back after a split; 'kept': already live. */
  readonly origin: 'new' | 'revived' | 'kept';
}

export interface PlannedRetirement {
  readonly id: string;
  /** The profile it now resolves to; null when none of its identifiers remains in a profile. */
  readonly into: string | null;
  readonly reason: 'MERGED' | 'DISSOLVED';
  /** The evidence link whose union merged it (null when dissolved). */
  readonly link: StitchLink | null;
}

export interface StitchPlan {
  readonly profiles: readonly PlannedProfile[];
  readonly retired: readonly PlannedRetirement[];
  /** Identifiers in no profile because they are shared: each with the profiles of the accounts it serves. */
  readonly shared: ReadonlyArray<{ readonly key: string; readonly profileIds: readonly string[] }>;
  /** Identifiers whose profile or stored state changes (profileId null: in no profile). */
  readonly moves: readonly IdentifierUpdate[];
  /** Profiles founded by a split, with the live profile(s) their identifiers came from. */
  readonly splits: ReadonlyArray<{ readonly id: string; readonly from: readonly string[] }>;
}

export interface IdentifierUpdate {
  readonly key: string;
  readonly profileId: string | null;
  readonly shared: boolean;
  readonly blocked: boolean;
  readonly kind: IdentityKind;
  /** Evidence links of this identifier that a namespace limit refused. */
  readonly conflicts: number;
}

function compareNodes(x: StitchNode, y: StitchNode): number {
  return x.firstSeen - y.firstSeen || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);
}

function compareProfiles(x: StitchProfile, y: StitchProfile): number {
  return x.createdAt - y.createdAt || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
}

/** Shared status: a DEVICE or CONTACT with more distinct ACCOUNT neighbours than the rules allow. */
export function sharedKeys(
  nodes: ReadonlyMap<string, StitchNode>,
  links: readonly StitchLink[],
  rules: IdentityRules,
): Set<string> {
  const accounts = new Map<string, Set<string>>();
  const note = (device: string, account: string): void => {
    const node = nodes.get(device);
    const other = nodes.get(account);
    if (!node || !other || other.kind !== 'ACCOUNT' || node.kind === 'ACCOUNT' || other.blocked) return;
    let set = accounts.get(device);
    if (!set) accounts.set(device, (set = new Set()));
    set.add(account);
  };
  for (const link of links) {
    note(link.a, link.b);
    note(link.b, link.a);
  }
  const shared = new Set<string>();
  for (const node of nodes.values()) {
    if (node.blocked) continue;
    const count = accounts.get(node.key)?.size ?? 0;
    const isShared = node.linksComplete ? count > rules.sharedAfterAccounts : node.shared;
    if (isShared) shared.add(node.key);
  }
  return shared;
}

function linkRank(link: StitchLink, nodes: ReadonlyMap<string, StitchNode>, rules: IdentityRules): number {
  const a = nodes.get(link.a);
  const b = nodes.get(link.b);
  return Math.min(ruleFor(rules, a?.namespace ?? '').priority, ruleFor(rules, b?.namespace ?? '').priority);
}

/** The order in which evidence is applied: strongest namespace first, then oldest, then by messageId. */
export function orderLinks(
  links: readonly StitchLink[],
  nodes: ReadonlyMap<string, StitchNode>,
  rules: IdentityRules,
): StitchLink[] {
  return links
    .map((link) => ({ link, rank: linkRank(link, nodes, rules) }))
    .sort(
      (x, y) =>
        x.rank - y.rank ||
        x.link.at - y.link.at ||
        (x.link.messageId < y.link.messageId ? -1 : x.link.messageId > y.link.messageId ? 1 : 0) ||
        (x.link.a < y.link.a ? -1 : x.link.a > y.link.a ? 1 : 0) ||
        (x.link.b < y.link.b ? -1 : x.link.b > y.link.b ? 1 : 0),
    )
    .map(({ link }) => link);
}

class UnionFind {
  private readonly parent = new Map<string, string>();
  private readonly counts = new Map<string, Map<string, number>>();

  constructor(nodes: Iterable<StitchNode>) {
    for (const node of nodes) {
      this.parent.set(node.key, node.key);
      this.counts.set(node.key, new Map([[node.namespace, 1]]));
    }
  }

  find(key: string): string {
    let root = key;
    while (this.parent.get(root) !== root) root = this.parent.get(root) ?? root;
    let at = key;
    while (at !== root) {
      const next = this.parent.get(at) ?? root;
      this.parent.set(at, root);
      at = next;
    }
    return root;
  }

  /** Unites the sets of a and b unless that would put more values of a namespace together than it allows. */
  tryUnion(a: string, b: string, limitOf: (namespace: string) => number): 'joined' | 'same' | 'vetoed' {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return 'same';
    const ca = this.counts.get(ra) ?? new Map<string, number>();
    const cb = this.counts.get(rb) ?? new Map<string, number>();
    for (const [namespace, n] of cb) {
      if ((ca.get(namespace) ?? 0) + n > limitOf(namespace)) return 'vetoed';
    }
    // Attach the root with the smaller key under the other's, deterministically.
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    const kept = this.counts.get(keep) ?? new Map<string, number>();
    for (const [namespace, n] of this.counts.get(drop) ?? [])
      kept.set(namespace, (kept.get(namespace) ?? 0) + n);
    this.parent.set(drop, keep);
    this.counts.set(keep, kept);
    this.counts.delete(drop);
    return 'joined';
  }
}

export interface Partition {
  /** Groups of identifier keys, each sorted, in order of their first key. */
  readonly groups: string[][];
  readonly shared: Set<string>;
  /** The links that joined two sets, in the order applied: the evidence that explains each profile. */
  readonly joins: readonly StitchLink[];
  /** Links between active identifiers that a namespace limit refused. */
  readonly vetoed: readonly StitchLink[];
}

/** The profiles of one component, as a function of its nodes, links and rules only. */
export function partition(
  nodes: ReadonlyMap<string, StitchNode>,
  links: readonly StitchLink[],
  rules: IdentityRules,
): Partition {
  const shared = sharedKeys(nodes, links, rules);
  const active = [...nodes.values()].filter((node) => !node.blocked && !shared.has(node.key));
  const activeKeys = new Set(active.map((node) => node.key));
  const uf = new UnionFind(active);
  const joins: StitchLink[] = [];
  const vetoed: StitchLink[] = [];
  const limitOf = (namespace: string): number => ruleFor(rules, namespace).limit;
  for (const link of orderLinks(links, nodes, rules)) {
    if (!activeKeys.has(link.a) || !activeKeys.has(link.b)) continue;
    const outcome = uf.tryUnion(link.a, link.b, limitOf);
    if (outcome === 'joined') joins.push(link);
    else if (outcome === 'vetoed') vetoed.push(link);
  }
  const byRoot = new Map<string, string[]>();
  for (const node of active) {
    const root = uf.find(node.key);
    const group = byRoot.get(root);
    if (group) group.push(node.key);
    else byRoot.set(root, [node.key]);
  }
  const groups = [...byRoot.values()].map((group) => group.sort()).sort((x, y) => (x[0]! < y[0]! ? -1 : 1));
  return { groups, shared, joins, vetoed };
}

/** The link at which the set holding `a` first joined the set holding `b`, replaying the joins in order. */
function joiningLink(part: Partition, a: string, b: string): StitchLink | null {
  const parent = new Map<string, string>();
  const find = (key: string): string => {
    let root = key;
    while (parent.has(root)) root = parent.get(root)!;
    return root;
  };
  for (const link of part.joins) {
    const ra = find(link.a);
    const rb = find(link.b);
    if (ra !== rb) parent.set(ra, rb);
    if (find(a) === find(b)) return link;
  }
  return null;
}

/**
 * Decides which profile id each group of a component gets, so that ids stay stable: a group keeps the
 * oldest live profile whose anchor (founding identifier) it holds, absorbing the other ones; a group holding
 * no live anchor revives a merged-away profile whose anchor it holds (a split undoing a merge), or gets a
 * new id from `newId`. A live profile whose anchor is in no group resolves to where most of its identifiers
 * went.
 */
export function planProfiles(
  nodes: ReadonlyMap<string, StitchNode>,
  links: readonly StitchLink[],
  part: Partition,
  candidates: readonly StitchProfile[],
  newId: () => string,
): StitchPlan {
  const groupOf = new Map<string, number>();
  part.groups.forEach((group, i) => group.forEach((key) => groupOf.set(key, i)));

  const byAnchorGroup = new Map<number, StitchProfile[]>();
  for (const candidate of candidates) {
    const group = groupOf.get(candidate.anchor);
    if (group === undefined) continue;
    const list = byAnchorGroup.get(group) ?? [];
    list.push(candidate);
    byAnchorGroup.set(group, list);
  }

  const profiles: PlannedProfile[] = [];
  const retired: PlannedRetirement[] = [];
  const owner: string[] = [];
  const claimed = new Set<string>();
  part.groups.forEach((group, i) => {
    const options = byAnchorGroup.get(i) ?? [];
    const live = options.filter((c) => c.live).sort(compareProfiles);
    const merged = options.filter((c) => !c.live).sort(compareProfiles);
    const members = group;
    if (live.length > 0) {
      const survivor = live[0]!;
      profiles.push({
        id: survivor.id,
        anchor: survivor.anchor,
        createdAt: survivor.createdAt,
        members,
        origin: 'kept',
      });
      owner[i] = survivor.id;
      claimed.add(survivor.id);
      for (const absorbed of live.slice(1)) {
        retired.push({
          id: absorbed.id,
          into: survivor.id,
          reason: 'MERGED',
          link: joiningLink(part, absorbed.anchor, survivor.anchor),
        });
        claimed.add(absorbed.id);
      }
      return;
    }
    const firstNode = members.map((key) => nodes.get(key)!).sort(compareNodes)[0]!;
    if (merged.length > 0) {
      const revived = merged[0]!;
      profiles.push({
        id: revived.id,
        anchor: revived.anchor,
        createdAt: revived.createdAt,
        members,
        origin: 'revived',
      });
      owner[i] = revived.id;
      claimed.add(revived.id);
      return;
    }
    const id = newId();
    profiles.push({ id, anchor: firstNode.key, createdAt: firstNode.firstSeen, members, origin: 'new' });
    owner[i] = id;
  });

  // Live profiles whose anchor no group holds (it became shared or blocked, or its evidence was erased).
  for (const candidate of candidates) {
    if (!candidate.live || claimed.has(candidate.id)) continue;
    const tally = new Map<string, number>();
    for (const node of nodes.values()) {
      if (node.profileId !== candidate.id) continue;
      const group = groupOf.get(node.key);
      if (group !== undefined) tally.set(owner[group]!, (tally.get(owner[group]!) ?? 0) + 1);
    }
    const into = [...tally.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]?.[0] ?? null;
    retired.push({ id: candidate.id, into, reason: into ? 'MERGED' : 'DISSOLVED', link: null });
  }

  const conflicts = new Map<string, number>();
  for (const link of part.vetoed) {
    conflicts.set(link.a, (conflicts.get(link.a) ?? 0) + 1);
    conflicts.set(link.b, (conflicts.get(link.b) ?? 0) + 1);
  }
  const moves: IdentifierUpdate[] = [];
  for (const node of nodes.values()) {
    // A shared leaf's links were not all loaded: its state is not ours to recount.
    if (!node.linksComplete) continue;
    const group = groupOf.get(node.key);
    const update: IdentifierUpdate = {
      key: node.key,
      profileId: group === undefined ? null : owner[group]!,
      shared: part.shared.has(node.key),
      blocked: node.blocked,
      kind: node.kind,
      conflicts: conflicts.get(node.key) ?? 0,
    };
    if (
      update.profileId !== node.profileId ||
      update.shared !== node.shared ||
      update.blocked !== node.stored.blocked ||
      update.kind !== node.stored.kind ||
      update.conflicts !== node.stored.conflicts
    ) {
      moves.push(update);
    }
  }

  const splits = profiles
    .filter((p) => p.origin !== 'kept')
    .map((p) => ({
      id: p.id,
      from: [
        ...new Set(
          p.members.map((key) => nodes.get(key)?.profileId).filter((id): id is string => !!id && id !== p.id),
        ),
      ].sort(),
    }))
    .filter((split) => split.from.length > 0);

  const servedBy = new Map<string, Set<string>>();
  const serve = (sharedKey: string, account: string): void => {
    const group = groupOf.get(account);
    if (!part.shared.has(sharedKey) || group === undefined || nodes.get(account)?.kind !== 'ACCOUNT') return;
    const set = servedBy.get(sharedKey) ?? new Set<string>();
    set.add(owner[group]!);
    servedBy.set(sharedKey, set);
  };
  for (const link of links) {
    serve(link.a, link.b);
    serve(link.b, link.a);
  }
  const shared = [...part.shared]
    .sort()
    .map((key) => ({ key, profileIds: [...(servedBy.get(key) ?? [])].sort() }));
  return { profiles, retired, shared, moves, splits };
}
