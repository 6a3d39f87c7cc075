import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { PortraitError } from '../common/errors';
import type { Logger } from '../common/logger';
import { credentialsOf, type Credentials } from '../security/authenticator';
import type { RateLimiter } from '../security/rate-limit';
import type { Viewer } from '../security/viewer';
import type { Services } from './services';

/** The viewer an earlier middleware established for this request. */
export function viewerOf(res: Response): Viewer | null {
  return (res.locals.viewer as Viewer | undefined) ?? null;
}

type Reply = (res: Response, status: number, code: string, message: string) => void;

/** Errors as Segment libraries expect them. */
export const segmentReply: Reply = (res, status, code, message) => {
  res.status(status).json({ success: false, code, error: message });
};

/** The outcome of checking a request's credentials and rate limit: a viewer, or the refusal to send. */
export type Admission =
  | { readonly viewer: Viewer }
  | {
      readonly viewer: null;
      readonly status: number;
      readonly code: string;
      readonly message: string;
      readonly headers: Readonly<Record<string, string>>;
    };

const refusal = (
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Admission => ({ viewer: null, status, code, message, headers });

/**
 * Authenticates `credentials` and applies the per-caller rate limit. No anonymous access: requests without
 * credentials are refused with 401. Shared by the Express routes and the GraphQL handler (graphql-http.ts).
 */
export async function admit(
  services: Services,
  limiter: RateLimiter,
  logger: Logger,
  credentials: Credentials,
): Promise<Admission> {
  let viewer: Viewer | null;
  try {
    viewer = await services.authenticator.authenticate(credentials);
  } catch (error) {
    if (error instanceof PortraitError) return refusal(error.status, error.code, error.message);
    logger.error('authentication failed', { error });
    return refusal(503, 'SERVICE_UNAVAILABLE', 'credentials could not be checked; try again');
  }
  if (!viewer) {
    return refusal(401, 'UNAUTHENTICATED', 'send an API key or token as `Authorization: Bearer <key>`', {
      'WWW-Authenticate': 'Bearer',
    });
  }
  const decision = await limiter
    .hit(viewer.id)
    .catch(() => ({ allowed: true, retryAfterMs: 0, remaining: 0 }));
  if (!decision.allowed) {
    const seconds = Math.ceil(decision.retryAfterMs / 1000);
    return refusal(429, 'RATE_LIMITED', `too many requests for this key; retry in ${seconds} s`, {
      'Retry-After': String(seconds),
    });
  }
  return { viewer };
}

/**
 * Express middleware around `admit` (credentials from `credentials`, by default the Authorization header):
 * refusals are answered with `reply`, an admitted viewer is left in `res.locals` for `viewerOf`.
 */
export function authenticate(
  services: Services,
  limiter: RateLimiter,
  logger: Logger,
  reply: Reply,
  credentials: (req: Request) => Credentials = (req) => credentialsOf(req.headers.authorization),
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    void admit(services, limiter, logger, credentials(req)).then((admission) => {
      if (admission.viewer === null) {
        for (const [name, value] of Object.entries(admission.headers)) res.setHeader(name, value);
        return reply(res, admission.status, admission.code, admission.message);
      }
      res.locals.viewer = admission.viewer;
      next();
    });
  };
}
