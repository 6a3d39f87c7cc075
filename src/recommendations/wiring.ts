import { AudiencesRepository } from '../audiences/audiences.repository';
import type { Logger } from '../common/logger';
import type { Executor } from '../db/executor';
import type { JobsService } from '../jobs/jobs.service';
import { LookalikeResolver } from '../lookalikes/lookalike.resolver';
import { LookalikesRepository } from '../lookalikes/lookalikes.repository';
import { LookalikesService } from '../lookalikes/lookalikes.service';
import type { ConsentPolicy } from '../privacy/consent';
import type { ProfileChanges, SettleStep } from '../profiles/profile-changes';
import type { SegmentsService } from '../segments/segments.service';
import { ModelsRepository } from '../tags/models.repository';
import type { TagsService } from '../tags/tags.service';
import {
  ProductRecommendationResolver,
  ProductRelatedResolver,
  ProductRelationResolver,
} from './recommendation.resolver';
import { RecommendationsRepository } from './recommendations.repository';
import { RecommendationsService } from './recommendations.service';
import { RelatedProductsRefresher } from './related-products.refresher';
import { DEFAULT_RECOMMENDATION_SETTINGS, type RecommendationSettings } from './settings';

/** What recommendations and lookalikes need from the rest of the server. */
export interface RecommendationDependencies {
  readonly executor: Executor;
  readonly logger: Logger;
  readonly jobs: JobsService;
  readonly tags: TagsService;
  readonly segments: SegmentsService;
  /** The privacy model's consent policy (`consentPolicy(config.CONSENT_OPT_IN_PURPOSES)`). */
  readonly consent: ConsentPolicy;
}

export interface RecommendationServices {
  /** `ctx.services.recommendations`; its `refresher.tick()` belongs in the scheduler's tick. */
  readonly recommendations: RecommendationsService;
  /** `ctx.services.lookalikes`. */
  readonly lookalikes: LookalikesService;
  /** For `services.repositories.recommendations`: `ctx.loaders.recommendations` is built from it. */
  readonly repository: RecommendationsRepository;
  /**
   * The settle steps, to register after 'audiences' in this order: engagement first (ENGAGED aggregates),
   * then embeddings (made from the tags, metrics and engagement settled before them).
   */
  readonly steps: ReadonlyArray<{ readonly name: 'engagement' | 'embeddings'; readonly step: SettleStep }>;
}

/** The resolver classes of recommendations and lookalikes, for buildSchema. */
export const recommendationResolvers = [
  ProductRelationResolver,
  ProductRelatedResolver,
  ProductRecommendationResolver,
  LookalikeResolver,
] as const;

/** Builds the services of recommendations and lookalikes (register `steps` with `registerSettleSteps`). */
export function createRecommendationServices(
  dependencies: RecommendationDependencies,
  settings: RecommendationSettings = DEFAULT_RECOMMENDATION_SETTINGS,
): RecommendationServices {
  const { executor, logger, jobs, tags, segments, consent } = dependencies;
  const repository = new RecommendationsRepository(executor);
  const lookalikes = new LookalikesService(
    new LookalikesRepository(executor),
    tags,
    segments,
    consent,
    settings,
  );
  const steps: RecommendationServices['steps'] = [
    {
      name: 'engagement',
      step: (tx, ids, now, scope, memo) => recommendations.settle(tx, scope.engagement ?? ids, now, memo),
    },
    { name: 'embeddings', step: (tx, ids, now, _scope, memo) => lookalikes.settle(tx, ids, now, memo) },
  ];
  const refresher = new RelatedProductsRefresher(
    executor,
    repository,
    jobs,
    new AudiencesRepository(executor),
    new ModelsRepository(executor),
    steps.map((s) => s.step),
    logger,
    settings,
  );
  const recommendations = new RecommendationsService(repository, consent, settings, refresher);
  return { recommendations, lookalikes, repository, steps };
}

/** Adds the settle steps to the pipeline; call it after the 'audiences' step is added. */
export function registerSettleSteps(changes: ProfileChanges, services: RecommendationServices): void {
  for (const { name, step } of services.steps) changes.addStep(name, step);
}
