import { Authorized, Ctx, Field, Float, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Job } from '../jobs/job.type';
import type { Context } from '../server/context';

@ObjectType({ simpleResolvers: true })
export class ClusterCandidate {
  @Field(() => Int)
  k!: number;

  @Field(() => Float, { description: 'Mean silhouette on the training sample (higher separates better).' })
  silhouette!: number;
}

@ObjectType({
  simpleResolvers: true,
  description: 'The behaviour clustering as last trained (k-means on RFM and activity features).',
})
export class BehaviourClusters {
  @Field(() => Int, { description: 'The number of clusters, chosen by the best silhouette among k = 2..8.' })
  k!: number;

  @Field(() => [String], { description: 'A label per cluster, from its most distinctive features.' })
  labels!: string[];

  @Field(() => [ClusterCandidate])
  candidates!: ClusterCandidate[];
}

@Resolver()
export class ModelsResolver {
  @Authorized('models:write')
  @Mutation(() => Job, {
    description:
      'Retrains the models now (RFM boundaries, behaviour clusters) and rescores every profile; they retrain daily anyway.',
  })
  trainModels(@Ctx() ctx: Context): Promise<Job> {
    return ctx.services.models.train();
  }

  @Authorized('tags:read')
  @Query(() => BehaviourClusters, {
    nullable: true,
    description: 'Null until the models were first trained.',
  })
  async behaviourClusters(@Ctx() ctx: Context): Promise<BehaviourClusters | null> {
    const state = await ctx.services.models.clusters();
    return state ? { k: state.model.k, labels: state.labels, candidates: state.silhouettes } : null;
  }
}
