import type { Redis } from 'ioredis';

export interface RateDecision {
  readonly allowed: boolean;
  /** When the caller may try again (ms), when not allowed. */
  readonly retryAfterMs: number;
  readonly remaining: number;
}

/** Requests per caller per fixed one-minute window. */
export interface RateLimiter {
  hit(caller: string): Promise<RateDecision>;
}

const WINDOW_MS = 60_000;

/** One instance: counts in memory (old windows are dropped as they pass). */
export class MemoryRateLimiter implements RateLimiter {
  private window = 0;
  private counts = new Map<string, number>();

  constructor(private readonly perMinute: number) {}

  async hit(caller: string): Promise<RateDecision> {
    const now = Date.now();
    const window = Math.floor(now / WINDOW_MS);
    if (window !== this.window) {
      this.window = window;
      this.counts = new Map();
    }
    const count = (this.counts.get(caller) ?? 0) + 1;
    this.counts.set(caller, count);
    return {
      allowed: count <= this.perMinute,
      retryAfterMs: (window + 1) * WINDOW_MS - now,
      remaining: Math.max(0, this.perMinute - count),
    };
  }
}

/** Several instances: one counter per caller and window in Redis, shared by every instance. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly perMinute: number,
  ) {}

  async hit(caller: string): Promise<RateDecision> {
    const now = Date.now();
    const window = Math.floor(now / WINDOW_MS);
    const key = `portrait:rate:${caller}:${window}`;
    const results = await this.redis
      .multi()
      .incr(key)
      .pexpire(key, WINDOW_MS * 2)
      .exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    return {
      allowed: count <= this.perMinute,
      retryAfterMs: (window + 1) * WINDOW_MS - now,
      remaining: Math.max(0, this.perMinute - count),
    };
  }
}

/** No limit (RATE_LIMIT_PER_MINUTE=0). */
export const unlimited: RateLimiter = {
  hit: async () => ({ allowed: true, retryAfterMs: 0, remaining: Number.MAX_SAFE_INTEGER }),
};
