/**
 * A profile's embedding: what it does and what it is tagged with, as a fixed-length vector whose cosine with
 * another profile's says how alike they are. Five blocks, each L2-normalised on its own and weighted, then
 * the whole vector L2-normalised:
 *
 *   dims   block        from
 *   0-7    interest     interest affinity per top-level category (the MODEL interest tags' scores)
 *   8-19   categories   engagement per second-level category (Sports/Running), decayed weights summed
 *   20-35  leaves       engagement per full category path (Sports/Running/Shoes)
 *   36-43  behaviour    orders and spend (log-scaled), buyer or not, lifecycle stage (one-hot)
 *   44-63  tags         RULE and MODEL tags (demographics, value, activity, clusters; score or 1)
 *
 * Names (categories, tag ids) are folded into their block with signed feature hashing: a stable hash picks
 * the dimension and another the sign, so unrelated names that share a dimension cancel out on average instead
 * of adding up. MANUAL tags are left out: they record campaigns (saved lookalikes among them) rather than
 * behaviour, and would make a lookalike audience pull in more of itself.
 */
export const EMBEDDING_DIMENSIONS = 64;

interface Block {
  readonly start: number;
  readonly size: number;
  readonly weight: number;
}

export const EMBEDDING_BLOCKS = {
  interest: { start: 0, size: 8, weight: 1 },
  categories: { start: 8, size: 12, weight: 1 },
  leaves: { start: 20, size: 16, weight: 1 },
  behaviour: { start: 36, size: 8, weight: 0.5 },
  tags: { start: 44, size: 20, weight: 0.75 },
} as const satisfies Record<string, Block>;

const LIFECYCLE_STAGES = ['NEW', 'ACTIVE', 'AT_RISK', 'DORMANT', 'CHURNED'];

/** The prefix of MODEL interest tag ids (see tags/default-catalogue.ts `interestTagId`). */
const INTEREST_TAG_PREFIX = 'tag-interest-';

export interface EmbeddingFeatures {
  /** The profile's tags with their kind, name (for interest tags, the category) and score. */
  readonly tags: ReadonlyArray<{ id: string; kind: string; name: string; score: number | null }>;
  /** Engaged products: category path and weight (all taken at one time). */
  readonly engaged: ReadonlyArray<{ category: string | null; weight: number }>;
  readonly orders: number;
  readonly monetary: number;
  readonly lifecycleStage: string | null;
}

/** FNV-1a, 32 bits: small, stable across platforms and runs. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Adds `value` for `name` into a block with signed feature hashing. */
function fold(block: number[], name: string, value: number): void {
  const index = fnv1a(name) % block.length;
  const sign = fnv1a(`${name}\u0000sign`) & 1 ? -1 : 1;
  block[index]! += sign * value;
}

function norm(values: readonly number[]): number {
  return Math.sqrt(values.reduce((sum, v) => sum + v * v, 0));
}

/** The category path cut to its first `levels` parts ('Sports/Running/Shoes', 2 → 'Sports/Running'). */
function categoryPrefix(path: string, levels: number): string {
  return path.split('/').slice(0, levels).join('/');
}

/**
 * The embedding of a profile: EMBEDDING_DIMENSIONS numbers of unit length (rounded to 6 decimals), or null
 * when nothing is known of it (no tags, no engagement, no orders).
 */
export function buildEmbedding(features: EmbeddingFeatures): number[] | null {
  const blocks = Object.fromEntries(
    Object.entries(EMBEDDING_BLOCKS).map(([name, block]) => [name, new Array<number>(block.size).fill(0)]),
  ) as Record<keyof typeof EMBEDDING_BLOCKS, number[]>;

  for (const tag of features.tags) {
    if (tag.kind === 'MODEL' && tag.id.startsWith(INTEREST_TAG_PREFIX)) {
      fold(blocks.interest, tag.name.toLowerCase(), tag.score ?? 1);
    } else if (tag.kind === 'RULE' || tag.kind === 'MODEL') {
      fold(blocks.tags, tag.id, tag.score ?? 1);
    }
  }
  for (const { category, weight } of features.engaged) {
    if (!category || !(weight > 0)) continue;
    fold(blocks.categories, categoryPrefix(category, 2), weight);
    fold(blocks.leaves, category, weight);
  }
  const behaviour = blocks.behaviour;
  const buyer = features.orders > 0;
  const stage = LIFECYCLE_STAGES.indexOf(features.lifecycleStage ?? '');
  if (buyer || stage >= 0) {
    behaviour[0] = Math.min(1, Math.log1p(Math.max(0, features.orders)) / Math.log1p(50));
    behaviour[1] = Math.min(1, Math.log1p(Math.max(0, features.monetary)) / Math.log1p(10_000));
    behaviour[2] = buyer ? 1 : 0;
    if (stage >= 0) behaviour[3 + stage] = 1;
  }

  const vector: number[] = [];
  for (const [name, block] of Object.entries(EMBEDDING_BLOCKS)) {
    const values = blocks[name as keyof typeof EMBEDDING_BLOCKS];
    const length = norm(values);
    for (const v of values) vector.push(length > 0 ? (block.weight * v) / length : 0);
  }
  const length = norm(vector);
  if (length === 0) return null;
  return vector.map((v) => Math.round((v / length) * 1e6) / 1e6);
}

/** Cosine similarity of two vectors of equal length (0 when either is zero). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** Neo4j's cosine score of a vector index, (1 + cos) / 2, back to the cosine, clamped to [0, 1]. */
export function cosineFromIndexScore(score: number): number {
  return Math.min(1, Math.max(0, 2 * score - 1));
}

/**
 * How far a profile's embedding may move from the stored one before it is written again, as a cosine distance
 * (1 - cosine). Writing an embedding updates the vector index when the transaction commits, which is most of
 * what it costs; one event more moves a long-lived profile's embedding by little (one view more among 5,000:
 * under this four times in five), so most of its settles leave the index alone until the moves add up (each
 * settle compares with the stored vector, so they cannot add up unseen). For unit vectors a, b, c,
 * |cos(a, c) - cos(b, c)| is at most |a - b| = sqrt(2 (1 - cos(a, b))): a similarity read from a stored vector
 * is within sqrt(2e-5), about 0.0045, of the exact one.
 */
export const EMBEDDING_TOLERANCE = 1e-5;

/**
 * Whether `next` is to replace the `stored` embedding: one of them is null and the other not (a profile gains
 * one, or leaves the index), or they are further apart than EMBEDDING_TOLERANCE.
 */
export function embeddingMoved(next: readonly number[] | null, stored: readonly number[] | null): boolean {
  if (next === null || stored === null) return next !== stored;
  if (next.length !== stored.length) return true;
  return 1 - cosine(next, stored) > EMBEDDING_TOLERANCE;
}
