/** What an identifier stands for: a login account, a device or browser, or a contact point. */
export type IdentityKind = 'ACCOUNT' | 'DEVICE' | 'CONTACT';

/** How identifiers of one namespace take part in stitching. */
export interface NamespaceRule {
  readonly namespace: string;
  readonly kind: IdentityKind;
  /** Most values of this namespace one profile may hold; a link that would exceed it does not merge. */
  readonly limit: number;
  /** Lower is stronger: links touching a stronger namespace are applied first when limits conflict. */
  readonly priority: number;
}

/** The rules in force: per-namespace rules plus the defaults for namespaces nobody configured. */
export interface IdentityRules {
  readonly namespaces: ReadonlyMap<string, NamespaceRule>;
  /** A DEVICE or CONTACT identifier seen with more distinct accounts than this is shared, not a bridge. */
  readonly sharedAfterAccounts: number;
  /** Values (after trimming, case-insensitive) that never identify anybody. */
  readonly blockedValues: ReadonlySet<string>;
}

export const DEFAULT_NAMESPACES: readonly NamespaceRule[] = [
  { namespace: 'user_id', kind: 'ACCOUNT', limit: 1, priority: 1 },
  { namespace: 'email', kind: 'CONTACT', limit: 5, priority: 2 },
  { namespace: 'phone', kind: 'CONTACT', limit: 5, priority: 3 },
  { namespace: 'device_id', kind: 'DEVICE', limit: 20, priority: 4 },
  { namespace: 'anonymous_id', kind: 'DEVICE', limit: 20, priority: 5 },
];

const DEFAULT_BLOCKED = ['', 'null', 'undefined', 'anonymous', 'none', 'nil', 'unknown', 'n/a', '0'];

/** A namespace nobody configured (an externalIds type, say) counts as an account-like id, one per profile. */
const UNCONFIGURED: Omit<NamespaceRule, 'namespace'> = { kind: 'ACCOUNT', limit: 1, priority: 10 };

export function defaultIdentityRules(): IdentityRules {
  return {
    namespaces: new Map(DEFAULT_NAMESPACES.map((rule) => [rule.namespace, rule])),
    sharedAfterAccounts: 3,
    blockedValues: new Set(DEFAULT_BLOCKED),
  };
}

export function ruleFor(rules: IdentityRules, namespace: string): NamespaceRule {
  return rules.namespaces.get(namespace) ?? { namespace, ...UNCONFIGURED };
}

/**
 * True for values that must never link anything: configured ones, and runs of zeros or dashes such as the
 * all-zero advertising id "00000000-0000-0000-0000-000000000000" that opted-out devices report.
 */
export function isBlockedValue(rules: IdentityRules, value: string): boolean {
  const v = value.trim().toLowerCase();
  return rules.blockedValues.has(v) || /^[0-]+$/.test(v);
}

/** Namespaces are lower-case words: `wechat_openid`, `crm_id`. */
export const NAMESPACE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * The canonical form of an identifier value, so that one person's email typed twice is one identifier:
 * emails are trimmed and lower-cased, phones keep only a leading + and digits, the rest is trimmed.
 */
export function normalizeValue(namespace: string, raw: string): string {
  const value = raw.trim();
  if (namespace === 'email') return value.toLowerCase();
  if (namespace === 'phone') {
    const digits = value.replace(/[^\d+]/g, '');
    return digits.startsWith('+') ? `+${digits.slice(1).replace(/\+/g, '')}` : digits.replace(/\+/g, '');
  }
  return value;
}

/** The one string that names an identifier: `namespace:value` (namespaces hold no colon, so it splits back). */
export function identifierKey(namespace: string, value: string): string {
  return `${namespace}:${value}`;
}

export function splitKey(key: string): { namespace: string; value: string } {
  const at = key.indexOf(':');
  return { namespace: key.slice(0, at), value: key.slice(at + 1) };
}
