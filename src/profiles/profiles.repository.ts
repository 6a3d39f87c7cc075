import { defineQueries } from '../db/cypher';
import type { Executor, Row } from '../db/executor';
import { toDate } from '../common/scalars';
import type { Identifier, IdentityChange } from '../identity/identifier.type';
import { toIdentifier } from '../identity/identity.repository';
import type { Interaction } from './interaction.type';
import type { Profile } from './profile.type';

const Q = defineQueries('profiles', [
  'profiles-by-identifiers',
  'profiles-by-ids',
  'profiles-page',
  'identifiers-of-profiles',
  'merged-ids-of-profiles',
  'interactions-of-profiles',
  'changes-of-profiles',
] as const);

export interface InteractionPageRows {
  page: Interaction[];
  total: number;
}

export function toProfile(row: unknown): Profile {
  const p = row as Record<string, unknown>;
  return {
    id: p.id as string,
    traits: typeof p.traits === 'string' ? (JSON.parse(p.traits) as Record<string, unknown>) : {},
    createdAt: toDate(p.createdAt) ?? new Date(0),
    updatedAt: toDate(p.updatedAt) ?? new Date(0),
    firstSeen: toDate(p.firstSeen),
    lastSeen: toDate(p.lastSeen),
    lifecycleStage: (p.lifecycleStage as string | null) ?? null,
    metrics: {
      orders: (p.orders as number | null) ?? 0,
      monetary: (p.monetary as number | null) ?? 0,
      lastOrderAt: (p.lastOrderAt as number | null) ?? null,
      rfmScore: (p.rfmScore as string | null) ?? null,
    },
  };
}

function toInteraction(row: Record<string, unknown>): Interaction {
  return {
    id: row.id as string,
    event: row.event as string,
    at: toDate(row.at) ?? new Date(0),
    productId: (row.productId as string | null) ?? null,
    quantity: typeof row.quantity === 'number' ? Math.round(row.quantity) : null,
    value: (row.value as number | null) ?? null,
    properties:
      typeof row.properties === 'string' ? (JSON.parse(row.properties) as Record<string, unknown>) : null,
  };
}

/** Groups rows keyed by `id` back into the order of `ids` (DataLoader's contract). */
function inOrder<T>(ids: readonly string[], rows: Row[], pick: (row: Row) => T, missing: T): T[] {
  const byId = new Map(rows.map((row) => [row.id as string, pick(row)]));
  return ids.map((id) => byId.get(id) ?? missing);
}

export class ProfilesRepository {
  constructor(private readonly executor: Executor) {}

  async byIds(ids: readonly string[]): Promise<Array<Profile | null>> {
    const rows = await this.executor.read(Q.profilesByIds, { ids });
    return inOrder(ids, rows, (row) => toProfile(row.profile), null);
  }

  /** The profile of each identifier, in order (null for unknown and shared identifiers). */
  async byIdentifiers(
    identifiers: ReadonlyArray<{ namespace: string; value: string }>,
  ): Promise<Array<Profile | null>> {
    const rows = await this.executor.read(Q.profilesByIdentifiers, { identifiers });
    const byKey = new Map(
      rows.map((row) => [`${row.namespace as string}:${row.value as string}`, toProfile(row.profile)]),
    );
    return identifiers.map((i) => byKey.get(`${i.namespace}:${i.value}`) ?? null);
  }

  async page(after: string, first: number): Promise<{ page: Profile[]; total: number }> {
    const [row] = await this.executor.read(Q.profilesPage, { after, first });
    return { page: ((row?.page as unknown[]) ?? []).map(toProfile), total: (row?.total as number) ?? 0 };
  }

  async identifiersOf(ids: readonly string[]): Promise<Identifier[][]> {
    const rows = await this.executor.read(Q.identifiersOfProfiles, { ids });
    return inOrder(
      ids,
      rows,
      (row) => (row.identifiers as Array<Record<string, unknown>>).map(toIdentifier),
      [],
    );
  }

  async mergedIdsOf(ids: readonly string[]): Promise<string[][]> {
    const rows = await this.executor.read(Q.mergedIdsOfProfiles, { ids });
    return inOrder(ids, rows, (row) => row.mergedIds as string[], []);
  }

  async interactionsOf(
    ids: readonly string[],
    first: number,
    after: { at: number; id: string } | null,
  ): Promise<InteractionPageRows[]> {
    const rows = await this.executor.read(Q.interactionsOfProfiles, {
      ids,
      first,
      afterAt: after?.at ?? null,
      afterId: after?.id ?? null,
    });
    return inOrder(
      ids,
      rows,
      (row) => ({
        page: (row.page as Array<Record<string, unknown>>).map(toInteraction),
        total: row.total as number,
      }),
      { page: [], total: 0 },
    );
  }

  async changesOf(ids: readonly string[]): Promise<IdentityChange[][]> {
    const rows = await this.executor.read(Q.changesOfProfiles, { ids });
    return inOrder(
      ids,
      rows,
      (row) =>
        (row.changes as Array<Record<string, unknown>>).map((c) => ({
          kind: c.kind as string,
          at: toDate(c.at) ?? new Date(0),
          otherId: c.otherId as string,
          messageId: (c.messageId as string | null) ?? null,
          eventAt: toDate(c.eventAt),
        })),
      [],
    );
  }
}
