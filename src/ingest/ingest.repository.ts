import { defineQueries } from '../db/cypher';
import type { Executor, TxRunner } from '../db/executor';

const Q = defineQueries('ingest', [
  'claim-events',
  'upsert-identifiers',
  'write-traits',
  'upsert-links',
  'upsert-categories',
  'upsert-products',
  'create-interactions',
  'link-interactions',
  'any-event',
  'record-carriers',
  'mark-unsettled',
  'drop-unsettled',
  'unsettled',
] as const);

export interface EventClaim {
  messageId: string;
  type: string;
  name: string | null;
  at: number;
  receivedAt: number;
}

export interface IdentifierUpsert {
  namespace: string;
  value: string;
  kind: string;
  firstSeen: number;
  lastSeen: number;
  hasTraits: boolean;
}

export interface LinkUpsert {
  a: { namespace: string; value: string };
  b: { namespace: string; value: string };
  at: number;
  lastAt: number;
  messageId: string;
  type: string;
  count: number;
}

export interface CarrierCreate {
  messageId: string;
  namespace: string;
  value: string;
  primary: boolean;
}

export interface CategoryUpsert {
  path: string;
  name: string;
  parent: string | null;
}

export interface ProductUpsert {
  id: string;
  name: string | null;
  category: string | null;
  price: number | null;
  brand: string | null;
  at: number;
}

export interface InteractionCreate {
  id: string;
  messageId: string;
  event: string;
  at: number;
  productId: string | null;
  quantity: number | null;
  value: number | null;
  orderId: string | null;
  properties: string;
  namespace: string;
  identifier: string;
}

/** The identifiers a stored round touched, kept until their profiles are settled. */
export interface UnsettledRecord {
  record: string;
  keys: readonly string[];
  /** Those of `keys` that got interactions; null when not known (a record older than this field): all may. */
  interacted: readonly string[] | null;
}

/** The writes of a storing round (each one UNWIND statement over the whole round), and its Unsettled record. */
export class IngestRepository {
  constructor(private readonly executor: Executor) {}

  async anyEvent(): Promise<boolean> {
    return (await this.executor.read(Q.anyEvent)).length > 0;
  }

  /** Records the events' messageIds; returns those that were new (the rest were ingested before). */
  async claimEvents(tx: TxRunner, events: readonly EventClaim[], claim: string): Promise<Set<string>> {
    const rows = await tx.run(Q.claimEvents, { events, claim });
    return new Set(rows.filter((row) => row.fresh === true).map((row) => row.messageId as string));
  }

  /** Upserts identifiers; returns the stored traits JSON of those flagged `hasTraits`, by `namespace:value`. */
  async upsertIdentifiers(
    tx: TxRunner,
    identifiers: readonly IdentifierUpsert[],
    now: number,
  ): Promise<Map<string, string | null>> {
    const rows = await tx.run(Q.upsertIdentifiers, { identifiers, now });
    return new Map(
      rows.map((row) => [
        `${row.namespace as string}:${row.value as string}`,
        (row.traits as string | null) ?? null,
      ]),
    );
  }

  async writeTraits(
    tx: TxRunner,
    identifiers: ReadonlyArray<{ namespace: string; value: string; traits: string }>,
  ): Promise<void> {
    if (identifiers.length > 0) await tx.run(Q.writeTraits, { identifiers });
  }

  async upsertLinks(tx: TxRunner, links: readonly LinkUpsert[]): Promise<void> {
    if (links.length > 0) await tx.run(Q.upsertLinks, { links });
  }

  async upsertCatalogue(
    tx: TxRunner,
    categories: readonly CategoryUpsert[],
    products: readonly ProductUpsert[],
  ): Promise<void> {
    if (categories.length > 0) await tx.run(Q.upsertCategories, { categories });
    if (products.length > 0) await tx.run(Q.upsertProducts, { products });
  }

  async recordCarriers(tx: TxRunner, carriers: readonly CarrierCreate[]): Promise<void> {
    if (carriers.length > 0) await tx.run(Q.recordCarriers, { carriers });
  }

  /** Creates interactions on their identifiers; linkInteractions links them to their products. */
  async createInteractions(tx: TxRunner, interactions: readonly InteractionCreate[]): Promise<void> {
    if (interactions.length > 0) await tx.run(Q.createInteractions, { interactions });
  }

  /** Links interactions to their products: after upsertCatalogue, which locks the products. */
  async linkInteractions(
    tx: TxRunner,
    lines: ReadonlyArray<{ id: string; productId: string }>,
  ): Promise<void> {
    if (lines.length > 0) await tx.run(Q.linkInteractions, { lines });
  }

  async markUnsettled(tx: TxRunner, touched: UnsettledRecord, at: number): Promise<void> {
    await tx.run(Q.markUnsettled, {
      id: touched.record,
      keys: touched.keys,
      interacted: touched.interacted,
      at,
    });
  }

  async dropUnsettled(tx: TxRunner, records: readonly string[]): Promise<void> {
    await tx.run(Q.dropUnsettled, { ids: records });
  }

  /** Records stored before `before` and not settled yet, oldest first. */
  async unsettled(before: number, limit: number): Promise<UnsettledRecord[]> {
    const rows = await this.executor.read(Q.unsettled, { before, limit });
    return rows.map((row) => ({
      record: row.id as string,
      keys: row.keys as string[],
      interacted: (row.interacted as string[] | null) ?? null,
    }));
  }
}
