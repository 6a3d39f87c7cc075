import type { AuthChecker } from 'type-graphql';
import { PortraitError } from '../common/errors';
import type { Context } from '../server/context';
import { isPermission } from './permissions';

/**
 * type-graphql's authorization: a field marked @Authorized('a', 'b') needs any one of those permissions.
 * Anonymous callers get UNAUTHENTICATED, callers without the permission FORBIDDEN naming what was needed.
 * Refusals of audited operations are audited by the audit middleware, which wraps the authorization.
 */
export const authChecker: AuthChecker<Context, string> = ({ context, info }, required) => {
  const viewer = context.viewer;
  const allowed =
    viewer !== null &&
    (required.length === 0 ||
      required.some((permission) => isPermission(permission) && viewer.permissions.has(permission)));
  if (allowed) return true;
  const action = `${info.parentType.name}.${info.fieldName}`;
  const error = viewer
    ? new PortraitError('FORBIDDEN', `${action} needs one of: ${required.join(', ')}`, {
        required,
        role: viewer.role,
      })
    : new PortraitError('UNAUTHENTICATED', 'send an API key or token as `Authorization: Bearer <key>`');
  throw error;
};
