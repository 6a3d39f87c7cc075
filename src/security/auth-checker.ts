import type { AuthChecker } from 'type-graphql';
import { PortraitError } from '../common/errors';
import type { Context } from '../server/context';
import { isPermission } from './permissions';

/**
 * type-graphql's authorization: a field marked @Authorized('a', 'b') needs any one of those permissions.
 * Anonymous callers get UNAUTHENTICATED, callers without the permission FORBIDDEN naming what was needed.
 */
export const authChecker: AuthChecker<Context, string> = ({ context, info }, required) => {
  const viewer = context.viewer;
  if (!viewer)
    throw new PortraitError('UNAUTHENTICATED', 'send an API key or token as `Authorization: Bearer <key>`');
  if (
    required.length === 0 ||
    required.some((permission) => isPermission(permission) && viewer.permissions.has(permission))
  ) {
    return true;
  }
  throw new PortraitError(
    'FORBIDDEN',
    `${info.parentType.name}.${info.fieldName} needs one of: ${required.join(', ')}`,
    {
      required,
      role: viewer.role,
    },
  );
};
