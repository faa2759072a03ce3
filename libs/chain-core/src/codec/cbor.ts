import { decode as cborDecode, encode as cborEncode } from 'cbor2';
import { isBytes } from './bytes';
import { CodecError } from './errors';
import { ProfileReader } from './profile-reader';
import {
  FORBIDDEN_KEYS,
  isPlainObject,
  NEG_MIN,
  OutsideProfile,
  ProfileWriter,
  U64_MAX,
} from './profile-writer';

/**
 * The Trellis CBOR profile (docs/spec/encoding.md): the deterministic encoding of RFC 8949 §4.2.1
 * ("core deterministic encoding": preferred, definite-length arguments; map keys sorted by the
 * bytewise order of their encodings; no duplicates) restricted to a data model with no floats,
 * tags, `undefined` or other simple values:
 *
 *   integers in [-2^64, 2^64 - 1] (major types 0 and 1), byte strings, UTF-8 text strings,
 *   arrays, maps with text-string keys, `true`, `false`, `null`.
 *
 * In JS: integers are `bigint` after decoding (`number` is accepted when encoding a safe
 * integer), byte strings are `Uint8Array`, maps are null-prototype objects.
 */
export type CborValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly CborValue[]
  | { readonly [key: string]: CborValue };

export interface DecodeLimits {
  /** Largest input accepted, in bytes. */
  readonly maxBytes: number;
  /** Deepest nesting of arrays and maps accepted (a scalar at the top is depth 0). */
  readonly maxDepth: number;
}

export const DEFAULT_LIMITS: DecodeLimits = { maxBytes: 1 << 20, maxDepth: 32 };

/** In a /u regex paired surrogates form one code point, so only lone ones match. */
const LONE_SURROGATE = /\p{Surrogate}/u;

const ENCODE_OPTIONS = {
  cde: true,
  rejectFloats: true,
  rejectUndefined: true,
  rejectBigInts: false,
  collapseBigInts: true,
} as const;

const DECODE_OPTIONS = {
  cde: true,
  rejectDuplicateKeys: true,
  rejectFloats: true,
  rejectUndefined: true,
  rejectStreaming: true,
  rejectSimple: true,
  preferBigInt: true,
  preferMap: true,
  ignoreGlobalTags: true,
} as const;

/**
 * Checks a value against the profile and returns a copy built from this realm's arrays and
 * objects (values from a worker or vm context have other Array / Object prototypes, which the
 * encoder would not recognise), so that what we hash or sign always decodes to the same value.
 * @throws CodecError naming the path of the first offending part.
 */
export function toProfileValue(
  value: unknown,
  maxDepth = DEFAULT_LIMITS.maxDepth,
  path = '$',
  depth = 0,
): CborValue {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) {
      throw new CodecError('invalid', 'text is not well-formed Unicode (lone surrogate)', path);
    }
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || Object.is(value, -0)) {
      throw new CodecError('unsupported', `only safe integers are allowed, got ${value}`, path);
    }
    return value;
  }
  if (typeof value === 'bigint') {
    if (value > U64_MAX || value < NEG_MIN) {
      throw new CodecError('unsupported', 'integer outside [-2^64, 2^64-1]', path);
    }
    return value;
  }
  if (isBytes(value))
    return value instanceof Uint8Array && value.constructor === Uint8Array
      ? value
      : new Uint8Array(value);
  if (depth >= maxDepth) throw new CodecError('too-deep', `nesting deeper than ${maxDepth}`, path);
  if (Array.isArray(value)) {
    return Array.from(value as unknown[], (item, i) =>
      toProfileValue(item, maxDepth, `${path}[${i}]`, depth + 1),
    );
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    const out: { [key: string]: CborValue } = {};
    for (const [key, item] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(key))
        throw new CodecError('unsupported', `map key ${JSON.stringify(key)} is not allowed`, path);
      // UTF-8 cannot carry a lone surrogate (TextEncoder writes U+FFFD): such a key would decode
      // as another key, and two of them would encode as duplicates.
      if (LONE_SURROGATE.test(key)) {
        throw new CodecError(
          'invalid',
          'map key is not well-formed Unicode (lone surrogate)',
          path,
        );
      }
      out[key] = toProfileValue(item, maxDepth, `${path}.${key}`, depth + 1);
    }
    return out;
  }
  throw new CodecError('unsupported', `cannot encode ${describe(value)}`, path);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') return value?.constructor?.name ?? 'an object';
  return typeof value;
}

/**
 * Deterministic encoding of a profile value. Equal values always give identical bytes.
 * @throws CodecError naming the path of the first offending part, as `toProfileValue` does.
 */
export function encodeValue(value: CborValue): Uint8Array {
  // One pass: the writer checks what it writes. Values of other realms, Buffers and number
  // integers are written as toProfileValue's copy of them would be.
  try {
    return ProfileWriter.encode(value, DEFAULT_LIMITS.maxDepth);
  } catch (error) {
    if (!(error instanceof OutsideProfile)) throw error;
  }
  // Outside the profile: toProfileValue walks the value again, building the paths the writer
  // does without, and throws the CodecError callers have always had.
  toProfileValue(value);
  // It accepted what the writer refused: a getter or proxy answered differently the second
  // time. What the writer read (once, as the check-and-copy before it did) was refused, so the
  // value is refused, as it would have been, only without a path.
  throw new CodecError('unsupported', 'the value changed while it was being encoded');
}

/** cbor2's encoding of a profile value: the reference `encodeValue` is tested against. */
export function referenceEncodeValue(value: CborValue): Uint8Array {
  const profile = toProfileValue(value);
  try {
    return cborEncode(profile, ENCODE_OPTIONS);
  } catch (error) {
    throw new CodecError('unsupported', (error as Error).message);
  }
}

/**
 * Decodes untrusted bytes. Total: any input yields a value or a CodecError — never another
 * exception, never unbounded work (the input size is checked first and the decoder is linear).
 * Bytes that are not in deterministic form (e.g. a non-shortest integer, unsorted or duplicate
 * map keys, indefinite lengths) are rejected, so one value has exactly one encoding.
 */
export function decodeValue(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_LIMITS): CborValue {
  checkInput(bytes, limits);
  // The reader notes the size of every array and map it reads, nested ones too: a record's
  // schema checks the size of its nested values (event data, arguments) without encoding them,
  // and copyDecoded knows them for the reader's own.
  return ProfileReader.decode(bytes, limits.maxDepth, decodedSizes);
}

/**
 * cbor2's decoding with the profile's checks around it: the reference `decodeValue` is tested
 * against (same values, same error codes).
 */
export function referenceDecodeValue(
  bytes: Uint8Array,
  limits: DecodeLimits = DEFAULT_LIMITS,
): CborValue {
  checkInput(bytes, limits);
  let raw: unknown;
  try {
    raw = cborDecode(bytes, DECODE_OPTIONS);
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    throw new CodecError(/depth/i.test(message) ? 'too-deep' : 'malformed', message);
  }
  return remember(fromDecoded(raw, limits.maxDepth, '$', 0), bytes.length);
}

function checkInput(bytes: Uint8Array, limits: DecodeLimits): void {
  if (!(bytes instanceof Uint8Array)) throw new CodecError('invalid', 'input must be a Uint8Array');
  if (bytes.length > limits.maxBytes) {
    throw new CodecError('too-large', `input of ${bytes.length} bytes exceeds ${limits.maxBytes}`);
  }
  if (bytes.length === 0) throw new CodecError('malformed', 'empty input');
}

function remember(value: CborValue, size: number): CborValue {
  // Only the deterministic encoding decodes, so this value's encoding is these bytes.
  if (typeof value === 'object' && value !== null) encodedSizes.set(value, size);
  return value;
}

/**
 * Encoded sizes of values already encoded or decoded, by object: a value is checked against
 * a size limit each time a record holding it is checked (decoded, encoded, validated), and
 * encoding it again each time to learn its size was most of a node's CPU. Values are immutable
 * by convention, as every decoded value is.
 */
const encodedSizes = new WeakMap<object, number>();

/**
 * Encoded sizes of the arrays and maps `decodeValue` made, nested ones included: these are in
 * the profile's own shapes (bigint integers, null-prototype maps, plain byte copies).
 */
const decodedSizes = new WeakMap<object, number>();

/** The length of `encodeValue(value)`; validates it against the profile when not known. */
export function encodedSize(value: CborValue): number {
  if (typeof value !== 'object' || value === null) return encodeValue(value).length;
  const known = decodedSizes.get(value) ?? encodedSizes.get(value);
  if (known !== undefined) return known;
  const size = encodeValue(value).length;
  encodedSizes.set(value, size);
  return size;
}

/** Converts cbor2's output to the profile's JS shapes, rejecting what the profile lacks. */
function fromDecoded(raw: unknown, maxDepth: number, path: string, depth: number): CborValue {
  if (
    raw === null ||
    typeof raw === 'boolean' ||
    typeof raw === 'string' ||
    typeof raw === 'bigint'
  ) {
    return raw;
  }
  if (typeof raw === 'number') return BigInt(raw); // defensive: integers are bigint with preferBigInt
  if (raw instanceof Uint8Array) return new Uint8Array(raw); // a copy, never a view of the input
  if (depth >= maxDepth) throw new CodecError('too-deep', `nesting deeper than ${maxDepth}`, path);
  if (Array.isArray(raw))
    return raw.map((item, i) => fromDecoded(item, maxDepth, `${path}[${i}]`, depth + 1));
  if (raw instanceof Map) {
    const out: { [key: string]: CborValue } = Object.create(null) as { [key: string]: CborValue };
    for (const [key, item] of raw) {
      if (typeof key !== 'string')
        throw new CodecError('unsupported', 'map keys must be text strings', path);
      if (FORBIDDEN_KEYS.has(key))
        throw new CodecError('unsupported', `map key ${JSON.stringify(key)} is not allowed`, path);
      out[key] = fromDecoded(item, maxDepth, `${path}.${key}`, depth + 1);
    }
    return out;
  }
  throw new CodecError('unsupported', `${describe(raw)} is outside the Trellis CBOR profile`, path);
}

const NOT_DECODED = Symbol('not decoded');

/**
 * A copy of an array or map `decodeValue` made (nested or not) and its encoded size, built
 * directly instead of by encoding and decoding it again; undefined for any other value, or
 * one that is no longer in the profile's shapes (changed after decoding), which the caller
 * then copies through the codec.
 */
export function copyDecoded(
  value: CborValue,
  maxDepth = DEFAULT_LIMITS.maxDepth,
): { value: CborValue; size: number } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const size = decodedSizes.get(value);
  if (size === undefined) return undefined;
  const copy = cloneProfile(value, maxDepth, 0);
  if (copy === NOT_DECODED) return undefined;
  decodedSizes.set(copy as object, size);
  return { value: copy, size };
}

function cloneProfile(
  value: unknown,
  maxDepth: number,
  depth: number,
): CborValue | typeof NOT_DECODED {
  switch (typeof value) {
    case 'bigint':
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return NOT_DECODED;
  }
  if (value === null) return null;
  if (value instanceof Uint8Array) {
    return Object.getPrototypeOf(value) === Uint8Array.prototype ? value.slice() : NOT_DECODED;
  }
  if (depth >= maxDepth) return NOT_DECODED;
  if (Array.isArray(value)) {
    const out: CborValue[] = new Array<CborValue>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = cloneProfile(value[i], maxDepth, depth + 1);
      if (item === NOT_DECODED) return NOT_DECODED;
      out[i] = item;
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== null) return NOT_DECODED;
  const out = Object.create(null) as { [key: string]: CborValue };
  for (const key of Object.keys(value)) {
    const item = cloneProfile((value as Record<string, unknown>)[key], maxDepth, depth + 1);
    if (item === NOT_DECODED || FORBIDDEN_KEYS.has(key)) return NOT_DECODED;
    out[key] = item;
  }
  return out;
}
