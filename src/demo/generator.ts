/**
 * A seeded generator of realistic Segment-spec event streams: people with power-law activity on several
 * devices, some never logging in, households sharing a tablet between several accounts, a product catalogue
 * with a category tree and Zipf popularity, and e-commerce journeys (views, cart adds, orders) over months,
 * driven by per-person taste for a few categories. The same seed always gives the same events.
 */

export interface GeneratorOptions {
  readonly people: number;
  readonly seed?: number;
  /** End of the simulated period (epoch ms); events fall in the `days` before it. */
  readonly now: number;
  readonly days?: number;
  readonly products?: number;
  /** Fraction of people in a household that shares one tablet between several accounts. */
  readonly sharedDeviceRate?: number;
  /**
   * Scales every person's number of sessions (default 1, about 28 events a person); 0.3 gives about 10
   * interactions a person, the shape issue 7 names for 1M profiles. Each person still has at least one.
   */
  readonly activity?: number;
}

export type SegmentEvent = Record<string, unknown>;

/** mulberry32: small, fast, good enough for test data, and identical on every platform. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TREE: Record<string, Record<string, string[]>> = {
  Sports: {
    Running: ['Shoes', 'Apparel', 'Watches'],
    Cycling: ['Bikes', 'Helmets'],
    Yoga: ['Mats', 'Apparel'],
  },
  Electronics: {
    Phones: ['Smartphones', 'Cases'],
    Audio: ['Headphones', 'Speakers'],
    Computers: ['Laptops', 'Accessories'],
  },
  Home: { Kitchen: ['Cookware', 'Coffee'], Furniture: ['Chairs', 'Desks'], Garden: ['Tools', 'Plants'] },
  Beauty: { Skincare: ['Creams', 'Serums'], Makeup: ['Lipstick', 'Foundation'] },
  Books: { Fiction: ['Mystery', 'SciFi'], NonFiction: ['Business', 'Cooking'] },
  Toys: { Kids: ['Puzzles', 'Blocks'], Games: ['Board', 'Cards'] },
};
const CITIES = [
  'Shanghai',
  'Beijing',
  'Shenzhen',
  'Hangzhou',
  'Chengdu',
  'Guangzhou',
  'Wuhan',
  'Nanjing',
  "Xi'an",
  'Suzhou',
];
const GIVEN = [
  'Wei',
  'Fang',
  'Na',
  'Li',
  'Min',
  'Jing',
  'Lei',
  'Yang',
  'Tao',
  'Hui',
  'Ying',
  'Jun',
  'Xin',
  'Hao',
  'Lan',
];
const FAMILY = [
  'Wang',
  'Li',
  'Zhang',
  'Liu',
  'Chen',
  'Yang',
  'Huang',
  'Zhao',
  'Wu',
  'Zhou',
  'Xu',
  'Sun',
  'Ma',
  'Zhu',
];
const ADJECTIVES = ['Classic', 'Pro', 'Lite', 'Ultra', 'Eco', 'Smart', 'Trail', 'Urban', 'Studio', 'Prime'];

export interface CatalogueProduct {
  readonly id: string;
  readonly name: string;
  readonly category: string;
  readonly top: string;
  readonly price: number;
  readonly brand: string;
}

/** The product catalogue: `count` products spread over the category tree's leaves. */
export function catalogue(count: number, random: () => number): CatalogueProduct[] {
  const leaves = Object.entries(TREE).flatMap(([top, mids]) =>
    Object.entries(mids).flatMap(([mid, lows]) =>
      lows.map((low) => ({ top, path: `${top}/${mid}/${low}`, low })),
    ),
  );
  return Array.from({ length: count }, (_, i) => {
    const leaf = leaves[i % leaves.length]!;
    const adjective = ADJECTIVES[Math.floor(random() * ADJECTIVES.length)]!;
    return {
      id: `sku-${String(i + 1).padStart(5, '0')}`,
      name: `${adjective} ${leaf.low.replace(/s$/, '')} ${i + 1}`,
      category: leaf.path,
      top: leaf.top,
      price: Math.round((5 + random() * random() * 500) * 100) / 100,
      brand: `${FAMILY[i % FAMILY.length]} & Co`,
    };
  });
}

/** Index in [0, n) drawn with probability proportional to 1/(rank+1)^s (Zipf). */
function zipfSampler(n: number, s: number, random: () => number): () => number {
  const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

function hex(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += Math.floor(random() * 16).toString(16);
  return out;
}

interface Device {
  anonymousId: string;
  deviceId: string | null;
  kind: 'phone' | 'laptop' | 'tablet';
}

/**
 * Yields every event of the simulated period, person by person (each person's events in time order).
 * Memory stays proportional to one person, so millions of people can be streamed.
 */
export function* generateEvents(options: GeneratorOptions): Generator<SegmentEvent> {
  const random = prng(options.seed ?? 42);
  const days = options.days ?? 180;
  const dayMs = 86_400_000;
  const start = options.now - days * dayMs;
  const products = catalogue(options.products ?? 300, random);
  const byTop = new Map<string, CatalogueProduct[]>();
  for (const product of products) {
    const list = byTop.get(product.top);
    if (list) list.push(product);
    else byTop.set(product.top, [product]);
  }
  const tops = [...byTop.keys()];
  const samplers = new Map([...byTop].map(([top, list]) => [top, zipfSampler(list.length, 1.1, random)]));
  const anyProduct = zipfSampler(products.length, 1.0, random);
  const sharedRate = options.sharedDeviceRate ?? 0.04;
  const activity = options.activity ?? 1;

  let household: { tablet: Device; left: number } | null = null;
  let message = 0;
  const nextId = () => `demo-${options.seed ?? 42}-${(message += 1)}`;

  for (let person = 0; person < options.people; person += 1) {
    const userId = random() < 0.8 ? `u${String(person + 1).padStart(7, '0')}` : null;
    const given = pick(GIVEN, random);
    const family = pick(FAMILY, random);
    const email =
      userId && random() < 0.9 ? `${given}.${family}.${person + 1}@example.com`.toLowerCase() : null;
    const phone =
      userId && random() < 0.6
        ? `+86138${String(10_000_000 + ((person * 7919) % 90_000_000)).slice(0, 8)}`
        : null;
    const tastes = [pick(tops, random), pick(tops, random)];
    const deviceCount = 1 + Math.floor(random() * random() * 3);
    const devices: Device[] = Array.from({ length: deviceCount }, (_, i) => {
      const kind = i === 0 ? 'phone' : pick(['laptop', 'tablet'] as const, random);
      return {
        anonymousId: `anon-${hex(random, 16)}`,
        deviceId: kind === 'laptop' ? null : `dev-${hex(random, 12)}`,
        kind,
      };
    });
    // Households: a run of consecutive account holders share one tablet.
    if (userId && (household?.left ?? 0) === 0 && random() < sharedRate) {
      household = {
        tablet: {
          anonymousId: `anon-${hex(random, 16)}`,
          deviceId: `dev-${hex(random, 12)}`,
          kind: 'tablet',
        },
        left: 4,
      };
    }
    if (userId && household && household.left > 0) {
      devices.push(household.tablet);
      household.left -= 1;
    }

    // Power-law activity: most people have a few sessions, a few have very many.
    const drawn = Math.min(120, Math.floor(1 / (random() ** 1.3 + 0.02)));
    const sessions = Math.max(1, Math.round(drawn * activity));
    const firstDay = Math.floor(random() * days * 0.9);
    const times = Array.from(
      { length: sessions },
      () => start + (firstDay + random() * (days - firstDay)) * dayMs,
    ).sort((a, b) => a - b);
    const traits = {
      name: `${given} ${family}`,
      ...(email ? { email } : {}),
      ...(phone ? { phone } : {}),
      gender: random() < 0.5 ? 'female' : 'male',
      age: 18 + Math.floor(random() * 50),
      city: pick(CITIES, random),
    };
    let identified = false;
    for (const [s, time] of times.entries()) {
      const device = devices[s === 0 ? 0 : Math.floor(random() * devices.length)]!;
      const loggedIn = userId !== null && (identified ? random() < 0.85 : random() < 0.5);
      let t = time;
      const tick = () => (t += 5_000 + Math.floor(random() * 120_000));
      const base = (): SegmentEvent => ({
        messageId: nextId(),
        anonymousId: device.anonymousId,
        ...(loggedIn ? { userId } : {}),
        timestamp: new Date(tick()).toISOString(),
        context: {
          ...(device.deviceId
            ? { device: { id: device.deviceId, type: device.kind === 'phone' ? 'ios' : 'android' } }
            : {}),
          library: { name: 'portrait-demo', version: '1' },
          ...(loggedIn && email ? { traits: { email } } : {}),
        },
      });
      if (loggedIn && !identified) {
        identified = true;
        yield { ...base(), type: 'identify', traits };
      } else if (loggedIn && random() < 0.05) {
        yield { ...base(), type: 'identify', traits: { city: pick(CITIES, random) } };
      }
      yield { ...base(), type: 'page', name: 'Home', properties: { path: '/' } };
      const cart: CatalogueProduct[] = [];
      const views = 1 + Math.floor(random() * 5);
      for (let v = 0; v < views; v += 1) {
        const top = random() < 0.8 ? pick(tastes, random) : pick(tops, random);
        const list = byTop.get(top)!;
        const product = random() < 0.15 ? products[anyProduct()]! : list[samplers.get(top)!()]!;
        yield {
          ...base(),
          type: 'track',
          event: 'Product Viewed',
          properties: {
            product_id: product.id,
            name: product.name,
            category: product.category,
            price: product.price,
            brand: product.brand,
          },
        };
        if (random() < 0.3) {
          cart.push(product);
          yield {
            ...base(),
            type: 'track',
            event: 'Product Added',
            properties: {
              product_id: product.id,
              name: product.name,
              category: product.category,
              price: product.price,
              quantity: 1,
            },
          };
        }
      }
      if (cart.length > 0 && loggedIn && random() < 0.6) {
        const lines = cart.map((p) => ({
          product_id: p.id,
          name: p.name,
          category: p.category,
          price: p.price,
          quantity: 1,
        }));
        const total = Math.round(lines.reduce((sum, l) => sum + l.price, 0) * 100) / 100;
        yield {
          ...base(),
          type: 'track',
          event: 'Order Completed',
          properties: { order_id: `o-${nextId()}`, total, revenue: total, currency: 'CNY', products: lines },
        };
      }
    }
  }
}
