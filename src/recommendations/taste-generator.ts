import { catalogue, prng, type CatalogueProduct, type SegmentEvent } from '../demo/generator';

/**
 * A seeded data set with planted structure, for the offline evaluation: every person belongs to one taste
 * cluster that favours a few leaf categories, and products come in complementary pairs (a shoe and its
 * insoles) that buyers of one tend to buy next. Related products should find the pairs, recommendations
 * should find both the cluster's favourites and the complements, and lookalikes of a few people of a cluster
 * should be mostly people of that cluster.
 */
export interface TasteOptions {
  readonly people: number;
  readonly products?: number;
  readonly clusters?: number;
  /** Leaf categories each cluster favours. */
  readonly leavesPerCluster?: number;
  /** Share of choices made from the cluster's favourites (the rest from the whole catalogue). */
  readonly loyalty?: number;
  /** Chance that a purchase leads to buying its complement in a later session. */
  readonly complementRate?: number;
  readonly seed?: number;
  /** End of the simulated period (epoch ms). */
  readonly now: number;
  readonly days?: number;
}

export interface TastePerson {
  readonly userId: string;
  readonly cluster: number;
}

export interface TasteData {
  readonly people: readonly TastePerson[];
  readonly products: readonly CatalogueProduct[];
  /** Every person's events, person by person, each person's in time order. */
  readonly events: readonly SegmentEvent[];
}

/** Index in [0, n) with probability proportional to 1/(rank+1)^s. */
function zipf(n: number, s: number, random: () => number): number {
  let total = 0;
  for (let i = 0; i < n; i += 1) total += 1 / (i + 1) ** s;
  let target = random() * total;
  for (let i = 0; i < n; i += 1) {
    target -= 1 / (i + 1) ** s;
    if (target <= 0) return i;
  }
  return n - 1;
}

/** The data set: the same options always give the same data. */
export function generateTasteData(options: TasteOptions): TasteData {
  const random = prng(options.seed ?? 5);
  const dayMs = 86_400_000;
  const days = options.days ?? 180;
  const start = options.now - days * dayMs;
  const clusters = options.clusters ?? 8;
  const loyalty = options.loyalty ?? 0.75;
  const complementRate = options.complementRate ?? 0.5;
  const products = catalogue(options.products ?? 400, random);
  const leaves = [...new Set(products.map((p) => p.category))];

  // Each cluster favours a few leaves; its pool is their products, in a fixed popularity order.
  const pools = Array.from({ length: clusters }, () => {
    const chosen = new Set<string>();
    while (chosen.size < Math.min(options.leavesPerCluster ?? 3, leaves.length))
      chosen.add(leaves[Math.floor(random() * leaves.length)]!);
    return products.filter((p) => chosen.has(p.category));
  });
  // Complements: products paired two by two within each leaf.
  const complement = new Map<string, CatalogueProduct>();
  for (const leaf of leaves) {
    const inLeaf = products.filter((p) => p.category === leaf);
    for (let i = 0; i + 1 < inLeaf.length; i += 2) {
      complement.set(inLeaf[i]!.id, inLeaf[i + 1]!);
      complement.set(inLeaf[i + 1]!.id, inLeaf[i]!);
    }
  }

  const people: TastePerson[] = [];
  const events: SegmentEvent[] = [];
  let message = 0;
  const line = (p: CatalogueProduct) => ({
    product_id: p.id,
    name: p.name,
    category: p.category,
    price: p.price,
    brand: p.brand,
  });
  for (let person = 0; person < options.people; person += 1) {
    const userId = `taste-${String(person + 1).padStart(6, '0')}`;
    const cluster = Math.floor(random() * clusters);
    const pool = pools[cluster]!;
    people.push({ userId, cluster });
    const sessions = 3 + Math.floor(random() * random() * 14);
    const times = Array.from({ length: sessions }, () => start + random() * days * dayMs).sort(
      (a, b) => a - b,
    );
    let t = times[0]! - 60_000;
    const emit = (event: SegmentEvent) => {
      message += 1;
      t += 1000;
      events.push({
        messageId: `taste-${options.seed ?? 5}-${message}`,
        userId,
        timestamp: new Date(t).toISOString(),
        ...event,
      });
    };
    emit({ type: 'identify', traits: { name: `Taster ${person + 1}` } });
    let next: CatalogueProduct | null = null;
    for (const time of times) {
      t = time;
      const choose = (): CatalogueProduct =>
        random() < loyalty && pool.length > 0
          ? pool[zipf(pool.length, 0.8, random)]!
          : products[zipf(products.length, 1, random)]!;
      const viewed = [next ?? choose(), ...Array.from({ length: Math.floor(random() * 3) }, choose)];
      next = null;
      const cart: CatalogueProduct[] = [];
      for (const product of viewed) {
        emit({ type: 'track', event: 'Product Viewed', properties: line(product) });
        if (random() < 0.45) {
          cart.push(product);
          emit({ type: 'track', event: 'Product Added', properties: { ...line(product), quantity: 1 } });
        }
      }
      if (cart.length > 0 && random() < 0.6) {
        emit({
          type: 'track',
          event: 'Order Completed',
          properties: {
            order_id: `taste-order-${message}`,
            revenue: Math.round(cart.reduce((sum, p) => sum + p.price, 0) * 100) / 100,
            products: cart.map((p) => ({ ...line(p), quantity: 1 })),
          },
        });
        const bought = cart[Math.floor(random() * cart.length)]!;
        if (random() < complementRate) next = complement.get(bought.id) ?? null;
      }
    }
  }
  return { people, products, events };
}
