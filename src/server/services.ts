import type { Config } from '../config';
import type { Logger } from '../common/logger';
import type { Executor } from '../db/executor';
import { AudiencesRepository } from '../audiences/audiences.repository';
import { AudiencesService } from '../audiences/audiences.service';
import { IdentityRepository } from '../identity/identity.repository';
import { IdentityService } from '../identity/identity.service';
import { IngestRepository } from '../ingest/ingest.repository';
import { IngestService } from '../ingest/ingest.service';
import { JobsRepository } from '../jobs/jobs.repository';
import { JobsService } from '../jobs/jobs.service';
import { ProductsRepository } from '../products/products.repository';
import { ProductsService } from '../products/products.service';
import type { LookalikesService } from '../lookalikes/lookalikes.service';
import { ProfileDeriver } from '../profiles/derive';
import type { RecommendationsRepository } from '../recommendations/recommendations.repository';
import type { RecommendationsService } from '../recommendations/recommendations.service';
import { DEFAULT_RECOMMENDATION_SETTINGS, engagementReads } from '../recommendations/settings';
import { createRecommendationServices, registerSettleSteps } from '../recommendations/wiring';
import { ProfileChanges } from '../profiles/profile-changes';
import { ProfilesRepository } from '../profiles/profiles.repository';
import { ProfilesService } from '../profiles/profiles.service';
import { LocalChangeBus, type ChangeBus } from '../segments/change-bus';
import { SegmentsRepository } from '../segments/segments.repository';
import { SegmentsService } from '../segments/segments.service';
import { TagsRepository } from '../tags/tags.repository';
import { TagsService } from '../tags/tags.service';
import { AuditService } from '../audit/audit.service';
import { consentPolicy } from '../privacy/consent';
import { PrivacyService } from '../privacy/privacy.service';
import { AccessService } from '../security/access';
import { ApiKeys } from '../security/api-keys';
import { Authenticator } from '../security/authenticator';
import { ModelsRepository } from '../tags/models.repository';
import { DEFAULT_MODELS_SETTINGS, ModelsService } from '../tags/models.service';

/** The singletons of one server: services, and the repositories loaders read through. */
export interface Services {
  /** The time events are received at (tests fix it to compare two loads of the same events). */
  readonly clock: () => number;
  readonly executor: Executor;
  readonly changes: ProfileChanges;
  readonly bus: ChangeBus;
  readonly jobs: JobsService;
  readonly identity: IdentityService;
  readonly ingest: IngestService;
  readonly profiles: ProfilesService;
  readonly products: ProductsService;
  readonly audiences: AudiencesService;
  readonly models: ModelsService;
  readonly tags: TagsService;
  readonly segments: SegmentsService;
  readonly recommendations: RecommendationsService;
  readonly lookalikes: LookalikesService;
  readonly privacy: PrivacyService;
  readonly audit: AuditService;
  readonly apiKeys: ApiKeys;
  readonly authenticator: Authenticator;
  readonly access: AccessService;
  readonly repositories: {
    readonly profiles: ProfilesRepository;
    readonly products: ProductsRepository;
    readonly jobs: JobsRepository;
    readonly tags: TagsRepository;
    readonly segments: SegmentsRepository;
    readonly recommendations: RecommendationsRepository;
  };
}

/**
 * Builds every service of one instance. The order of the settle steps is the order a profile change is
 * worked through inside its transaction: summaries (traits), then tags and segments.
 */
export function createServices(
  executor: Executor,
  config: Config,
  logger: Logger,
  bus: ChangeBus = new LocalChangeBus(),
  clock: () => number = Date.now,
): Services {
  const changes = new ProfileChanges();
  const jobsRepository = new JobsRepository(executor);
  const jobs = new JobsService(jobsRepository, logger, config.MAX_PAGE_SIZE);
  const profilesRepository = new ProfilesRepository(executor);
  const productsRepository = new ProductsRepository(executor);
  const profiles = new ProfilesService(profilesRepository, {
    maxPageSize: config.MAX_PAGE_SIZE,
    traitRanking: config.TRAIT_NAMESPACE_RANKING,
  });
  const audiencesRepository = new AudiencesRepository(executor);
  const consent = consentPolicy(config.CONSENT_OPT_IN_PURPOSES);
  const audiences = new AudiencesService(executor, audiencesRepository, changes, jobs, logger, consent);
  const audit = new AuditService(executor, logger, config.MAX_PAGE_SIZE);
  const apiKeys = new ApiKeys(executor);
  const models = new ModelsService(
    executor,
    new ModelsRepository(executor),
    audiencesRepository,
    changes,
    jobs,
    logger,
    {
      ...DEFAULT_MODELS_SETTINGS,
      lifecycle: {
        newDays: config.LIFECYCLE_NEW_DAYS,
        activeDays: config.LIFECYCLE_ACTIVE_DAYS,
        atRiskDays: config.LIFECYCLE_AT_RISK_DAYS,
        dormantDays: config.LIFECYCLE_DORMANT_DAYS,
      },
    },
  );
  const deriver = new ProfileDeriver(models, audiences, audiencesRepository, {
    traitRanking: config.TRAIT_NAMESPACE_RANKING,
    newest: engagementReads(DEFAULT_RECOMMENDATION_SETTINGS),
  });
  changes.addStep('derive', (tx, ids, now, _scope, memo) => deriver.derive(tx, ids, now, memo));
  changes.addRetireStep((tx, retired, now) => audiencesRepository.retireAudiences(tx, retired, now));

  const identity = new IdentityService(executor, new IdentityRepository(executor), changes, jobs, {
    batchSize: 200,
    dryRunCap: 100_000,
  });
  const privacy = new PrivacyService(executor, identity, audiencesRepository, changes, audit, consent);
  const ingest = new IngestService(
    executor,
    new IngestRepository(executor),
    identity,
    changes,
    privacy,
    {
      maxEventBytes: config.MAX_EVENT_BYTES,
      clock,
      roundEvents: config.INGEST_ROUND_EVENTS,
      roundIdentifiers: config.INGEST_ROUND_EVENTS,
      concurrentRounds: config.INGEST_CONCURRENCY,
      settleRetryMs: 1000,
      settleBacklog: 4 * config.INGEST_ROUND_EVENTS,
    },
    logger,
  );
  const tagsRepository = new TagsRepository(executor);
  const segmentsRepository = new SegmentsRepository(executor);
  const tags = new TagsService(executor, tagsRepository, audiences, changes);
  const segments = new SegmentsService(
    executor,
    segmentsRepository,
    audiences,
    audiencesRepository,
    changes,
    bus,
    {
      maxPageSize: config.MAX_PAGE_SIZE,
      batchSize: 1000,
    },
  );
  // Recommendations and lookalikes settle after the derived data they are made from.
  const recommendation = createRecommendationServices({ executor, logger, jobs, tags, segments, consent });
  registerSettleSteps(changes, recommendation);
  return {
    clock,
    executor,
    changes,
    bus,
    jobs,
    identity,
    ingest,
    profiles,
    products: new ProductsService(),
    audiences,
    models,
    tags,
    segments,
    recommendations: recommendation.recommendations,
    lookalikes: recommendation.lookalikes,
    privacy,
    audit,
    apiKeys,
    authenticator: new Authenticator(apiKeys, {
      adminApiKey: config.ADMIN_API_KEY ?? null,
      jwtSecret: config.JWT_SECRET ?? null,
      jwtPublicKey: config.JWT_PUBLIC_KEY ?? null,
      jwtJwksUrl: config.JWT_JWKS_URL ?? null,
      jwtIssuer: config.JWT_ISSUER ?? null,
      jwtAudience: config.JWT_AUDIENCE ?? null,
    }),
    access: new AccessService(profilesRepository),
    repositories: {
      profiles: profilesRepository,
      products: productsRepository,
      jobs: jobsRepository,
      tags: tagsRepository,
      segments: segmentsRepository,
      recommendations: recommendation.repository,
    },
  };
}
