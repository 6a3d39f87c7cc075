import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Product } from '../products/product.type';
import type { Context } from '../server/context';
import { Interaction } from './interaction.type';

@Resolver(() => Interaction)
export class InteractionResolver {
  @FieldResolver(() => Product, { nullable: true })
  product(@Root() interaction: Interaction, @Ctx() ctx: Context): Promise<Product | null> | null {
    return interaction.productId === null
      ? null
      : ctx.services.products.product(ctx.loaders.products, interaction.productId);
  }
}
