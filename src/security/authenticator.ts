import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, importSPKI, jwtVerify, type JWTPayload, type KeyLike } from 'jose';
import { PortraitError } from '../common/errors';
import type { ApiKeys } from './api-keys';
import { isPermission, isRole, type Permission } from './permissions';
import { viewerOf, type Viewer } from './viewer';

export interface AuthSettings {
  readonly adminApiKey: string | null;
  readonly jwtSecret: string | null;
  readonly jwtPublicKey: string | null;
  readonly jwtJwksUrl: string | null;
  readonly jwtIssuer: string | null;
  readonly jwtAudience: string | null;
}

/** The credentials a request presented: a bearer token, or (Segment libraries) a Basic user name. */
export interface Credentials {
  readonly bearer: string | null;
  readonly basicUser: string | null;
}

/** Reads credentials from an Authorization header value. */
export function credentialsOf(authorization: string | undefined | null): Credentials {
  const header = (authorization ?? '').trim();
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return { bearer: bearer[1]!, basicUser: null };
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return { bearer: null, basicUser: colon === -1 ? decoded : decoded.slice(0, colon) };
  }
  return { bearer: null, basicUser: null };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

const unauthenticated = (message: string) => new PortraitError('UNAUTHENTICATED', message);

/**
 * Turns credentials into a Viewer: the bootstrap admin key (ADMIN_API_KEY), a stored API key (`pk_...`), or
 * a JWT verified with the configured HS256 secret, RS256 public key or JWKS. No credentials give null (the
 * caller decides whether that is allowed); bad credentials throw UNAUTHENTICATED.
 */
export class Authenticator {
  private readonly admin: Buffer | null;
  private jwtKey: Promise<Uint8Array | KeyLike | ReturnType<typeof createRemoteJWKSet>> | null;

  constructor(
    private readonly keys: ApiKeys,
    private readonly settings: AuthSettings,
  ) {
    this.admin = settings.adminApiKey ? digest(settings.adminApiKey) : null;
    this.jwtKey = settings.jwtSecret
      ? Promise.resolve(new TextEncoder().encode(settings.jwtSecret))
      : settings.jwtPublicKey
        ? importSPKI(settings.jwtPublicKey, 'RS256')
        : settings.jwtJwksUrl
          ? Promise.resolve(createRemoteJWKSet(new URL(settings.jwtJwksUrl)))
          : null;
  }

  async authenticate(credentials: Credentials): Promise<Viewer | null> {
    const presented = credentials.bearer ?? credentials.basicUser;
    if (!presented) return null;
    if (this.admin && presented.length <= 512 && timingSafeEqual(digest(presented), this.admin)) {
      return viewerOf('admin-key', 'admin-key', 'admin', []);
    }
    if (presented.startsWith('pk_')) {
      const key = await this.keys.verify(presented);
      if (!key) throw unauthenticated('the API key is not valid (unknown or revoked)');
      return viewerOf('api-key', key.id, key.role, key.scopes);
    }
    if (credentials.bearer && presented.split('.').length === 3) return this.verifyJwt(presented);
    throw unauthenticated('the credentials are not a valid API key or token');
  }

  private async verifyJwt(token: string): Promise<Viewer> {
    if (!this.jwtKey) throw unauthenticated('tokens are not accepted: no JWT verification key is configured');
    let payload: JWTPayload;
    try {
      const key = await this.jwtKey;
      const options = {
        algorithms: this.settings.jwtSecret ? ['HS256'] : ['RS256'],
        ...(this.settings.jwtIssuer ? { issuer: this.settings.jwtIssuer } : {}),
        ...(this.settings.jwtAudience ? { audience: this.settings.jwtAudience } : {}),
      };
      payload = (
        typeof key === 'function'
          ? await jwtVerify(token, key as ReturnType<typeof createRemoteJWKSet>, options)
          : await jwtVerify(token, key as Uint8Array, options)
      ).payload;
    } catch (error) {
      throw unauthenticated(`the token is not valid: ${(error as Error).message}`);
    }
    const role = payload.role;
    if (!isRole(role)) throw unauthenticated('the token has no valid `role` claim');
    const scopes = (typeof payload.scope === 'string' ? payload.scope.split(' ') : []).filter(
      isPermission,
    ) as Permission[];
    let endUser: Viewer['endUser'] = null;
    if (role === 'app') {
      const userId = payload.user_id ?? payload.sub;
      if (typeof userId !== 'string' || userId.length === 0)
        throw unauthenticated('an app token must name its end user (`user_id` or `sub`)');
      endUser = { namespace: 'user_id', value: userId };
    }
    return viewerOf('jwt', `jwt:${payload.iss ?? ''}:${payload.sub ?? ''}`, role, scopes, endUser);
  }
}
