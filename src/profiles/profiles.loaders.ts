import DataLoader from 'dataloader';
import type { Identifier, IdentityChange } from '../identity/identifier.type';
import { splitKey } from '../identity/namespaces';
import type { InteractionPageRows, ProfilesRepository } from './profiles.repository';
import type { Profile } from './profile.type';

export interface InteractionPageKey {
  profileId: string;
  first: number;
  after: { at: number; id: string } | null;
}

export interface ProfileLoaders {
  profile: DataLoader<string, Profile | null>;
  /** By identifier key `namespace:value`. */
  profileByIdentifier: DataLoader<string, Profile | null>;
  identifiers: DataLoader<string, Identifier[]>;
  mergedIds: DataLoader<string, string[]>;
  changes: DataLoader<string, IdentityChange[]>;
  interactions: DataLoader<InteractionPageKey, InteractionPageRows, string>;
}

const pageKey = (key: InteractionPageKey): string =>
  `${key.first}|${key.after ? `${key.after.at}|${key.after.id}` : ''}|${key.profileId}`;

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
            const { first, after } = group[0]!;
            const ids = group.map((k) => k.profileId);
            const pages = await repository.interactionsOf(ids, first, after);
            group.forEach((key, i) => results.set(pageKey(key), pages[i]!));
          }),
        );
        return keys.map((key) => results.get(pageKey(key))!);
      },
      { cacheKeyFn: pageKey },
    ),
  };
}
