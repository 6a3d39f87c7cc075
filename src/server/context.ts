import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import { createProductLoaders, type ProductLoaders } from '../products/products.loaders';
import { createProfileLoaders, type ProfileLoaders } from '../profiles/profiles.loaders';
import {
  createRecommendationLoaders,
  type RecommendationLoaders,
} from '../recommendations/recommendations.loaders';
import { createSegmentLoaders, type SegmentLoaders } from '../segments/segments.loaders';
import type { Viewer } from '../security/viewer';
import { createTagLoaders, type TagLoaders } from '../tags/tags.loaders';
import type { Services } from './services';

/** What every resolver gets: who is calling, the shared services, and this request's own loaders. */
export interface Context {
  readonly requestId: string;
  readonly config: Config;
  /** Null only for requests the transport let through without credentials (none, outside tests). */
  readonly viewer: Viewer | null;
  readonly services: Services;
  readonly loaders: {
    readonly profiles: ProfileLoaders;
    readonly products: ProductLoaders;
    readonly tags: TagLoaders;
    readonly segments: SegmentLoaders;
    readonly recommendations: RecommendationLoaders;
  };
}

/** Builds a fresh context (new DataLoaders, so no cache outlives a request); used by HTTP and WebSocket alike. */
export function createContext(services: Services, config: Config, viewer: Viewer | null): Context {
  return {
    requestId: randomUUID(),
    config,
    viewer,
    services,
    loaders: {
      profiles: createProfileLoaders(services.repositories.profiles),
      products: createProductLoaders(services.repositories.products),
      tags: createTagLoaders(services.repositories.tags),
      segments: createSegmentLoaders(services.repositories.segments),
      recommendations: createRecommendationLoaders(services.repositories.recommendations),
    },
  };
}
