import { PortraitError } from '../common/errors';
import type { Profile } from '../profiles/profile.type';
import type { ProfilesRepository } from '../profiles/profiles.repository';
import type { Context } from '../server/context';
import type { Permission } from './permissions';
import { can } from './viewer';

/**
 * Row-level access for callers acting for one end user (the app role): they may reach that person's
 * profile and nobody else's. Callers with the full permission reach every profile.
 */
export class AccessService {
  private readonly own = new WeakMap<Context, Promise<string | null>>();

  constructor(private readonly profiles: ProfilesRepository) {}

  /** The id of the profile the caller acts for (null when it acts for nobody or that person has no profile). */
  ownProfileId(ctx: Context): Promise<string | null> {
    let found = this.own.get(ctx);
    if (!found) {
      const endUser = ctx.viewer?.endUser;
      found = endUser
        ? this.profiles.byIdentifiers([endUser]).then(([profile]) => profile?.id ?? null)
        : Promise.resolve(null);
      this.own.set(ctx, found);
    }
    return found;
  }

  /** Throws FORBIDDEN unless the caller has `full` or acts for the profile `profileId` resolves to. */
  async checkProfileAccess(ctx: Context, profileId: string, full: Permission): Promise<void> {
    if (can(ctx.viewer, full)) return;
    const [resolved] = await this.profiles.byIds([profileId]);
    const own = await this.ownProfileId(ctx);
    if (own === null || resolved?.id !== own) throw forbidden();
  }

  /** Throws FORBIDDEN when the caller acts for one end user and `profileId` is not that person's profile. */
  async checkActingFor(ctx: Context, profileId: string): Promise<void> {
    if (!ctx.viewer?.endUser) return;
    const [resolved] = await this.profiles.byIds([profileId]);
    if (resolved?.id !== (await this.ownProfileId(ctx)) || resolved === null) throw forbidden();
  }

  /** A looked-up profile, if the caller may see it: FORBIDDEN for someone else's (null stays null). */
  async visible(ctx: Context, profile: Profile | null, full: Permission): Promise<Profile | null> {
    if (profile === null || can(ctx.viewer, full)) return profile;
    if (profile.id !== (await this.ownProfileId(ctx))) throw forbidden();
    return profile;
  }
}

function forbidden(): PortraitError {
  return new PortraitError(
    'FORBIDDEN',
    "this caller acts for one end user and may read only that person's profile",
  );
}
