import DataLoader from 'dataloader';
import type { Identifier, IdentityChange } from '../identity/identifier.type';
import { splitKey } from '../identity/namespaces';
import type { ProductLoaders } from '../products/products.loaders';
import type { SegmentLoaders } from '../segments/segments.loaders';
import type { TagLoaders } from '../tags/tags.loaders';
import type { ViewPlan } from './profile-view';
import type { InteractionPageRows, ProfileView, ProfilesRepository, ViewKey } from './profiles.repository';
import { Profile } from './profile.type';

export interface InteractionPageKey {
  profileId: string;
  first: number;
  after: { at: number; id: string } | null;
  /** Whether the interactions' properties are read. */
  properties: boolean;
}

export interface ProfileLoaders {
  profile: DataLoader<string, Profile | null>;
  /** By identifier key `namespace:value`. */
  profileByIdentifier: DataLoader<string, Profile | null>;
  identifiers: DataLoader<string, Identifier[]>;
  mergedIds: DataLoader<string, string[]>;
  changes: DataLoader<string, IdentityChange[]>;
  interactions: DataLoader<InteractionPageKey, InteractionPageRows, string>;
  interactionCount: DataLoader<string, number>;
}

/** A profile to read with a plan: by id or by identifier (exactly one of them set). */
export interface ViewRequest {
  plan: ViewPlan;
  id: string | null;
  identifier: { namespace: string; value: string } | null;
}

const pageKey = (key: InteractionPageKey): string =>
  `${key.first}|${key.after ? `${key.after.at}|${key.after.id}` : ''}|${key.properties}|${key.profileId}`;

/**
 * Per-request loaders: whatever number of profiles a query touches, each kind of data is fetched in one
 * round trip (interactions in one per distinct page request, normally one).
 */
export function createProfileLoaders(repository: ProfilesRepository): ProfileLoaders {
  return {
    profile: new DataLoader((ids) => repository.byIds(ids)),
    profileByIdentifier: new DataLoader((keys) => repository.byIdentifiers(keys.map(splitKey))),
    identifiers: new DataLoader((ids) => repository.identifiersOf(ids)),
    mergedIds: new DataLoader((ids) => repository.mergedIdsOf(ids)),
    changes: new DataLoader((ids) => repository.changesOf(ids)),
    interactions: new DataLoader(
      async (keys) => {
        // Keys asking for the same page shape share one query.
        const groups = new Map<string, InteractionPageKey[]>();
        for (const key of keys) {
          const shape = pageKey({ ...key, profileId: '' });
          groups.set(shape, [...(groups.get(shape) ?? []), key]);
        }
        const results = new Map<string, InteractionPageRows>();
        await Promise.all(
          [...groups.values()].map(async (group) => {
            const { first, after, properties } = group[0]!;
            const ids = group.map((k) => k.profileId);
            const pages = await repository.interactionsOf(ids, first, after, properties);
            group.forEach((key, i) => results.set(pageKey(key), pages[i]!));
          }),
        );
        return keys.map((key) => results.get(pageKey(key))!);
      },
      { cacheKeyFn: pageKey },
    ),
    interactionCount: new DataLoader((ids) => repository.interactionCounts(ids)),
  };
}

/**
 * What a view read, by the profile object the view loader returned: that object's field resolvers answer
 * from it (ViewParts.of). Lean records never prime the shared loaders, where another selection in the same
 * request could find them; the profile loader is primed with the record the instance was made from, which
 * has no parts.
 */
export class ViewParts {
  private readonly parts = new WeakMap<Profile, { plan: ViewPlan; view: ProfileView }>();

  set(profile: Profile, plan: ViewPlan, view: ProfileView): void {
    this.parts.set(profile, { plan, view });
  }

  /** The identifiers, tags or segments read with `profile`, if its view read them. */
  of<K extends 'identifiers' | 'tags' | 'segments'>(profile: Profile, part: K): ProfileView[K] | undefined {
    const entry = this.parts.get(profile);
    return entry?.plan[part] ? entry.view[part] : undefined;
  }
}

/** A plan's text, made once per plan: planProfileView hands the same plan to every request of an operation. */
const planTexts = new WeakMap<ViewPlan, string>();
function planText(plan: ViewPlan): string {
  let text = planTexts.get(plan);
  if (text === undefined) planTexts.set(plan, (text = JSON.stringify(plan)));
  return text;
}

const viewKey = ({ plan, id, identifier }: ViewRequest): string =>
  `${planText(plan)}|${id !== null ? `id:${id}` : `identifier:${identifier!.namespace}:${identifier!.value}`}`;

/**
 * Reads profiles with everything their plans ask for, one round trip per distinct plan. The fields of the
 * profiles it returns resolve from what it read (`parts`) without a database call; whole records also prime
 * the shared loaders for other fields of the request.
 */
export function createViewLoader(
  repository: ProfilesRepository,
  targets: { profiles: ProfileLoaders; tags: TagLoaders; segments: SegmentLoaders; products: ProductLoaders },
  parts: ViewParts,
): DataLoader<ViewRequest, Profile | null, string> {
  return new DataLoader(
    async (requests) => {
      const byPlan = new Map<string, ViewRequest[]>();
      for (const request of requests) {
        const plan = planText(request.plan);
        byPlan.set(plan, [...(byPlan.get(plan) ?? []), request]);
      }
      const found = new Map<string, Profile | null>();
      await Promise.all(
        [...byPlan.values()].map(async (group) => {
          const plan = group[0]!.plan;
          const keys: ViewKey[] = group.map((r) => ({
            key: viewKey(r),
            id: r.id,
            namespace: r.identifier?.namespace ?? null,
            value: r.identifier?.value ?? null,
          }));
          const views = await repository.views(keys, plan);
          for (const { key } of keys) {
            const view = views.get(key);
            if (!view) {
              found.set(key, null);
              continue;
            }
            // An instance of the class, which type-graphql hands to field resolvers as it is (a plain
            // object it copies into a new instance per field), so that they find the parts by it.
            const profile = Object.assign(new Profile(), view.profile);
            found.set(key, profile);
            parts.set(profile, plan, view);
            const id = view.profile.id;
            const { whole } = plan;
            if (whole.profile) targets.profiles.profile.prime(id, view.profile);
            if (plan.identifiers && whole.identifiers)
              targets.profiles.identifiers.prime(id, view.identifiers);
            if (plan.tags && whole.tags) targets.tags.tagsOfProfile.prime(id, view.tags);
            if (plan.segments) {
              targets.segments.segmentsOfProfile.prime(
                id,
                view.segments.map((s) => s.id),
              );
              if (whole.segments) {
                for (const segment of view.segments) targets.segments.segment.prime(segment.id, segment);
              }
            }
            if (plan.interactions) {
              const { first, after, properties } = plan.interactions;
              const key = { profileId: id, first, after, properties };
              targets.profiles.interactions.prime(key, { page: view.page });
              if (view.total !== null) targets.profiles.interactionCount.prime(id, view.total);
              for (const product of view.products) targets.products.product.prime(product.id, product);
            }
          }
        }),
      );
      return requests.map((request) => found.get(viewKey(request)) ?? null);
    },
    { cacheKeyFn: viewKey },
  );
}
