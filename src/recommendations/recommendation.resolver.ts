import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { notFound } from '../common/errors';
import { Job } from '../jobs/job.type';
import { Product } from '../products/product.type';
import type { Context } from '../server/context';
import { ProductRecommendation, ProductRelation } from './recommendation.type';

async function productOf(ctx: Context, productId: string): Promise<Product> {
  const product = await ctx.loaders.products.product.load(productId);
  if (!product) throw notFound(`no product ${productId}`);
  return product;
}

@Resolver(() => ProductRelation)
export class ProductRelationResolver {
  @Authorized('products:read')
  @Query(() => [ProductRelation], {
    description:
      'Products most associated with a product, best first (precomputed; see Mutation.refreshRelatedProducts).',
  })
  async relatedProducts(
    @Arg('productId', () => ID) productId: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<ProductRelation[]> {
    const related = await ctx.services.recommendations.relatedProducts(
      ctx.loaders.recommendations,
      productId,
      first ?? 10,
    );
    if (!related) throw notFound(`no product ${productId}`, { argument: 'productId' });
    return related;
  }

  @Authorized('models:write')
  @Mutation(() => Job, {
    description:
      'Recomputes the related products of every product (a job); `rebuild` first recomputes every profile’s engagement and embedding.',
  })
  refreshRelatedProducts(
    @Arg('rebuild', () => Boolean, { nullable: true, defaultValue: false }) rebuild: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<Job> {
    return ctx.services.recommendations.refresh(rebuild ?? false);
  }

  @FieldResolver(() => Product)
  product(@Root() relation: ProductRelation, @Ctx() ctx: Context): Promise<Product> {
    return productOf(ctx, relation.productId);
  }
}

@Resolver(() => Product)
export class ProductRelatedResolver {
  @FieldResolver(() => [ProductRelation], {
    description: 'Products most associated with this one, best first.',
  })
  async related(
    @Root() product: Product,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<ProductRelation[]> {
    return (
      (await ctx.services.recommendations.relatedProducts(
        ctx.loaders.recommendations,
        product.id,
        first ?? 10,
      )) ?? []
    );
  }
}

@Resolver(() => ProductRecommendation)
export class ProductRecommendationResolver {
  @Authorized('recommendations:read')
  @Query(() => [ProductRecommendation], {
    description:
      'Products for one profile, best first, each with a reason; popular products when it has no history or does not allow personalisation.',
  })
  async recommendations(
    @Arg('profileId', () => ID) profileId: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<ProductRecommendation[]> {
    // An app acting for one end user gets that person's recommendations only.
    await ctx.services.access.checkActingFor(ctx, profileId);
    return ctx.services.recommendations.recommend(profileId, first ?? 10, {
      products: ctx.loaders.products.product,
    });
  }

  @FieldResolver(() => Product)
  product(@Root() recommendation: ProductRecommendation, @Ctx() ctx: Context): Promise<Product> {
    return productOf(ctx, recommendation.productId);
  }
}
