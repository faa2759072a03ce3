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

export function chainType<T extends object>(
  schema: RecordSchema<T>,
  options: { readonly tag: string; readonly maxBytes: number },
): ChainType<T> {
  return {
    schema,
    validateBasic: schema.check,
    encode: (value) => schema.encode(value),
    decode: (bytes) => schema.decode(bytes, options.maxBytes),
    hash: (hash, value) => taggedHash(hash, options.tag, schema.encode(value)),
  };
}
