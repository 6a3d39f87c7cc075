import type { MiddlewareFn } from 'type-graphql';
import { can } from '../security/viewer';
import type { Context } from '../server/context';

/** Traits holding personal data whatever the configuration says (compared case-insensitively). */
export const PERSONAL_TRAITS = [
  'email',
  'phone',
  'mobile',
  'name',
  'firstname',
  'first_name',
  'lastname',
  'last_name',
  'fullname',
  'full_name',
  'username',
  'address',
  'street',
  'birthday',
  'birthdate',
  'birth_date',
  'dob',
  'idnumber',
  'id_number',
  'idcard',
  'id_card',
  'passport',
  'ssn',
];

/** a***@example.com */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at <= 0) return maskText(value);
  return `${value.slice(0, 1)}***${value.slice(at)}`;
}

/** 138****8000: the first three and last four characters, which is how phone numbers are usually masked. */
export function maskPhone(value: string): string {
  const compact = value.replace(/[\s-]/g, '');
  if (compact.length < 8) return '****';
  return `${compact.slice(0, 3)}****${compact.slice(-4)}`;
}

/** The first character and three stars; short values become stars entirely. */
export function maskText(value: string, keep = 1): string {
  if (value.length <= keep * 2 + 1) return '***';
  return `${value.slice(0, keep)}***${keep > 1 ? value.slice(-keep) : ''}`;
}

/** An identifier value as a caller without pii:read sees it. */
export function maskIdentifierValue(namespace: string, value: string): string {
  if (namespace === 'email') return maskEmail(value);
  if (namespace === 'phone') return maskPhone(value);
  return maskText(value, 2);
}

function maskValue(key: string, value: unknown): unknown {
  if (typeof value === 'string') {
    if (/mail/i.test(key) || value.includes('@')) return maskEmail(value);
    if (/phone|mobile/i.test(key)) return maskPhone(value);
    return maskText(value);
  }
  if (Array.isArray(value)) return value.map((item) => maskValue(key, item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskValue(k, v)]),
    );
  }
  return value === null || value === undefined ? value : '***';
}

/** Traits (or event properties) with the values of personal keys masked, at any depth. */
export function maskTraits(traits: unknown, personal: ReadonlySet<string>): unknown {
  if (Array.isArray(traits)) return traits.map((item) => maskTraits(item, personal));
  if (traits === null || typeof traits !== 'object') return traits;
  return Object.fromEntries(
    Object.entries(traits as Record<string, unknown>).map(([key, value]) => [
      key,
      personal.has(key.toLowerCase()) ? maskValue(key, value) : maskTraits(value, personal),
    ]),
  );
}

/** `namespace:value` keys (as dry runs report them) with the value masked. */
function maskKey(key: unknown): unknown {
  if (typeof key !== 'string') return key;
  const colon = key.indexOf(':');
  return colon === -1
    ? maskText(key, 2)
    : `${key.slice(0, colon)}:${maskIdentifierValue(key.slice(0, colon), key.slice(colon + 1))}`;
}

type FieldMask = (value: unknown, parent: Record<string, unknown>, personal: ReadonlySet<string>) => unknown;

/**
 * Every field that can carry personal data, and how it is masked. This is the one place masking happens;
 * test/e2e/pii-masking.test.ts walks the whole schema as a caller without pii:read and fails on any
 * personal value that reaches a response, so a new field that leaks cannot go unnoticed.
 */
export const PERSONAL_FIELDS: Readonly<Record<string, FieldMask>> = {
  'Identifier.value': (value, parent) =>
    typeof value === 'string' ? maskIdentifierValue(String(parent.namespace), value) : value,
  'Profile.traits': (value, _parent, personal) => maskTraits(value, personal),
  'Interaction.properties': (value, _parent, personal) => maskTraits(value, personal),
  'DryRunExample.before': (value) => (Array.isArray(value) ? value.map(maskKey) : value),
  'DryRunExample.after': (value) =>
    Array.isArray(value) ? value.map((group) => (Array.isArray(group) ? group.map(maskKey) : group)) : value,
};

/** type-graphql global middleware applying PERSONAL_FIELDS for callers without the pii:read permission. */
export function maskingMiddleware(configured: readonly string[]): MiddlewareFn<Context> {
  const personal = new Set([...PERSONAL_TRAITS, ...configured.map((key) => key.toLowerCase())]);
  return async ({ context, info, root }, next) => {
    const result: unknown = await next();
    const mask = PERSONAL_FIELDS[`${info.parentType.name}.${info.fieldName}`];
    if (!mask || can(context.viewer, 'pii:read')) return result;
    return mask(result, (root ?? {}) as Record<string, unknown>, personal);
  };
}
