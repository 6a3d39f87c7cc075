import { checkPageSize, decodeCursor, encodeCursor, toPage, type Page } from '../common/connection';
import { badInput } from '../common/errors';
import { identifierKey, normalizeValue } from '../identity/namespaces';
import type { ProfileLoaders } from './profiles.loaders';
import type { ProfilesRepository } from './profiles.repository';
import type { Interaction } from './interaction.type';
import type { Profile } from './profile.type';

export interface ProfilesSettings {
  readonly maxPageSize: number;
  readonly traitRanking: readonly string[];
}

export class ProfilesService {
  constructor(
    private readonly repository: ProfilesRepository,
    private readonly settings: ProfilesSettings,
  ) {}

  /**
   * Exactly one of `id` (merged-away ids resolve to the survivor) and `identifier`; null when unknown.
   * Goes through the request's loaders, so a query asking for many profiles at once makes one round trip.
   */
  async profile(
    loaders: ProfileLoaders,
    id: string | null | undefined,
    identifier: { namespace: string; value: string } | null | undefined,
  ): Promise<Profile | null> {
    if ((id == null) === (identifier == null)) {
      throw badInput('profile takes exactly one of id and identifier', { arguments: ['id', 'identifier'] });
    }
    if (id != null) return loaders.profile.load(id);
    const namespace = identifier!.namespace.trim().toLowerCase();
    return loaders.profileByIdentifier.load(
      identifierKey(namespace, normalizeValue(namespace, identifier!.value)),
    );
  }

  async profiles(first: number, after: string | null | undefined): Promise<Page<Profile>> {
    checkPageSize(first, this.settings.maxPageSize);
    const position = after ? decodeCursor<{ id: string }>(after, { id: 'string' }) : { id: '' };
    const { page, total } = await this.repository.page(position.id, first);
    return toPage(page, first, total, (p) => encodeCursor({ id: p.id }));
  }

  async interactions(
    loaders: ProfileLoaders,
    profileId: string,
    first: number,
    after: string | null | undefined,
  ): Promise<Page<Interaction>> {
    checkPageSize(first, this.settings.maxPageSize);
    const position = after
      ? decodeCursor<{ at: number; id: string }>(after, { at: 'number', id: 'string' })
      : null;
    const { page, total } = await loaders.interactions.load({ profileId, first, after: position });
    return toPage(page, first, total, (x) => encodeCursor({ at: x.at.getTime(), id: x.id }));
  }
}
