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

/** Errors as GraphQL clients expect them. */
export const graphqlReply: Reply = (res, status, code, message) => {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
};

/** Errors as Segment libraries expect them. */
export const segmentReply: Reply = (res, status, code, message) => {
  res.status(status).json({ success: false, code, error: message });
};

/**
 * Authenticates a request (credentials from `credentials`, by default the Authorization header) and
 * applies the per-caller rate limit. No anonymous access: requests without credentials get 401.
 */
export function authenticate(
  services: Services,
  limiter: RateLimiter,
  logger: Logger,
  reply: Reply,
  credentials: (req: Request) => Credentials = (req) => credentialsOf(req.headers.authorization),
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    void (async () => {
      let viewer: Viewer | null;
      try {
        viewer = await services.authenticator.authenticate(credentials(req));
      } catch (error) {
        if (error instanceof PortraitError) return reply(res, error.status, error.code, error.message);
        logger.error('authentication failed', { error });
        return reply(res, 503, 'SERVICE_UNAVAILABLE', 'credentials could not be checked; try again');
      }
      if (!viewer) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        return reply(
          res,
          401,
          'UNAUTHENTICATED',
          'send an API key or token as `Authorization: Bearer <key>`',
        );
      }
      const decision = await limiter
        .hit(viewer.id)
        .catch(() => ({ allowed: true, retryAfterMs: 0, remaining: 0 }));
      if (!decision.allowed) {
        res.setHeader('Retry-After', String(Math.ceil(decision.retryAfterMs / 1000)));
        return reply(
          res,
          429,
          'RATE_LIMITED',
          `too many requests for this key; retry in ${Math.ceil(decision.retryAfterMs / 1000)} s`,
        );
      }
      res.locals.viewer = viewer;
      next();
    })();
  };
}
