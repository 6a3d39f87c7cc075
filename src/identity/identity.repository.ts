import { defineQueries } from '../db/cypher';
import type { TxRunner } from '../db/executor';
import type { IdentityKind } from './namespaces';
import { identifierKey, splitKey } from './namespaces';
import type { StitchLink, StitchNode, StitchPlan, StitchProfile } from './stitching';

const Q = defineQueries('identity', [
  'lock-profiles',
  'load-component',
  'merged-by-anchor',
  'create-profiles',
  'move-identifiers',
  'retire-profiles',
  'link-shared',
] as const);

export interface IdentifierRef {
  namespace: string;
  value: string;
}

interface LinkRow {
  namespace: string;
  value: string;
  kind: IdentityKind;
  firstSeen: number;
  shared: boolean | null;
  blocked: boolean | null;
  profileId: string | null;
  at: number;
  messageId: string;
}

export interface ComponentSlice {
  /** Nodes whose links were all loaded (members of the loaded profiles, and the given identifiers). */
  members: StitchNode[];
  /** Neighbours of members seen through a link, with what is known of them without loading their links. */
  neighbours: StitchNode[];
  links: StitchLink[];
}

const refs = (keys: Iterable<string>): IdentifierRef[] => [...keys].map(splitKey);

/** Reads and writes of the identity graph; only stitching (identity.stitcher.ts) calls the writes. */
export class IdentityRepository {
  /** Locks the live profiles of `keys` (except those in `except`) and returns them. */
  async lockProfiles(
    tx: TxRunner,
    keys: Iterable<string>,
    except: Iterable<string>,
    now: number,
  ): Promise<StitchProfile[]> {
    const rows = await tx.run(Q.lockProfiles, { keys: refs(keys), except: [...except], now });
    return rows.map((row) => ({
      id: row.id as string,
      anchor: row.anchor as string,
      createdAt: row.createdAt as number,
      live: true,
    }));
  }

  async loadComponent(
    tx: TxRunner,
    profileIds: readonly string[],
    keys: Iterable<string>,
  ): Promise<ComponentSlice> {
    const rows = await tx.run(Q.loadComponent, { profileIds, keys: refs(keys) });
    const members: StitchNode[] = [];
    const neighbours: StitchNode[] = [];
    const links: StitchLink[] = [];
    for (const row of rows) {
      const key = identifierKey(row.namespace as string, row.value as string);
      members.push({
        key,
        namespace: row.namespace as string,
        kind: row.kind as IdentityKind,
        firstSeen: row.firstSeen as number,
        shared: (row.shared as boolean | null) ?? false,
        blocked: (row.blocked as boolean | null) ?? false,
        profileId: (row.profileId as string | null) ?? null,
        linksComplete: true,
      });
      for (const link of row.links as LinkRow[]) {
        const other = identifierKey(link.namespace, link.value);
        neighbours.push({
          key: other,
          namespace: link.namespace,
          kind: link.kind,
          firstSeen: link.firstSeen,
          shared: link.shared ?? false,
          blocked: link.blocked ?? false,
          profileId: link.profileId ?? null,
          linksComplete: false,
        });
        const [a, b] = key < other ? [key, other] : [other, key];
        links.push({ a, b, at: link.at, messageId: link.messageId });
      }
    }
    return { members, neighbours, links };
  }

  /** Merged-away profiles founded by one of `anchors`, which a split may bring back. */
  async mergedProfilesAnchoredAt(tx: TxRunner, anchors: readonly string[]): Promise<StitchProfile[]> {
    const rows = await tx.run(Q.mergedByAnchor, { anchors });
    return rows.map((row) => ({
      id: row.id as string,
      anchor: row.anchor as string,
      createdAt: row.createdAt as number,
      live: row.live as boolean,
    }));
  }

  /** Writes a stitching plan: new and revived profiles, identifier moves, shared attachments, retirements. */
  async applyPlan(
    tx: TxRunner,
    plan: StitchPlan,
    componentProfiles: readonly string[],
    now: number,
  ): Promise<void> {
    const founded = plan.profiles.filter((p) => p.origin !== 'kept');
    if (founded.length > 0) {
      await tx.run(Q.createProfiles, {
        profiles: founded.map((p) => ({
          id: p.id,
          anchor: p.anchor,
          createdAt: p.createdAt,
          revived: p.origin === 'revived',
        })),
        now,
      });
    }
    if (plan.moves.length > 0) {
      await tx.run(Q.moveIdentifiers, {
        moves: plan.moves.map((m) => ({ ...splitKey(m.key), profileId: m.profileId, shared: m.shared })),
      });
    }
    if (plan.shared.length > 0) {
      const live = new Set([...componentProfiles, ...plan.profiles.map((p) => p.id)]);
      await tx.run(Q.linkShared, {
        shared: plan.shared.map((s) => ({ ...splitKey(s.key), profileIds: s.profileIds })),
        componentProfiles: [...live],
      });
    }
    if (plan.retired.length > 0) {
      await tx.run(Q.retireProfiles, {
        retired: plan.retired.map((r) => ({
          id: r.id,
          into: r.into,
          reason: r.reason,
          messageId: r.link?.messageId ?? null,
          eventAt: r.link?.at ?? null,
        })),
        now,
      });
    }
  }
}
