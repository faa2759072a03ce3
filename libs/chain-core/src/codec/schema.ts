import { isBytes } from './bytes';
import { type CborValue, DEFAULT_LIMITS, decodeValue, encodeValue, encodedSize } from './cbor';
import { CodecError } from './errors';

/**
 * A typed field: how a value is checked, written into the profile's value model and read
 * back from untrusted input. Records (chain types) are CBOR arrays of their fields in a fixed
 * order (docs/spec/encoding.md lists each layout).
 */
export interface Field<T> {
  /** Human description, e.g. `uint(0..2^64-1)`, for errors and docs. */
  readonly kind: string;
  /** Throws CodecError('invalid') at `path` if `value` is not a valid T. */
  check(value: unknown, path: string): asserts value is T;
  toValue(value: T): CborValue;
  /** Reads a decoded value (untrusted) as T, checking it. */
  fromValue(value: CborValue, path: string): T;
}

function invalid(path: string, message: string): never {
  throw new CodecError('invalid', message, path);
}

type Check<T> = (value: unknown, path: string) => asserts value is T;

/** A field whose wire value is its JS value, accepted when `accepts` holds. */
function scalar<T extends CborValue>(kind: string, accepts: (value: unknown) => boolean): Field<T> {
  const check: Check<T> = (value, path) => {
    if (!accepts(value)) invalid(path, `must be ${kind}`);
  };
  return {
    kind,
    check,
    toValue: (value) => value,
    fromValue(value, path) {
      check(value, path);
      return value;
    },
  };
}

/** Unsigned integer in [0, max] as bigint. */
export function uint(max: bigint = (1n << 64n) - 1n): Field<bigint> {
  return scalar(`uint(0..${max})`, (v) => typeof v === 'bigint' && v >= 0n && v <= max);
}

export const u64 = uint();
export const u32 = uint(0xffff_ffffn);
export const u16 = uint(0xffffn);

/** Byte string with a length in [min, max] (exactly `min` when max is omitted). */
export function bytes(min: number, max = min): Field<Uint8Array> {
  return scalar(
    min === max ? `bytes(${min})` : `bytes(${min}..${max})`,
    (v) => isBytes(v) && v.length >= min && v.length <= max,
  );
}

/** 32 bytes: a SHA-256 or SM3 digest. */
export const hash32 = bytes(32);

/** Text matching `pattern` (anchored), at most `maxLength` UTF-16 units. */
export function text(pattern: RegExp, maxLength = 256): Field<string> {
  return scalar(
    `text(${pattern.source})`,
    (v) => typeof v === 'string' && v.length <= maxLength && pattern.test(v),
  );
}

export const bool: Field<boolean> = scalar('bool', (v) => typeof v === 'boolean');

/** One of the given strings. */
export function oneOf<T extends string>(...values: T[]): Field<T> {
  return scalar(
    `one of ${values.join(', ')}`,
    (v) => typeof v === 'string' && (values as string[]).includes(v),
  );
}

/** Any profile value whose encoding is at most `maxBytes` (contract arguments, event data). */
export function anyValue(maxBytes: number): Field<CborValue> {
  const check: Check<CborValue> = (value, path) => {
    let size: number;
    try {
      size = encodedSize(value as CborValue); // validates against the profile too
    } catch (error) {
      invalid(path, (error as CodecError).message);
    }
    if (size > maxBytes) invalid(path, `encodes to more than ${maxBytes} bytes`);
  };
  return {
    kind: `value(≤${maxBytes} bytes)`,
    check,
    toValue: (value) => value,
    fromValue(value, path) {
      check(value, path);
      return value;
    },
  };
}

/** A list of at most `maxItems` elements of one field type. */
export function list<T>(item: Field<T>, maxItems: number): Field<readonly T[]> {
  const kind = `list(${item.kind}, ≤${maxItems})`;
  return {
    kind,
    check(value, path): asserts value is readonly T[] {
      if (!Array.isArray(value) || value.length > maxItems) invalid(path, `must be ${kind}`);
      value.forEach((v: unknown, i: number) => item.check(v, `${path}[${i}]`));
    },
    toValue: (value) => Array.from(value, (v) => item.toValue(v)),
    fromValue(value, path) {
      if (!Array.isArray(value) || value.length > maxItems) invalid(path, `must be ${kind}`);
      return (value as CborValue[]).map((v, i) => item.fromValue(v, `${path}[${i}]`));
    },
  };
}

/** Either absent (`null` on the wire) or a value of `inner`. */
export function optional<T>(inner: Field<T>): Field<T | null> {
  return {
    kind: `optional(${inner.kind})`,
    check(value, path): asserts value is T | null {
      if (value !== null) inner.check(value, path);
    },
    toValue: (value) => (value === null ? null : inner.toValue(value)),
    fromValue: (value, path) => (value === null ? null : inner.fromValue(value, path)),
  };
}

type Fields<T> = { readonly [K in keyof T]: Field<T[K]> };

/**
 * A record: an object with named fields, encoded as a CBOR array of its fields in the order
 * of `fields` (names are not on the wire). `rules` are cross-field checks run after the fields'.
 */
export class RecordSchema<T extends object> {
  readonly kind: string;
  private readonly entries: [keyof T & string, Field<unknown>][];

  constructor(
    readonly name: string,
    fields: Fields<T>,
    private readonly rules: (value: T, path: string) => void = () => undefined,
  ) {
    this.entries = Object.entries(fields) as [keyof T & string, Field<unknown>][];
    this.kind = name;
  }

  /**
   * Stateless validation (CometBFT's validateBasic). An arrow property, so that it keeps `this`
   * when a record is used as a field of another.
   * @throws CodecError('invalid') naming the field.
   */
  readonly check: (value: unknown, path?: string) => asserts value is T = (
    value,
    path = this.name,
  ) => {
    if (typeof value !== 'object' || value === null) invalid(path, `must be a ${this.name}`);
    for (const [key, field] of this.entries) {
      field.check.call(field, (value as Record<string, unknown>)[key], `${path}.${key}`);
    }
    this.rules(value as T, path);
  };

  toValue(value: T): CborValue {
    return this.entries.map(([key, field]) => field.toValue(value[key]));
  }

  fromValue(value: CborValue, path = this.name): T {
    if (!Array.isArray(value) || value.length !== this.entries.length) {
      invalid(
        path,
        `must be an array of ${this.entries.length} fields (${this.entries.map(([k]) => k).join(', ')})`,
      );
    }
    const out = {} as T;
    this.entries.forEach(([key, field], i) => {
      (out as Record<string, unknown>)[key] = field.fromValue(
        (value as CborValue[])[i]!,
        `${path}.${key}`,
      );
    });
    this.rules(out, path);
    return out;
  }

  /** Checks, then encodes deterministically. */
  encode(value: T): Uint8Array {
    this.check(value);
    return encodeValue(this.toValue(value));
  }

  /** Decodes untrusted bytes into a checked T, or throws CodecError. */
  decode(input: Uint8Array, maxBytes = DEFAULT_LIMITS.maxBytes): T {
    return this.fromValue(decodeValue(input, { ...DEFAULT_LIMITS, maxBytes }));
  }

  /** This record as a field of another record (a schema is a field: same four members). */
  asField(): Field<T> {
    return this;
  }
}
