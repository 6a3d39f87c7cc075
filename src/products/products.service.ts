import type { ProductLoaders } from './products.loaders';
import type { Product } from './product.type';

export class ProductsService {
  /** A product by id, null when no event ever mentioned it. */
  product(loaders: ProductLoaders, id: string): Promise<Product | null> {
    return loaders.product.load(id);
  }
}
