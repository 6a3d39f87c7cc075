import { checkPageSize, decodeCursor, encodeCursor, toPage, type Page } from '../common/connection';
import { badInput } from '../common/errors';
import type { TxRunner } from '../db/executor';
import { identifierKey, normalizeValue } from '../identity/namespaces';
import type { ProfileLoaders } from './profiles.loaders';
import type { ProfilesRepository } from './profiles.repository';
import type { Interaction } from './interaction.type';
import type { Profile } from './profile.type';
import { flattenTraits } from './flatten-traits';
import { mergeProfileTraits, parseStoredTraits } from './traits';

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

  /**
   * Recomputes the stored summary (merged traits, first and last seen) of the given profiles from their
   * identifiers, inside the caller's transaction. Runs after every stitching change.
   */
  async refreshSummaries(tx: TxRunner, ids: readonly string[], now: number): Promise<void> {
    if (ids.length === 0) return;
    const members = await this.repository.memberTraits(tx, ids);
    const summaries = [...members.entries()].map(([id, { members: list, traitKeys }]) => {
      const traits = mergeProfileTraits(
        list.map((m) => ({ namespace: m.namespace, traits: parseStoredTraits(m.traits) })),
        this.settings.traitRanking,
      );
      const flat: Record<string, unknown> = flattenTraits(traits);
      for (const stale of traitKeys) if (!(stale in flat)) flat[stale] = null;
      const first = list.map((m) => m.firstSeen).filter((t) => typeof t === 'number');
      const last = list.map((m) => m.lastSeen).filter((t) => typeof t === 'number');
      return {
        id,
        traits: JSON.stringify(traits),
        flat,
        traitKeys: Object.keys(flat).filter((key) => flat[key] !== null),
        firstSeen: first.length > 0 ? Math.min(...first) : null,
        lastSeen: last.length > 0 ? Math.max(...last) : null,
        size: list.length,
      };
    });
    await this.repository.writeSummaries(tx, summaries, now);
  }
}
