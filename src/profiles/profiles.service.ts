import type DataLoader from 'dataloader';
import { checkPageSize, decodeCursor, encodeCursor, toPage, type Page } from '../common/connection';
import { badInput } from '../common/errors';
import { identifierKey, normalizeValue } from '../identity/namespaces';
import type { ViewPlan } from './profile-view';
import type { ProfileLoaders, ViewRequest } from './profiles.loaders';
import type { ProfilesRepository } from './profiles.repository';
import type { Interaction } from './interaction.type';
import type { Profile } from './profile.type';

/** A page of a profile's interactions; totalCount is counted only when a query asks for it. */
export type InteractionPage = Omit<Page<Interaction>, 'totalCount'> & { profileId: string };

export interface ProfilesSettings {
  readonly maxPageSize: number;
  readonly traitRanking: readonly string[];
}

export class ProfilesService {
  constructor(
    private readonly repository: ProfilesRepository,
    private readonly settings: ProfilesSettings,
  ) {}

  get maxPageSize(): number {
    return this.settings.maxPageSize;
  }

  /**
   * Exactly one of `id` (merged-away ids resolve to the survivor) and `identifier`; null when unknown.
   * Goes through the request's loaders, so a query asking for many profiles at once makes one round trip;
   * with a view (the plan of what the query asks of the profile), that one round trip also brings the
   * profile's identifiers, tags, segments and interactions the query selects.
   */
  async profile(
    loaders: ProfileLoaders,
    id: string | null | undefined,
    identifier: { namespace: string; value: string } | null | undefined,
    view?: { loader: DataLoader<ViewRequest, Profile | null, string>; plan: ViewPlan },
  ): Promise<Profile | null> {
    if ((id == null) === (identifier == null)) {
      throw badInput('profile takes exactly one of id and identifier', { arguments: ['id', 'identifier'] });
    }
    const namespace = identifier ? identifier.namespace.trim().toLowerCase() : '';
    const normalized = identifier ? { namespace, value: normalizeValue(namespace, identifier.value) } : null;
    if (view) return view.loader.load({ plan: view.plan, id: id ?? null, identifier: normalized });
    if (id != null) return loaders.profile.load(id);
    return loaders.profileByIdentifier.load(identifierKey(normalized!.namespace, normalized!.value));
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
    properties = true,
  ): Promise<InteractionPage> {
    checkPageSize(first, this.settings.maxPageSize);
    const position = after
      ? decodeCursor<{ at: number; id: string }>(after, { at: 'number', id: 'string' })
      : null;
    const { page } = await loaders.interactions.load({ profileId, first, after: position, properties });
    const { edges, pageInfo } = toPage(page, first, 0, (x) => encodeCursor({ at: x.at.getTime(), id: x.id }));
    return { edges, pageInfo, profileId };
  }
}
