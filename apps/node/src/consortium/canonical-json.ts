/**
 * Canonical JSON (RFC 8785, JSON Canonicalization Scheme): object members sorted by their names'
 * UTF-16 code units, no white space, strings and numbers as ECMAScript's JSON.stringify writes
 * them (RFC 8785 §3.2.2 adopts exactly that). The same document always gives the same bytes,
 * however it was indented or ordered, so its hash can be compared between nodes.
 */

/** A JSON value as `JSON.parse` returns it. */
export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The RFC 8785 text of `value`. Throws for non-finite numbers, which JSON cannot carry. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${(value as readonly JsonValue[]).map(canonicalJson).join(',')}]`;
  }
  const object = value as { readonly [key: string]: JsonValue };
  const members = Object.keys(object)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key]!)}`);
  return `{${members.join(',')}}`;
}
