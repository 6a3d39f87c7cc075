import DataLoader from 'dataloader';
import type { Product } from '../products/product.type';
import type { RecommendationsRepository, RelatedRow } from './recommendations.repository';

export interface RelatedKey {
  productId: string;
  first: number;
}

export interface RecommendationLoaders {
  /** A product's related products (null: no such product); one round trip per distinct `first`. */
  related: DataLoader<RelatedKey, RelatedRow[] | null, string>;
}

const keyOf = (key: RelatedKey): string => `${key.first}|${key.productId}`;

/**
 * Per-request loaders: a list of products asking for their related products makes one round trip. The related
 * products come with their fields and are put into `products` (the request's product loader, when given), so
 * that asking for them makes none.
 */
export function createRecommendationLoaders(
  repository: RecommendationsRepository,
  products?: DataLoader<string, Product | null>,
): RecommendationLoaders {
  return {
    related: new DataLoader(
      async (keys) => {
        const byFirst = new Map<number, string[]>();
        for (const key of keys) byFirst.set(key.first, [...(byFirst.get(key.first) ?? []), key.productId]);
        const results = new Map<string, RelatedRow[] | null>();
        await Promise.all(
          [...byFirst].map(async ([first, ids]) => {
            const lists = await repository.relatedOf(ids, first);
            ids.forEach((id, i) => {
              const list = lists[i] ?? null;
              results.set(keyOf({ productId: id, first }), list?.related ?? null);
              for (const product of list?.products ?? []) products?.prime(product.id, product);
            });
          }),
        );
        return keys.map((key) => results.get(keyOf(key)) ?? null);
      },
      { cacheKeyFn: keyOf },
    ),
  };
}
