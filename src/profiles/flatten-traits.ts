/** Trait paths as rules name them (`city`, `address.city`); the same pattern the rule language checks. */
const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_DEPTH = 5;

type Scalar = string | number | boolean;

function isScalar(value: unknown): value is Scalar {
  return (
    typeof value === 'string' ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    typeof value === 'boolean'
  );
}

/**
 * Traits as graph properties for rules: nested objects become dotted paths under the prefix `trait.`
 * (`{address: {city: 'Wuhan'}}` gives `trait.address.city`), lists of scalars stay lists (Neo4j needs them
 * of one type, so mixed lists become lists of strings). Keys a rule could not name, and values a property
 * cannot hold, are left out; the full JSON stays available to the API.
 */
export function flattenTraits(traits: Record<string, unknown>): Record<string, Scalar | Scalar[]> {
  const flat: Record<string, Scalar | Scalar[]> = {};
  const walk = (value: unknown, path: string[]): void => {
    if (path.length > MAX_DEPTH) return;
    if (isScalar(value)) {
      flat[`trait.${path.join('.')}`] = value;
    } else if (Array.isArray(value)) {
      const scalars = value.filter(isScalar);
      if (scalars.length !== value.length || scalars.length === 0) return;
      const sameType = scalars.every((v) => typeof v === typeof scalars[0]);
      flat[`trait.${path.join('.')}`] = sameType ? scalars : scalars.map(String);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        if (SEGMENT.test(key)) walk(child, [...path, key]);
      }
    }
  };
  for (const [key, value] of Object.entries(traits)) if (SEGMENT.test(key)) walk(value, [key]);
  return flat;
}
