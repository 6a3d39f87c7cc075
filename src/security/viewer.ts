import type { Permission, Role } from './permissions';
import { ROLE_PERMISSIONS } from './permissions';

/** Who is calling: established once per request (HTTP) or connection (WebSocket) from its credentials. */
export interface Viewer {
  /** How the caller proved who they are. */
  readonly via: 'admin-key' | 'api-key' | 'jwt';
  /** A stable id for audit and rate limits: the key id, or the token's issuer and subject. */
  readonly id: string;
  readonly role: Role;
  readonly permissions: ReadonlySet<Permission>;
  /** For the app role: the end user the token acts for. */
  readonly endUser: { readonly namespace: string; readonly value: string } | null;
}

export function viewerOf(
  via: Viewer['via'],
  id: string,
  role: Role,
  scopes: readonly Permission[],
  endUser: Viewer['endUser'] = null,
): Viewer {
  return { via, id, role, permissions: new Set([...ROLE_PERMISSIONS[role], ...scopes]), endUser };
}

export function can(viewer: Viewer | null, permission: Permission): boolean {
  return viewer?.permissions.has(permission) ?? false;
}
