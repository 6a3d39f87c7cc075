import { GraphQLError } from 'graphql';

/** Error codes clients can rely on, in `extensions.code` of GraphQL errors and `code` of HTTP error bodies. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'QUERY_TOO_COMPLEX'
  | 'SERVICE_UNAVAILABLE'
  | 'TRANSIENT_ERROR'
  | 'INTERNAL_SERVER_ERROR';

const httpStatus: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  QUERY_TOO_COMPLEX: 400,
  SERVICE_UNAVAILABLE: 503,
  TRANSIENT_ERROR: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/**
 * An error meant for the client: its message and code are shown as they are. Anything else thrown is masked
 * as INTERNAL_SERVER_ERROR and logged in full (see server/errors.ts).
 */
export class PortraitError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { ...details, code } });
    this.name = 'PortraitError';
  }

  get status(): number {
    return httpStatus[this.code];
  }

  /** Seconds after which trying again makes sense (`Retry-After`), when the error says so. */
  get retryAfterSeconds(): number | null {
    const seconds = this.extensions.retryAfterSeconds;
    return typeof seconds === 'number' ? seconds : null;
  }
}

export function badInput(message: string, details: Record<string, unknown> = {}): PortraitError {
  return new PortraitError('BAD_USER_INPUT', message, details);
}

export function notFound(message: string, details: Record<string, unknown> = {}): PortraitError {
  return new PortraitError('NOT_FOUND', message, details);
}
