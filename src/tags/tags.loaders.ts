import DataLoader from 'dataloader';
import type { ProfileTag } from './tag.type';
import type { Catalogue, TagsRepository } from './tags.repository';

export interface TagLoaders {
  /** The whole catalogue, read once per request. */
  catalogue(): Promise<Catalogue>;
  profileCount: DataLoader<string, number>;
  tagsOfProfile: DataLoader<string, ProfileTag[]>;
}

export function createTagLoaders(repository: TagsRepository): TagLoaders {
  let catalogue: Promise<Catalogue> | null = null;
  return {
    catalogue: () => (catalogue ??= repository.catalogue()),
    profileCount: new DataLoader((ids) => repository.profileCounts(ids)),
    tagsOfProfile: new DataLoader((ids) => repository.tagsOf(ids)),
  };
}
