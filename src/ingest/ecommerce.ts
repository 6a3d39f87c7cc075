/**
 * Segment's e-commerce spec: a track event about products carries either one product in its properties
 * (`product_id` or `sku`: Product Viewed, Product Added, ...) or several in `properties.products[]`
 * (Order Completed, Checkout Started, Cart Viewed, ...). Each product becomes one interaction on a Product.
 */
export interface ProductLine {
  readonly id: string;
  readonly name: string | null;
  /** Category path, `/`-separated: "Sports/Running/Shoes". */
  readonly category: string | null;
  readonly price: number | null;
  readonly brand: string | null;
  readonly quantity: number | null;
  /** price x quantity where the price is known. */
  readonly value: number | null;
  readonly properties: Record<string, unknown>;
}

function text(value: unknown): string | null {
  if (typeof value === 'string' && value.trim().length > 0) return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function number(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** "Sports > Running > Shoes", "Sports/Running/Shoes " and "sports/running/shoes" keep their own words, one separator. */
export function categoryPath(value: unknown): string | null {
  const raw = text(value);
  if (!raw) return null;
  const parts = raw
    .split(/\s*(?:\/|>|»|\|)\s*/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  return parts.length > 0 ? parts.join('/').slice(0, 512) : null;
}

/** Every prefix of a category path, root first: "A/B/C" gives A, A/B, A/B/C. */
export function categoryAncestry(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

function line(item: Record<string, unknown>): ProductLine | null {
  const id = text(item.product_id) ?? text(item.sku) ?? text(item.id);
  if (!id) return null;
  const price = number(item.price);
  const quantity = number(item.quantity) ?? 1;
  return {
    id: id.slice(0, 256),
    name: text(item.name),
    category: categoryPath(item.category),
    price,
    brand: text(item.brand),
    quantity,
    value: price === null ? null : Math.round(price * quantity * 100) / 100,
    properties: item,
  };
}

/** The product lines of a track event, its order id, and its value when it has no product lines. */
export function productEvent(properties: Record<string, unknown>): {
  lines: ProductLine[];
  orderId: string | null;
  value: number | null;
} {
  const orderId = text(properties.order_id);
  const products = properties.products;
  let lines: ProductLine[] = [];
  if (Array.isArray(products)) {
    lines = products
      .filter(
        (item): item is Record<string, unknown> =>
          item !== null && typeof item === 'object' && !Array.isArray(item),
      )
      .map(line)
      .filter((l): l is ProductLine => l !== null);
  } else {
    const single = line(properties);
    if (single) lines = [single];
  }
  const value = number(properties.revenue) ?? number(properties.total) ?? number(properties.value);
  return { lines, orderId, value };
}
