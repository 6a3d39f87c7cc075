import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { badInput, notFound } from '../common/errors';
import { toDate } from '../common/scalars';
import { defineQueries } from '../db/cypher';
import type { Executor } from '../db/executor';
import type { ApiKey } from './api-key.type';
import { isPermission, isRole, type Permission, type Role } from './permissions';

const Q = defineQueries('security', [
  'create-api-key',
  'api-key-by-id',
  'revoke-api-key',
  'api-keys',
  'touch-api-keys',
] as const);

/** `pk_<id>_<secret>`: the id finds the stored hash, the secret proves possession. */
const KEY_PATTERN = /^pk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

function toKey(row: unknown): ApiKey {
  const k = row as Record<string, unknown>;
  return {
    id: k.id as string,
    name: k.name as string,
    role: k.role as string,
    scopes: (k.scopes as string[] | null) ?? [],
    createdBy: (k.createdBy as string | null) ?? null,
    createdAt: toDate(k.createdAt) ?? new Date(0),
    revokedAt: toDate(k.revokedAt),
    lastUsedAt: toDate(k.lastUsedAt),
  };
}

export interface VerifiedKey {
  id: string;
  role: Role;
  scopes: Permission[];
}

/**
 * API keys for services and trackers, stored as SHA-256 hashes of their secrets (the secrets are 256 random
 * bits, so a plain hash cannot be reversed by guessing). Checks are cached for `cacheMs`, so a revocation takes
 * effect on every instance within that time.
 */
export class ApiKeys {
  private readonly cache = new Map<string, { at: number; key: VerifiedKey | null }>();
  private readonly used = new Map<string, number>();

  constructor(
    private readonly executor: Executor,
    private readonly cacheMs = 10_000,
  ) {}

  async create(
    name: string,
    role: string,
    scopes: readonly string[],
    createdBy: string,
  ): Promise<{ key: ApiKey; secret: string }> {
    const clean = name.trim();
    if (clean.length === 0 || clean.length > 120)
      throw badInput('name must be 1 to 120 characters', { argument: 'name' });
    if (!isRole(role))
      throw badInput(`role must be one of admin, marketer, app, recommender, dashboard, tracker`, {
        argument: 'role',
      });
    const unknown = scopes.filter((s) => !isPermission(s));
    if (unknown.length > 0) throw badInput(`unknown scopes: ${unknown.join(', ')}`, { argument: 'scopes' });
    const id = randomBytes(8).toString('hex');
    const secretPart = randomBytes(32).toString('base64url');
    const [row] = await this.executor.write(Q.createApiKey, {
      id,
      name: clean,
      role,
      scopes: [...new Set(scopes)],
      hash: hashSecret(secretPart),
      createdBy,
      now: Date.now(),
    });
    return { key: toKey(row!.key), secret: `pk_${id}_${secretPart}` };
  }

  async revoke(id: string): Promise<ApiKey> {
    const [row] = await this.executor.write(Q.revokeApiKey, { id, now: Date.now() });
    if (!row) throw notFound(`no API key ${id}`, { argument: 'id' });
    for (const presented of this.cache.keys())
      if (presented.startsWith(`pk_${id}_`)) this.cache.delete(presented);
    return toKey(row.key);
  }

  async list(): Promise<ApiKey[]> {
    return (await this.executor.read(Q.apiKeys)).map((row) => toKey(row.key));
  }

  /** The key's grants when `presented` is a live key, null otherwise. */
  async verify(presented: string): Promise<VerifiedKey | null> {
    const match = KEY_PATTERN.exec(presented);
    if (!match) return null;
    const [, id, secret] = match as unknown as [string, string, string];
    const cached = this.cache.get(presented);
    if (cached && Date.now() - cached.at < this.cacheMs) return cached.key;
    const [row] = await this.executor.read(Q.apiKeyById, { id });
    let key: VerifiedKey | null = null;
    if (
      row &&
      row.revokedAt == null &&
      sameHash(row.hash as string, hashSecret(secret)) &&
      isRole(row.role)
    ) {
      key = { id, role: row.role, scopes: ((row.scopes as string[] | null) ?? []).filter(isPermission) };
    }
    this.cache.set(presented, { at: Date.now(), key });
    if (key) this.noteUse(id);
    return key;
  }

  /** Writes `lastUsedAt` at most once a minute per key, off the request's path. */
  private noteUse(id: string): void {
    const last = this.used.get(id) ?? 0;
    if (Date.now() - last < 60_000) return;
    this.used.set(id, Date.now());
    void this.executor.write(Q.touchApiKeys, { ids: [id], now: Date.now() }).catch(() => undefined);
  }
}
