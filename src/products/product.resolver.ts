import { Authorized, Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../server/context';
import { Product } from './product.type';

@Resolver(() => Product)
export class ProductResolver {
  @Authorized('products:read')
  @Query(() => Product, { nullable: true })
  product(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Product | null> {
    return ctx.services.products.product(ctx.loaders.products, id);
  }
}
