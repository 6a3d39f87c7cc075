import type { Config } from '../config';
import type { Logger } from '../common/logger';
import type { Executor } from '../db/executor';
import { IdentityRepository } from '../identity/identity.repository';
import { IdentityService } from '../identity/identity.service';
import { IngestRepository } from '../ingest/ingest.repository';
import { IngestService } from '../ingest/ingest.service';
import { JobsRepository } from '../jobs/jobs.repository';
import { JobsService } from '../jobs/jobs.service';
import { ProductsRepository } from '../products/products.repository';
import { ProductsService } from '../products/products.service';
import { ProfileChanges } from '../profiles/profile-changes';
import { ProfilesRepository } from '../profiles/profiles.repository';
import { ProfilesService } from '../profiles/profiles.service';

/** The singletons of one server: services, and the repositories loaders read through. */
export interface Services {
  readonly executor: Executor;
  readonly changes: ProfileChanges;
  readonly jobs: JobsService;
  readonly identity: IdentityService;
  readonly ingest: IngestService;
  readonly profiles: ProfilesService;
  readonly products: ProductsService;
  readonly repositories: {
    readonly profiles: ProfilesRepository;
    readonly products: ProductsRepository;
    readonly jobs: JobsRepository;
  };
}

export function createServices(executor: Executor, config: Config, logger: Logger): Services {
  const changes = new ProfileChanges();
  const jobsRepository = new JobsRepository(executor);
  const jobs = new JobsService(jobsRepository, logger, config.MAX_PAGE_SIZE);
  const profilesRepository = new ProfilesRepository(executor);
  const productsRepository = new ProductsRepository(executor);
  const profiles = new ProfilesService(profilesRepository, {
    maxPageSize: config.MAX_PAGE_SIZE,
    traitRanking: config.TRAIT_NAMESPACE_RANKING,
  });
  changes.addStep((tx, ids, now) => profiles.refreshSummaries(tx, ids, now));
  const identity = new IdentityService(executor, new IdentityRepository(executor), changes, jobs, {
    batchSize: 200,
    dryRunCap: 100_000,
  });
  const ingest = new IngestService(executor, new IngestRepository(executor), identity, changes, {
    maxEventBytes: config.MAX_EVENT_BYTES,
    chunkSize: config.INGEST_CHUNK_SIZE,
  });
  return {
    executor,
    changes,
    jobs,
    identity,
    ingest,
    profiles,
    products: new ProductsService(),
    repositories: { profiles: profilesRepository, products: productsRepository, jobs: jobsRepository },
  };
}
