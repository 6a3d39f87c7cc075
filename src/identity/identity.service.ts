import { randomUUID } from 'node:crypto';
import type { TxRunner } from '../db/executor';
import type { IdentityRepository } from './identity.repository';
import type { IdentityRules } from './namespaces';
import { partition, planProfiles, type StitchLink, type StitchNode, type StitchProfile } from './stitching';

export interface StitchOutcome {
  /** Live profiles whose members or members' data changed: their summaries need recomputing. */
  readonly touchedProfiles: string[];
  readonly merged: number;
  readonly created: number;
}

/** Identity resolution over the graph: which identifiers make up which profile. */
export class IdentityService {
  constructor(
    private readonly repository: IdentityRepository,
    private readonly rules: () => IdentityRules,
  ) {}

  /**
   * Recomputes the components of the evidence graph that hold `touched` identifiers, inside the caller's
   * write transaction. The component's live profiles are locked before they are read, so concurrent
   * transactions on one component serialise; the cost is proportional to the components, not the graph.
   */
  async stitch(tx: TxRunner, touched: ReadonlySet<string>, now: number): Promise<StitchOutcome> {
    const locked = new Map<string, StitchProfile>();
    const members = new Map<string, StitchNode>();
    const leaves = new Map<string, StitchNode>();
    const links = new Map<string, StitchLink>();
    let frontier = new Set(touched);
    while (frontier.size > 0) {
      const newlyLocked = await this.repository.lockProfiles(tx, frontier, locked.keys(), now);
      for (const profile of newlyLocked) locked.set(profile.id, profile);
      const slice = await this.repository.loadComponent(
        tx,
        newlyLocked.map((p) => p.id),
        frontier,
      );
      for (const node of slice.members) {
        members.set(node.key, node);
        leaves.delete(node.key);
      }
      for (const link of slice.links) links.set(`${link.a}\n${link.b}`, link);
      const next = new Set<string>();
      for (const node of slice.members) {
        // Its profile changed between our lock and our read: lock that one too and read again.
        if (node.profileId !== null && !locked.has(node.profileId)) next.add(node.key);
      }
      for (const node of slice.neighbours) {
        if (members.has(node.key) || node.blocked) continue;
        if (node.shared) leaves.set(node.key, node);
        else next.add(node.key);
      }
      frontier = next;
    }

    const nodes = new Map<string, StitchNode>([...leaves, ...members]);
    const evidence = [...links.values()].filter((l) => nodes.has(l.a) && nodes.has(l.b));
    const rules = this.rules();
    const part = partition(nodes, evidence, rules);

    // Groups founded by no live profile may revive a merged-away id anchored in them.
    const liveAnchors = new Set([...locked.values()].map((p) => p.anchor));
    const orphanKeys = part.groups.filter((group) => !group.some((key) => liveAnchors.has(key))).flat();
    const revivable =
      orphanKeys.length > 0 ? await this.repository.mergedProfilesAnchoredAt(tx, orphanKeys) : [];

    const plan = planProfiles(nodes, evidence, part, [...locked.values(), ...revivable], randomUUID);
    await this.repository.applyPlan(tx, plan, [...locked.keys()], now);

    const moved = new Set(plan.moves.map((m) => m.key));
    const live = new Set(plan.profiles.map((p) => p.id));
    const lostMembers = plan.moves
      .map((m) => nodes.get(m.key)?.profileId)
      .filter((id): id is string => !!id && live.has(id));
    const touchedProfiles = new Set([
      ...lostMembers,
      ...plan.profiles
        .filter((p) => p.origin !== 'kept' || p.members.some((key) => touched.has(key) || moved.has(key)))
        .map((p) => p.id),
    ]);
    return {
      touchedProfiles: [...touchedProfiles],
      merged: plan.retired.filter((r) => r.reason === 'MERGED').length,
      created: plan.profiles.filter((p) => p.origin === 'new').length,
    };
  }
}
