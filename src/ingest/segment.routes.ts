import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { PortraitError, type ErrorCode } from '../common/errors';
import type { Logger } from '../common/logger';
import type { IngestService } from './ingest.service';
import type { EventType } from './segment-event';

export interface SegmentRoutesSettings {
  readonly maxBatchBytes: number;
  /** Accepted write keys; empty accepts any (and none). */
  readonly writeKeys: readonly string[];
}

const SINGLE_EVENT_TYPES: readonly EventType[] = ['identify', 'track', 'alias', 'page', 'screen'];

function fail(res: Response, status: number, code: ErrorCode, error: string): void {
  res.status(status).json({ success: false, code, error });
}

/** The write key as Segment's libraries send it: HTTP Basic user name (password empty), else `writeKey` in the body. */
export function writeKeyOf(req: Request): string | null {
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+(\S+)$/i.exec(header);
  if (match) {
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? decoded : decoded.slice(0, colon);
  }
  const body = req.body as Record<string, unknown> | undefined;
  return typeof body?.writeKey === 'string' ? body.writeKey : null;
}

function keyAccepted(key: string | null, accepted: readonly string[]): boolean {
  if (accepted.length === 0) return true;
  if (key === null) return false;
  const given = Buffer.from(key);
  return accepted.some((candidate) => {
    const expected = Buffer.from(candidate);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

function epochOrNull(value: unknown): number | null {
  if (typeof value !== 'string' && !(value instanceof Date)) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Segment's tracking API (`/v1/batch`, `/v1/identify`, `/v1/track`, `/v1/alias`, `/v1/page`, `/v1/screen`),
 * so existing Segment and RudderStack libraries work unchanged. Answers 200 with per-event results once
 * every accepted event is committed; 4xx with a reason when the request as a whole is unusable.
 */
export function segmentRouter(
  ingest: IngestService,
  settings: SegmentRoutesSettings,
  logger: Logger,
): Router {
  const router = express.Router();
  router.use(
    express.json({
      limit: settings.maxBatchBytes,
      type: ['application/json', 'text/plain', 'application/*+json'],
    }),
  );
  router.use((req, res, next) => {
    if (!keyAccepted(writeKeyOf(req), settings.writeKeys)) {
      fail(
        res,
        401,
        'UNAUTHENTICATED',
        'a valid write key is required (HTTP Basic user name, as Segment libraries send it)',
      );
      return;
    }
    next();
  });

  const respond = async (
    res: Response,
    events: unknown[],
    options: Parameters<IngestService['ingest']>[1],
  ) => {
    const result = await ingest.ingest(events, options);
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
