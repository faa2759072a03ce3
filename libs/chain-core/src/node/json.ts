import { toHex } from '../codec';

/** CBOR values as JSON: bigint → decimal string, bytes → lower-case hex, maps → objects. */
export function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return toHex(value);
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = toJson(value[i]);
    return out;
  }
  if (value instanceof Map) {
    return Object.fromEntries([...value].map(([k, v]) => [String(k), toJson(v)]));
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = toJson((value as Record<string, unknown>)[key]);
    // (the CBOR profile has no `__proto__` key; other callers' objects might)
    if (key === '__proto__') Object.defineProperty(out, key, { value: item, enumerable: true });
    else out[key] = item;
  }
  return out;
}
