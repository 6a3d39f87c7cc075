import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { PortraitError, type ErrorCode } from '../common/errors';
import type { Logger } from '../common/logger';
import { credentialsOf, type Credentials } from '../security/authenticator';
import type { RateLimiter } from '../security/rate-limit';
import { can } from '../security/viewer';
import { authenticate, segmentReply, viewerOf } from '../server/auth.middleware';
import type { Services } from '../server/services';
import type { IngestService } from './ingest.service';
import type { EventType } from './segment-event';

export interface SegmentRoutesSettings {
  readonly maxBatchBytes: number;
  /** When to answer (INGEST_ACKNOWLEDGE): once the events are settled, or once they are stored. */
  readonly acknowledge: 'stored' | 'settled';
}

const SINGLE_EVENT_TYPES: readonly EventType[] = ['identify', 'track', 'alias', 'page', 'screen'];

function fail(res: Response, status: number, code: ErrorCode, error: string): void {
  res.status(status).json({ success: false, code, error });
}

/**
 * The write key as Segment's libraries send it: HTTP Basic user name (password empty), a bearer token, or
 * `writeKey` in the body. It is an API key with the tracker role (or any role allowed to ingest).
 */
export function writeKeyCredentials(req: Request): Credentials {
  const fromHeader = credentialsOf(req.headers.authorization);
  if (fromHeader.bearer || fromHeader.basicUser) return fromHeader;
  const body = req.body as Record<string, unknown> | undefined;
  return { bearer: null, basicUser: typeof body?.writeKey === 'string' ? body.writeKey : null };
}

function epochOrNull(value: unknown): number | null {
  if (typeof value !== 'string' && !(value instanceof Date)) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Segment's tracking API (`/v1/batch`, `/v1/identify`, `/v1/track`, `/v1/alias`, `/v1/page`, `/v1/screen`),
 * so existing Segment and RudderStack libraries work unchanged. Answers 200 with per-event results once
 * every accepted event is committed; 4xx with a reason when the request as a whole is unusable; 503 with
 * `Retry-After` when the database could not take it, in which case nothing of the request was stored.
 */
export function segmentRouter(
  services: Services,
  limiter: RateLimiter,
  settings: SegmentRoutesSettings,
  logger: Logger,
): Router {
  const ingest = services.ingest;
  const router = express.Router();
  router.use(
    express.json({
      limit: settings.maxBatchBytes,
      type: ['application/json', 'text/plain', 'application/*+json'],
    }),
  );
  router.use(authenticate(services, limiter, logger, segmentReply, writeKeyCredentials));
  router.use((_req, res, next) => {
    if (!can(viewerOf(res), 'ingest:write')) {
      fail(res, 403, 'FORBIDDEN', 'this key may not send events (it needs the tracker role or ingest:write)');
      return;
    }
    next();
  });

  const respond = async (
    res: Response,
    events: unknown[],
    options: Parameters<IngestService['ingest']>[1],
  ) => {
    const result = await ingest.ingest(events, { ...options, acknowledge: settings.acknowledge });
    res.status(200).json({ success: true, ...result });
  };

  router.post('/batch', async (req, res) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      fail(res, 400, 'BAD_USER_INPUT', 'the body must be a JSON object with a "batch" array');
      return;
    }
    if (!Array.isArray(body.batch)) {
      fail(res, 400, 'BAD_USER_INPUT', 'batch must be an array of events');
      return;
    }
    const defaults: Record<string, unknown> = {};
    if (body.context && typeof body.context === 'object') defaults.context = body.context;
    if (body.integrations && typeof body.integrations === 'object') defaults.integrations = body.integrations;
    await respond(res, body.batch, { batchSentAt: epochOrNull(body.sentAt), batchDefaults: defaults });
  });

  for (const type of SINGLE_EVENT_TYPES) {
    router.post(`/${type}`, async (req, res) => {
      const body = req.body as unknown;
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        fail(res, 400, 'BAD_USER_INPUT', `the body must be one ${type} event as a JSON object`);
        return;
      }
      const event = { ...(body as Record<string, unknown>), type };
      await respond(res, [event], { impliedType: type });
    });
  }

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const type = (error as { type?: string } | null)?.type;
    if (type === 'entity.too.large') {
      const kb = (settings.maxBatchBytes / 1024).toFixed(0);
      fail(res, 413, 'PAYLOAD_TOO_LARGE', `the request body is larger than ${kb} KB; send smaller batches`);
    } else if (type === 'entity.parse.failed') {
      fail(res, 400, 'BAD_USER_INPUT', `the body is not valid JSON: ${(error as Error).message}`);
    } else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      fail(res, 415, 'BAD_USER_INPUT', (error as Error).message);
    } else if (error instanceof PortraitError) {
      // Segment's libraries retry 5xx answers: a busy or unreachable database says when to.
      if (error.retryAfterSeconds !== null) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      fail(res, error.status, error.code, error.message);
    } else {
      logger.error('ingestion failed', { error });
      fail(
        res,
        500,
        'INTERNAL_SERVER_ERROR',
        'ingestion failed; retry the request (ingestion is idempotent)',
      );
    }
  });
  return router;
}
