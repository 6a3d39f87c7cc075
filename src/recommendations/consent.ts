import { allows, type ConsentPolicy } from '../privacy/consent';

/**
 * Consent to personalisation, in one place for recommendations and lookalikes. The decision is the privacy
 * model's (`privacy/consent.ts`: the stored `consent.personalization` trait, true or false, and otherwise
 * the policy's default: granted unless the purpose is configured as opt-in).
 *
 * A profile that does not allow personalisation gets no personal recommendations (popular products only,
 * the same for everyone) and is never offered as a lookalike: its embedding is removed when it is settled,
 * so the vector index cannot find it, and every lookalike query checks again (the policy may have changed
 * since). Its interactions still count, anonymously, in product associations and popularity.
 *
 * Queries that need consent return `[key IN $consentKeys | p[key]]` with CONSENT_PROPERTIES as keys, so a
 * change of the model touches this file only.
 */
export const CONSENT_PROPERTIES: readonly string[] = ['trait.consent.personalization'];

/** The consent properties as a query returned them, by name. */
export function consentOf(values: readonly unknown[] | null | undefined): Record<string, unknown> {
  return Object.fromEntries(CONSENT_PROPERTIES.map((key, i) => [key, values?.[i] ?? null]));
}

/** Whether the profile with these consent properties allows personalisation under `policy`. */
export function allowsPersonalization(
  policy: ConsentPolicy,
  consent: Readonly<Record<string, unknown>>,
): boolean {
  return allows(policy, 'personalization', consent['trait.consent.personalization']);
}
