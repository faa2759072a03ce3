export {
  DEFAULT_LIMITS,
  copyDecoded,
  decodeValue,
  encodeValue,
  referenceDecodeValue,
  referenceEncodeValue,
  toProfileValue,
} from './cbor';
export type { CborValue, DecodeLimits } from './cbor';
export { CodecError } from './errors';
export type { CodecErrorCode } from './errors';
export { HASH_TAGS, taggedHash } from './hashing';
export type { HashFn, HashTag } from './hashing';
export {
  RecordSchema,
  anyValue,
  bool,
  bytes,
  hash32,
  list,
  oneOf,
  optional,
  text,
  u16,
  u32,
  u64,
  uint,
} from './schema';
export type { Field } from './schema';
export {
  compareBytes,
  concatBytes,
  copyBytes,
  equalBytes,
  fromHex,
  isBytes,
  prefixEnd,
  toHex,
} from './bytes';
