/**
 * Traits are kept per identifier with the time and message that set each one, so that a profile's traits
 * can be recomputed from its identifiers after any merge or split, and so that applying events in any order
 * gives the same result: for each trait the newest event wins (ties broken by messageId).
 */
export interface TraitValue {
  readonly v: unknown;
  readonly at: number;
  readonly m: string;
}

export type StoredTraits = Record<string, TraitValue>;

function newer(a: { at: number; m: string }, b: { at: number; m: string }): boolean {
  return a.at > b.at || (a.at === b.at && a.m > b.m);
}

export function parseStoredTraits(json: unknown): StoredTraits {
  if (typeof json !== 'string' || json.length === 0) return {};
  const parsed = JSON.parse(json) as unknown;
  return parsed && typeof parsed === 'object' ? (parsed as StoredTraits) : {};
}

/** The identifier's traits after an event set `incoming` at `at`; older values never overwrite newer ones. */
export function applyTraits(
  existing: StoredTraits,
  incoming: Record<string, unknown>,
  at: number,
  messageId: string,
): StoredTraits {
  const result: Record<string, TraitValue> = { ...existing };
  for (const [key, v] of Object.entries(incoming)) {
    if (v === undefined) continue;
    const current = result[key];
    const candidate = { v, at, m: messageId };
    if (!current || newer(candidate, current)) result[key] = candidate;
  }
  return result;
}

/**
 * A profile's traits from its identifiers' traits: per trait, the value from the highest-ranked namespace
 * that has it (`ranking`, highest first), otherwise the newest. Traits whose winning value is null are unset.
 */
export function mergeProfileTraits(
  members: ReadonlyArray<{ namespace: string; traits: StoredTraits }>,
  ranking: readonly string[],
): Record<string, unknown> {
  const rankOf = (namespace: string): number => {
    const i = ranking.indexOf(namespace);
    return i === -1 ? ranking.length : i;
  };
  const winners = new Map<string, { value: TraitValue; rank: number }>();
  for (const member of members) {
    const rank = rankOf(member.namespace);
    for (const [key, value] of Object.entries(member.traits)) {
      const current = winners.get(key);
      if (!current || rank < current.rank || (rank === current.rank && newer(value, current.value))) {
        winners.set(key, { value, rank });
      }
    }
  }
  const traits: Record<string, unknown> = {};
  for (const key of [...winners.keys()].sort()) {
    const winner = winners.get(key)!;
    if (winner.value.v !== null) traits[key] = winner.value.v;
  }
  return traits;
}

/** Stored traits with more traits applied on top, newest winning per trait as `applyTraits` decides. */
export function mergeStoredTraits(base: StoredTraits, incoming: StoredTraits): StoredTraits {
  const result: Record<string, TraitValue> = { ...base };
  for (const [key, value] of Object.entries(incoming)) {
    const current = result[key];
    if (!current || newer(value, current)) result[key] = value;
  }
  return result;
}
