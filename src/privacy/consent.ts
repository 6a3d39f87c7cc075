/** The purposes consent is asked for. */
export const PURPOSES = ['analytics', 'marketing', 'personalization'] as const;
export type Purpose = (typeof PURPOSES)[number];

export function isPurpose(value: unknown): value is Purpose {
  return typeof value === 'string' && (PURPOSES as readonly string[]).includes(value);
}

/**
 * Whether a purpose needs an explicit grant (opt-in) or counts as granted until refused (opt-out), per the
 * setting CONSENT_OPT_IN_PURPOSES. One policy for everything: segments, recommendations, lookalikes.
 */
export interface ConsentPolicy {
  readonly optIn: ReadonlySet<Purpose>;
}

export function consentPolicy(optInPurposes: readonly string[]): ConsentPolicy {
  return { optIn: new Set(optInPurposes.filter(isPurpose)) };
}

/** Whether a stored consent value (true, false, or absent) allows the purpose. */
export function allows(policy: ConsentPolicy, purpose: Purpose, stored: unknown): boolean {
  if (stored === true || stored === 'true') return true;
  if (stored === false || stored === 'false') return false;
  return !policy.optIn.has(purpose);
}

/**
 * The same decision as a Cypher predicate over the profile `p` (its flattened trait `consent.<purpose>`).
 * The property name is built from the fixed list of purposes, never from input.
 */
export function consentPredicate(policy: ConsentPolicy, purpose: Purpose): string {
  const property = `p['trait.consent.${purpose}']`;
  return policy.optIn.has(purpose)
    ? `coalesce(${property}, false) IN [true, 'true']`
    : `NOT coalesce(${property}, true) IN [false, 'false']`;
}

export interface ConsentFromEvent {
  key: string;
  purpose: Purpose;
  granted: boolean;
  at: number;
  messageId: string;
}

/** Consent decisions an event's traits carry, for the history. */
export function consentDecisions(
  key: string,
  traits: Record<string, unknown> | null,
  at: number,
  messageId: string,
): ConsentFromEvent[] {
  const consent = traits?.consent;
  if (!consent || typeof consent !== 'object') return [];
  return Object.entries(consent as Record<string, unknown>)
    .filter((entry): entry is [Purpose, boolean] => isPurpose(entry[0]) && typeof entry[1] === 'boolean')
    .map(([purpose, granted]) => ({ key, purpose, granted, at, messageId }));
}
