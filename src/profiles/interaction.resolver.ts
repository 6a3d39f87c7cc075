import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { Product } from '../products/product.type';
import type { Context } from '../server/context';
import { Interaction, InteractionConnection } from './interaction.type';

@Resolver(() => Interaction)
export class InteractionResolver {
  @FieldResolver(() => Product, { nullable: true })
  product(@Root() interaction: Interaction, @Ctx() ctx: Context): Promise<Product | null> | null {
    return interaction.productId === null
      ? null
      : ctx.services.products.product(ctx.loaders.products, interaction.productId);
  }
}

@Resolver(() => InteractionConnection)
export class InteractionConnectionResolver {
  @FieldResolver(() => Int, { description: 'All interactions of the profile (counted only when asked for).' })
  totalCount(@Root() connection: InteractionConnection, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.profiles.interactionCount.load(connection.profileId);
  }
}
