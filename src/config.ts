import { z } from 'zod';

/**
 * Every setting Portrait reads, each from one environment variable, validated once at start-up.
 * The README's settings table is generated from the `describe` texts below (see test/unit/config.test.ts).
 */
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0),
);
const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(4000)
    .describe('HTTP port of the API (0 picks a free one).'),
  HOST: z.string().min(1).default('0.0.0.0').describe('Interface the API listens on.'),
  NODE_ENV: z
    .enum(['development', 'production', 'test'])
    .default('development')
    .describe('`production` turns off introspection and the GraphQL IDE.'),
  NEO4J_URI: z
    .string({ error: 'is required (npm start and npm test set it when they start the local Neo4j)' })
    .regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\/.+/, 'must be a bolt:// or neo4j:// URI')
    .describe('Neo4j to use. Unset: `npm start`/`npm test` start a local Neo4j and set it.'),
  NEO4J_USER: z.string().default('').describe('Neo4j user; empty means no authentication.'),
  NEO4J_PASSWORD: z.string().default('').describe('Neo4j password.'),
  NEO4J_DATABASE: z.string().min(1).default('neo4j').describe('Neo4j database name.'),
  NEO4J_RETRY_MS: positiveInt
    .default(15_000)
    .describe(
      'How long a transaction is retried on transient errors (deadlocks, unavailability) before failing.',
    ),
  DEMO_DATA: flag
    .default(true)
    .describe('`true`: load the demo data set into an empty database at start; `false`: never.'),
  DEMO_PEOPLE: positiveInt.default(3000).describe('Number of people in the demo data set.'),
  MAX_PAGE_SIZE: positiveInt.default(100).describe('Largest `first` accepted by any paginated field.'),
  MAX_EVENT_BYTES: positiveInt
    .default(32 * 1024)
    .describe('Largest accepted event (JSON bytes), as Segment: 32 KB.'),
  INGEST_ACKNOWLEDGE: z
    .enum(['settled', 'stored'])
    .default('settled')
    .describe(
      "When /v1/* answers a tracker: `settled` once its events are stored and the profiles they touch are settled (tags, segments, change log), so a read that follows sees them; `stored` once they are stored, the profiles settled right after (as Segment answers before processing). `stored` lets a sender's next request be stored while the last is settled: more events/s.",
    ),
  INGEST_ROUND_EVENTS: positiveInt
    .default(5000)
    .describe(
      'Most events one storing transaction takes from the requests waiting for it, and most identifiers one settling transaction takes. Larger rounds: more events/s under load; smaller: shorter waits (and smaller bursts of segment changes).',
    ),
  INGEST_CONCURRENCY: positiveInt
    .default(2)
    .describe(
      'Most storing rounds, and most settling rounds, one instance runs at once. Neo4j runs a transaction on one core: more rounds use more cores, but concurrent rounds about the same people wait on each other.',
    ),
  MAX_BATCH_BYTES: positiveInt
    .default(500 * 1024)
    .describe('Largest accepted request body on /v1/* and `ingest`, as Segment: 500 KB.'),
  ADMIN_API_KEY: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe(
      'Bootstrap admin key (send as `Authorization: Bearer <key>`). Required in production; in development a random one is generated and logged when unset.',
    ),
  JWT_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .describe('HS256 secret to verify bearer JWTs.'),
  JWT_PUBLIC_KEY: z.string().optional().describe('RS256 public key (PEM, SPKI) to verify bearer JWTs.'),
  JWT_JWKS_URL: z.url().optional().describe('JWKS URL to verify RS256 bearer JWTs.'),
  JWT_ISSUER: z.string().optional().describe('Required `iss` of JWTs, when set.'),
  JWT_AUDIENCE: z.string().optional().describe('Required `aud` of JWTs, when set.'),
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(0)
    .default(1200)
    .describe('Requests per minute per key (or per address without one) on /graphql and /v1; 0: no limit.'),
  MAX_QUERY_DEPTH: positiveInt.default(12).describe('Deepest GraphQL selection accepted.'),
  MAX_QUERY_COST: positiveInt
    .default(50_000)
    .describe(
      'Highest estimated GraphQL query cost accepted (fields, multiplied by the page sizes of lists).',
    ),
  PERSONAL_TRAITS: csv
    .default([])
    .describe(
      'Traits masked for callers without pii:read, besides email, phone, name, address, birthday and the like.',
    ),
  CONSENT_OPT_IN_PURPOSES: csv
    .default([])
    .describe(
      'Purposes (analytics, marketing, personalization) that need an explicit grant; the others count as granted until refused.',
    ),
  TRAIT_NAMESPACE_RANKING: csv
    .default([])
    .describe(
      'Comma-separated namespaces whose traits win over newer ones from lower-ranked namespaces, highest first (e.g. `user_id,email`).',
    ),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'must be a redis:// URL')
    .optional()
    .describe(
      'Redis for fanning segment changes out to subscribers on every API instance. Unset: in memory (one instance).',
    ),
  SCHEDULER_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(60_000)
    .describe(
      'How often time windows are re-checked, so profiles leave "active in the last 7 days" when it passes; models retrain daily. 0: off.',
    ),
  LIFECYCLE_NEW_DAYS: positiveInt
    .default(30)
    .describe('Lifecycle: first seen within this many days (and at most one order) is NEW.'),
  LIFECYCLE_ACTIVE_DAYS: positiveInt
    .default(30)
    .describe('Lifecycle: last seen within this many days is ACTIVE.'),
  LIFECYCLE_AT_RISK_DAYS: positiveInt
    .default(90)
    .describe('Lifecycle: last seen within this many days (but not active) is AT_RISK.'),
  LIFECYCLE_DORMANT_DAYS: positiveInt
    .default(180)
    .describe('Lifecycle: last seen within this many days is DORMANT; longer ago is CHURNED.'),
  IDENTITY_RULES_FILE: z
    .string()
    .optional()
    .describe(
      'JSON file of identity rules (namespaces, sharedAfterAccounts, blockedValues) applied at start; see Identity rules.',
    ),
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error'])
    .default('info')
    .describe('Least severe log level printed.'),
});

export type Config = z.infer<typeof schema>;

/** Names and descriptions of every setting, for the README and `--help`. */
export function describeSettings(): Array<{
  name: string;
  description: string;
  default: string | undefined;
}> {
  return Object.entries(schema.shape).map(([name, field]) => {
    const parsed = field.safeParse(undefined);
    const fallback = parsed.success ? parsed.data : undefined;
    return {
      name,
      description: field.description ?? '',
      default:
        fallback === undefined ? undefined : Array.isArray(fallback) ? fallback.join(',') : String(fallback),
    };
  });
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the settings. Empty strings count as unset, so `PORT=` behaves like no PORT.
 * Throws ConfigError naming every bad setting at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && (value !== '' || key === 'NEO4J_USER' || key === 'NEO4J_PASSWORD')) {
      input[key] = value;
    }
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}
