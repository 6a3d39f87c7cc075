import type { Config } from '../config';
import type { Executor } from '../db/executor';
import { IdentityRepository } from '../identity/identity.repository';
import { IdentityService } from '../identity/identity.service';
import { defaultIdentityRules, type IdentityRules } from '../identity/namespaces';
import { IngestRepository } from '../ingest/ingest.repository';
import { IngestService } from '../ingest/ingest.service';
import { ProductsRepository } from '../products/products.repository';
import { ProductsService } from '../products/products.service';
import { ProfilesRepository } from '../profiles/profiles.repository';
import { ProfilesService } from '../profiles/profiles.service';

/** The singletons of one server: services, and the repositories loaders read through. */
export interface Services {
  readonly executor: Executor;
  readonly identity: IdentityService;
  readonly ingest: IngestService;
  readonly profiles: ProfilesService;
  readonly products: ProductsService;
  readonly repositories: {
    readonly profiles: ProfilesRepository;
    readonly products: ProductsRepository;
  };
}

export function createServices(executor: Executor, config: Config): Services {
  const rules: IdentityRules = defaultIdentityRules();
  const currentRules = (): IdentityRules => rules;
  const profilesRepository = new ProfilesRepository(executor);
  const productsRepository = new ProductsRepository(executor);
  const identity = new IdentityService(new IdentityRepository(), currentRules);
  const profiles = new ProfilesService(profilesRepository, {
    maxPageSize: config.MAX_PAGE_SIZE,
    traitRanking: config.TRAIT_NAMESPACE_RANKING,
  });
  const ingest = new IngestService(
    executor,
    new IngestRepository(executor),
    identity,
    profiles,
    currentRules,
    {
      maxEventBytes: config.MAX_EVENT_BYTES,
      chunkSize: config.INGEST_CHUNK_SIZE,
    },
  );
  return {
    executor,
    identity,
    ingest,
    profiles,
    products: new ProductsService(),
    repositories: { profiles: profilesRepository, products: productsRepository },
  };
}
