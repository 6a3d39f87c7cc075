import DataLoader from 'dataloader';
import type { ProductsRepository } from './products.repository';
import type { Product } from './product.type';

export interface ProductLoaders {
  product: DataLoader<string, Product | null>;
}

/** Per-request loaders: all products a query touches come in one round trip. */
export function createProductLoaders(repository: ProductsRepository): ProductLoaders {
  return { product: new DataLoader((ids) => repository.byIds(ids)) };
}
