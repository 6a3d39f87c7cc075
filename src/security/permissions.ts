/**
 * What callers may do. Roles are bundles of permissions; a key or token may add scopes (extra permissions,
 * `pii:read` above all). Resolvers name the permissions they need with type-graphql's @Authorized, and
 * having any one of them is enough.
 */
export const PERMISSIONS = [
  'profiles:read',
  'profiles:read:own',
  'pii:read',
  'ingest:write',
  'identity:admin',
  'tags:read',
  'tags:write',
  'segments:read',
  'segments:write',
  'products:read',
  'recommendations:read',
  'lookalikes:read',
  'lookalikes:write',
  'consent:write',
  'privacy:admin',
  'audit:read',
  'keys:admin',
  'jobs:read',
  'models:write',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'marketer', 'app', 'recommender', 'dashboard', 'tracker'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  marketer: [
    'profiles:read',
    'tags:read',
    'tags:write',
    'segments:read',
    'segments:write',
    'products:read',
    'recommendations:read',
    'lookalikes:read',
    'lookalikes:write',
    'jobs:read',
    'models:write',
  ],
  // An app acts for one end user (its token names them) and sees that person's data only.
  app: ['profiles:read:own', 'products:read', 'recommendations:read', 'consent:write'],
  recommender: ['products:read', 'recommendations:read'],
  dashboard: ['segments:read', 'tags:read', 'jobs:read'],
  tracker: ['ingest:write'],
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}
