import { toDate } from '../common/scalars';
import { defineQueries } from '../db/cypher';
import type { Executor, TxRunner } from '../db/executor';
import type { Identifier } from './identifier.type';
import type { IdentityKind } from './namespaces';
import { identifierKey, splitKey } from './namespaces';
import type { IdentifierUpdate, StitchLink, StitchPlan, StitchProfile } from './stitching';

const Q = defineQueries('identity', [
  'lock-profiles',
  'profiles-of-identifiers',
  'load-component',
  'merged-by-anchor',
  'create-profiles',
  'move-identifiers',
  'retire-profiles',
  'link-shared',
  'record-splits',
  'current-rules',
  'save-rules',
  'affected-by-namespace',
  'affected-by-value-or-sharing',
  'erase-evidence',
  'relink-pairs',
  'health-counts',
  'largest-profiles',
  'shared-identifiers',
  'conflicted-identifiers',
  'identifiers-by-keys',
  'count-in-namespaces',
] as const);

/** An identifier row as the API shows it. */
export function toIdentifier(row: Record<string, unknown>): Identifier {
  return {
    namespace: row.namespace as string,
    value: row.value as string,
    kind: row.kind as IdentityKind,
    firstSeen: toDate(row.firstSeen) ?? new Date(0),
    lastSeen: toDate(row.lastSeen) ?? new Date(0),
    shared: row.shared === true,
    conflicts: (row.conflicts as number | null) ?? 0,
  };
}

export interface HealthCounts {
  profiles: number;
  identifiers: number;
  shared: number;
  conflicted: number;
  merged: number;
}

export interface IdentifierRef {
  namespace: string;
  value: string;
}

/** An identifier as stored. */
export interface StoredIdentifier {
  key: string;
  namespace: string;
  value: string;
  kind: IdentityKind;
  firstSeen: number;
  shared: boolean;
  blocked: boolean;
  conflicts: number;
  profileId: string | null;
}

export interface ComponentSlice {
  /** Identifiers whose links were all loaded (members of the loaded profiles, and the given identifiers). */
  members: StoredIdentifier[];
  /** Neighbours of members seen through a link, without their own links. */
  neighbours: StoredIdentifier[];
  links: StitchLink[];
}

const refs = (keys: Iterable<string>): IdentifierRef[] => [...keys].map(splitKey);

function stored(row: Record<string, unknown>): StoredIdentifier {
  return {
    key: identifierKey(row.namespace as string, row.value as string),
    namespace: row.namespace as string,
    value: row.value as string,
    kind: row.kind as IdentityKind,
    firstSeen: row.firstSeen as number,
    shared: (row.shared as boolean | null) ?? false,
    blocked: (row.blocked as boolean | null) ?? false,
    conflicts: (row.conflicts as number | null) ?? 0,
    profileId: (row.profileId as string | null) ?? null,
  };
}

/** Reads and writes of the identity graph; only identity.service.ts calls the writes. */
export class IdentityRepository {
  constructor(private readonly executor: Executor) {}

  async identifiers(keys: readonly string[]): Promise<Map<string, Identifier>> {
    const rows = await this.executor.read(Q.identifiersByKeys, { identifiers: refs(keys) });
    const list = rows.map((row) => toIdentifier(row.identifier as Record<string, unknown>));
    return new Map(list.map((i) => [identifierKey(i.namespace, i.value), i]));
  }

  async healthCounts(): Promise<HealthCounts> {
    const [row] = await this.executor.read(Q.healthCounts);
    return row as unknown as HealthCounts;
  }

  async largestProfiles(first: number): Promise<Array<{ id: string; size: number }>> {
    return (await this.executor.read(Q.largestProfiles, { first })).map((row) => ({
      id: row.id as string,
      size: row.size as number,
    }));
  }

  async sharedIdentifiers(first: number): Promise<Array<{ identifier: Identifier; profiles: number }>> {
    return (await this.executor.read(Q.sharedIdentifiers, { first })).map((row) => ({
      identifier: toIdentifier(row.identifier as Record<string, unknown>),
      profiles: row.profiles as number,
    }));
  }

  async conflictedIdentifiers(
    first: number,
  ): Promise<Array<{ identifier: Identifier; profileId: string | null }>> {
    return (await this.executor.read(Q.conflictedIdentifiers, { first })).map((row) => ({
      identifier: toIdentifier(row.identifier as Record<string, unknown>),
      profileId: (row.profileId as string | null) ?? null,
    }));
  }

  /** Erases events' evidence; returns, per erased event, the identifiers it carried and which was primary. */
  async eraseEvidence(
    tx: TxRunner,
    messageIds: readonly string[],
    now: number,
  ): Promise<Array<{ messageId: string; carried: Array<{ key: string; primary: boolean }> }>> {
    const rows = await tx.run(Q.eraseEvidence, { messageIds, now });
    return rows.map((row) => ({
      messageId: row.messageId as string,
      carried: (row.carried as Array<{ namespace: string; value: string; primary: boolean }>).map((c) => ({
        key: identifierKey(c.namespace, c.value),
        primary: c.primary,
      })),
    }));
  }

  /** Recomputes (or deletes) the LINKED relationships of the given pairs from the evidence that remains. */
  async relinkPairs(tx: TxRunner, pairs: ReadonlyArray<readonly [string, string]>): Promise<void> {
    if (pairs.length > 0)
      await tx.run(Q.relinkPairs, { pairs: pairs.map(([a, b]) => ({ a: splitKey(a), b: splitKey(b) })) });
  }

  /**
   * Write-locks the live profiles of `keys` (except those in `except`) and those of `keys` that belong to no
   * profile; returns the profiles and the keys of the profile-less identifiers.
   */
  async lockProfiles(
    tx: TxRunner,
    keys: Iterable<string>,
    except: Iterable<string>,
  ): Promise<{ profiles: StitchProfile[]; unsettled: string[] }> {
    const [row] = await tx.run(Q.lockProfiles, { keys: refs(keys), except: [...except] });
    const locked = (row?.locked ?? []) as Array<{ id: string; anchor: string; createdAt: number }>;
    return {
      profiles: locked.map((p) => ({ id: p.id, anchor: p.anchor, createdAt: p.createdAt, live: true })),
      unsettled: (row?.identifiers ?? []) as string[],
    };
  }

  /** The live profiles of `keys` (except those in `except`), without locking (read transactions). */
  async profilesOf(tx: TxRunner, keys: Iterable<string>, except: Iterable<string>): Promise<StitchProfile[]> {
    const rows = await tx.run(Q.profilesOfIdentifiers, { keys: refs(keys), except: [...except], now: null });
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
    const members: StoredIdentifier[] = [];
    const neighbours: StoredIdentifier[] = [];
    const links: StitchLink[] = [];
    for (const row of rows) {
      const member = stored(row);
      members.push(member);
      for (const link of row.links as Array<Record<string, unknown>>) {
        const other = stored(link);
        neighbours.push(other);
        const [a, b] = member.key < other.key ? [member.key, other.key] : [other.key, member.key];
        links.push({
          a,
          b,
          at: link.at as number,
          messageId: link.messageId as string,
          type: link.type as string,
        });
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

  /** Writes a stitching plan: new and revived profiles, identifier updates, shared attachments, retirements. */
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
        moves: plan.moves.map((m: IdentifierUpdate) => ({
          ...splitKey(m.key),
          profileId: m.profileId,
          shared: m.shared,
          blocked: m.blocked,
          kind: m.kind,
          conflicts: m.conflicts,
        })),
      });
    }
    if (plan.shared.length > 0) {
      const live = new Set([...componentProfiles, ...plan.profiles.map((p) => p.id)]);
      await tx.run(Q.linkShared, {
        shared: plan.shared.map((s) => ({ ...splitKey(s.key), profileIds: s.profileIds })),
        componentProfiles: [...live],
      });
    }
    if (plan.splits.length > 0) await tx.run(Q.recordSplits, { splits: plan.splits, now });
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

  async currentRules(tx: TxRunner): Promise<{ version: number; json: string } | null> {
    const [row] = await tx.run(Q.currentRules);
    return row ? { version: row.version as number, json: row.json as string } : null;
  }

  /** Saves new rules; returns the JSON of the rules in force before (null: the defaults) and the new version. */
  async saveRules(
    tx: TxRunner,
    json: string,
    now: number,
  ): Promise<{ previous: string | null; version: number }> {
    const [row] = await tx.run(Q.saveRules, { json, now });
    return { previous: (row?.previous as string | null) ?? null, version: row?.version as number };
  }

  async countInNamespaces(tx: TxRunner, namespaces: readonly string[]): Promise<number> {
    const [row] = await tx.run(Q.countInNamespaces, { namespaces });
    return (row?.identifiers as number) ?? 0;
  }

  async namespacePage(tx: TxRunner, namespace: string, after: string, first: number): Promise<string[]> {
    return (await tx.run(Q.affectedByNamespace, { namespace, after, first })).map(
      (row) => row.value as string,
    );
  }

  async byValueOrSharing(
    tx: TxRunner,
    values: readonly string[],
    sharedThreshold: number | null,
    limit: number,
  ): Promise<string[]> {
    const rows = await tx.run(Q.affectedByValueOrSharing, { values, sharedThreshold, limit });
    return rows.map((row) => identifierKey(row.namespace as string, row.value as string));
  }
}
