import { splitKey } from '../identity/namespaces';
import { applyTraits, type StoredTraits } from '../profiles/traits';
import { categoryAncestry } from './ecommerce';
import type {
  CarrierCreate,
  CategoryUpsert,
  IdentifierUpsert,
  InteractionCreate,
  LinkUpsert,
  ProductUpsert,
} from './ingest.repository';
import type { NormalizedEvent } from './segment-event';

/**
 * What a set of events writes to the graph, computed the same way for one ingestion request and for a whole
 * bulk load, and independent of the order of the events: per identifier its first and last time and its
 * traits (newest wins), per pair of identifiers the earliest evidence and a count, per product the newest
 * description. `add` can be called with more events at any time; the result is the same.
 */
export class WriteSet {
  readonly identifiers = new Map<string, IdentifierUpsert>();
  readonly links = new Map<string, LinkUpsert>();
  readonly products = new Map<string, ProductUpsert & { messageId: string }>();
  readonly categories = new Map<string, CategoryUpsert>();
  /** Traits set by these events, per identifier (to be applied on top of what is stored). */
  readonly traits = new Map<string, StoredTraits>();

  add(events: readonly NormalizedEvent[]): this {
    for (const event of events) {
      for (const id of event.identifiers) {
        const current = this.identifiers.get(id.key);
        const hasTraits = event.traits !== null && id.key === event.primary.key;
        if (!current) {
          this.identifiers.set(id.key, {
            namespace: id.namespace,
            value: id.value,
            kind: id.kind,
            firstSeen: event.at,
            lastSeen: event.at,
            hasTraits,
          });
        } else {
          current.firstSeen = Math.min(current.firstSeen, event.at);
          current.lastSeen = Math.max(current.lastSeen, event.at);
          current.hasTraits ||= hasTraits;
        }
        if (id.key !== event.primary.key) this.addLink(event, id.key);
      }
      if (event.traits) {
        const key = event.primary.key;
        this.traits.set(
          key,
          applyTraits(this.traits.get(key) ?? {}, event.traits, event.at, event.messageId),
        );
      }
      for (const line of event.products) this.addProduct(event, line);
    }
    return this;
  }

  private addLink(event: NormalizedEvent, other: string): void {
    const primary = event.primary.key;
    const [a, b] = other < primary ? [other, primary] : [primary, other];
    const pair = `${a}\n${b}`;
    const link = this.links.get(pair);
    if (!link) {
      this.links.set(pair, {
        a: splitKey(a),
        b: splitKey(b),
        at: event.at,
        lastAt: event.at,
        messageId: event.messageId,
        type: event.type,
        count: 1,
      });
      return;
    }
    link.count += 1;
    link.lastAt = Math.max(link.lastAt, event.at);
    if (earlier(event, link))
      Object.assign(link, { at: event.at, messageId: event.messageId, type: event.type });
  }

  private addProduct(event: NormalizedEvent, line: NormalizedEvent['products'][number]): void {
    const current = this.products.get(line.id);
    if (!current || !earlier(event, current)) {
      this.products.set(line.id, {
        id: line.id,
        name: line.name ?? current?.name ?? null,
        category: line.category ?? current?.category ?? null,
        price: line.price ?? current?.price ?? null,
        brand: line.brand ?? current?.brand ?? null,
        at: event.at,
        messageId: event.messageId,
      });
    }
    if (!line.category) return;
    for (const path of categoryAncestry(line.category)) {
      const cut = path.lastIndexOf('/');
      this.categories.set(path, {
        path,
        name: path.slice(cut + 1),
        parent: cut === -1 ? null : path.slice(0, cut),
      });
    }
  }

  // Every list of rows comes in key order, so that concurrent transactions lock what they write in one order.

  /** Identifiers in key order. */
  sortedIdentifiers(): IdentifierUpsert[] {
    return byKey(this.identifiers).map(([, row]) => row);
  }

  /** The traits set per identifier, in key order. */
  sortedTraits(): Array<[string, StoredTraits]> {
    return byKey(this.traits);
  }

  sortedLinks(): LinkUpsert[] {
    return byKey(this.links).map(([, link]) => link);
  }

  /** Categories parents first. */
  sortedCategories(): CategoryUpsert[] {
    return [...this.categories.values()].sort(
      (x, y) => x.path.split('/').length - y.path.split('/').length || (x.path < y.path ? -1 : 1),
    );
  }

  /** Products in id order. */
  productRows(): ProductUpsert[] {
    return byKey(this.products).map(([, { messageId: _messageId, ...product }]) => product);
  }
}

function byKey<T>(map: ReadonlyMap<string, T>): Array<[string, T]> {
  return [...map.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
}

export function earlier(a: { at: number; messageId: string }, b: { at: number; messageId: string }): boolean {
  return a.at < b.at || (a.at === b.at && a.messageId < b.messageId);
}

/** Which identifiers each event carried: the evidence behind the links, kept so it can be erased. */
export function carriersOf(events: readonly NormalizedEvent[]): CarrierCreate[] {
  return events
    .filter((event) => event.identifiers.length > 1)
    .flatMap((event) =>
      event.identifiers.map((id) => ({
        messageId: event.messageId,
        namespace: id.namespace,
        value: id.value,
        primary: id.key === event.primary.key,
      })),
    );
}

/** The interactions events make, each attached to the identifier its event is about. */
export function interactionsOf(events: readonly NormalizedEvent[]): InteractionCreate[] {
  return events.flatMap((event) =>
    event.interactions.map((x) => ({
      id: x.id,
      messageId: event.messageId,
      event: x.event,
      at: event.at,
      productId: x.productId,
      quantity: x.quantity,
      value: x.value,
      orderId: x.orderId,
      properties: JSON.stringify(x.properties),
      namespace: event.primary.namespace,
      identifier: event.primary.value,
    })),
  );
}

/** The interactions that name a product, as rows of link-interactions. */
export function productLinesOf(
  interactions: readonly InteractionCreate[],
): Array<{ id: string; productId: string }> {
  return interactions.flatMap((x) => (x.productId ? [{ id: x.id, productId: x.productId }] : []));
}
