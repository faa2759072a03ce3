import { type HashFn, type RecordSchema, taggedHash } from '../codec';

/** The operations every chain type offers (one file per type, as CometBFT's `types/`). */
export interface ChainType<T extends object> {
  readonly schema: RecordSchema<T>;
  /** Stateless checks: field types, ranges, sizes and cross-field rules. */
  readonly validateBasic: (value: unknown) => asserts value is T;
  /** Deterministic bytes (checks first). */
  encode(value: T): Uint8Array;
  /** Untrusted bytes → a checked value, or CodecError; never another exception. */
  decode(bytes: Uint8Array): T;
  /** Domain-separated hash of the encoding, under this type's tag. */
  hash(hash: HashFn, value: T): Uint8Array;
}

/**
 * The bytes a value was decoded from. The decoder accepts only the deterministic encoding, so
 * they are exactly what encoding the value again would give: a decoded value (a batch, a block)
 * is never re-encoded to be hashed, compared or stored. Values are immutable by convention
 * (every field is `readonly`).
 */
const decodedFrom = new WeakMap<object, Uint8Array>();
/**
 * Hashes by value and hash function (a node uses one): a transaction's id, a batch's digest and
 * a block's hash are asked for at admission, dissemination, proposal and execution, on the same
 * objects.
 */
const hashes = new WeakMap<object, { fn: HashFn; digest: Uint8Array }>();

export function chainType<T extends object>(
  schema: RecordSchema<T>,
  options: { readonly tag: string; readonly maxBytes: number },
): ChainType<T> {
  // A copy: a caller may alter what it gets (tamper tests do).
  const encode = (value: T): Uint8Array => decodedFrom.get(value)?.slice() ?? schema.encode(value);
  return {
    schema,
    validateBasic: schema.check,
    encode,
    decode: (bytes) => {
      const value = schema.decode(bytes, options.maxBytes);
      decodedFrom.set(value, bytes.slice()); // a copy: the input may be a reused buffer
      return value;
    },
    hash: (hash, value) => {
      const known = hashes.get(value);
      if (known?.fn === hash) return known.digest.slice();
      const digest = taggedHash(hash, options.tag, encode(value));
      hashes.set(value, { fn: hash, digest: digest.slice() });
      return digest;
    },
  };
}
