import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import { createProductLoaders, type ProductLoaders } from '../products/products.loaders';
import {
  createProfileLoaders,
  createViewLoader,
  ViewParts,
  type ProfileLoaders,
  type ViewRequest,
} from '../profiles/profiles.loaders';
import type { Profile } from '../profiles/profile.type';
import type DataLoader from 'dataloader';
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
    /** Profiles read with what the query asks of them (see profiles/profile-view.ts). */
    readonly profileViews: DataLoader<ViewRequest, Profile | null, string>;
    /** What those views read, for the fields of the profiles they returned. */
    readonly viewParts: ViewParts;
    readonly products: ProductLoaders;
    readonly tags: TagLoaders;
    readonly segments: SegmentLoaders;
    readonly recommendations: RecommendationLoaders;
  };
}

/** Builds a fresh context (new DataLoaders, so no cache outlives a request); used by HTTP and WebSocket alike. */
export function createContext(services: Services, config: Config, viewer: Viewer | null): Context {
  const profiles = createProfileLoaders(services.repositories.profiles);
  const products = createProductLoaders(services.repositories.products);
  const tags = createTagLoaders(services.repositories.tags);
  const segments = createSegmentLoaders(services.repositories.segments);
  const viewParts = new ViewParts();
  return {
    requestId: randomUUID(),
    config,
    viewer,
    services,
    loaders: {
      profiles,
      profileViews: createViewLoader(
        services.repositories.profiles,
        { profiles, tags, segments, products },
        viewParts,
      ),
      viewParts,
      products,
      tags,
      segments,
      recommendations: createRecommendationLoaders(services.repositories.recommendations, products.product),
    },
  };
}
