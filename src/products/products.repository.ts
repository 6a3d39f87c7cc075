import { defineQueries } from '../db/cypher';
import type { Executor } from '../db/executor';
import type { Product } from './product.type';

const Q = defineQueries('products', ['products-by-ids'] as const);

export function toProduct(row: Record<string, unknown>): Product {
  return {
    id: row.id as string,
    name: (row.name as string | null) ?? null,
    category: (row.category as string | null) ?? null,
    price: (row.price as number | null) ?? null,
    brand: (row.brand as string | null) ?? null,
  };
}

export class ProductsRepository {
  constructor(private readonly executor: Executor) {}

  async byIds(ids: readonly string[]): Promise<Array<Product | null>> {
    const rows = await this.executor.read(Q.productsByIds, { ids });
    const byId = new Map(
      rows.map((row) => [
        (row.product as Record<string, unknown>).id as string,
        toProduct(row.product as Record<string, unknown>),
      ]),
    );
    return ids.map((id) => byId.get(id) ?? null);
  }
}
