/**
 * The value rules of the system contract: typed fields (codec `Field`s) for organisation ids,
 * node names, addresses, keys and certificates, and `MapSchema`, which validates an untrusted
 * CBOR map (method arguments, actions) field by field, refusing unknown keys.
 */
import { type CborValue, CodecError, type Field, bytes, isBytes, text } from '../codec';
import { MAX_CERTIFICATE_BYTES, ORG_ID_PATTERN } from '../identity';
import { GovernanceError } from './governance-error';

function invalid(path: string, message: string): never {
  throw new CodecError('invalid', message, path);
}

/** An organisation id, as the identity profile defines it (a CA subject's `O`). */
export const orgId: Field<string> = text(ORG_ID_PATTERN, 63);

/**
 * An organisation's display name: 1..64 characters (RFC 5280 ub-common-name), no control
 * characters, no white space at either end (identity's display-name rule).
 */
export const displayName: Field<string> = text(
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  /^(?=[^\u0000-\u001f\u007f-\u009f]{1,64}$)\S(?:.*\S)?$/u,
  128,
);

/**
 * A node's name: the common name of its node certificate, restricted to host-name-like
 * characters so that it is safe in logs, keys and configuration files.
 */
export const nodeName: Field<string> = text(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 64);

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const PORT =
  '(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])';

/** `host:port`: a DNS name or IPv4 address, or a bracketed IPv6 address; port 1..65535. */
export const nodeAddress: Field<string> = text(
  new RegExp(`^(?:${LABEL}(?:\\.${LABEL})*|\\[[0-9A-Fa-f:.]{2,45}\\]):${PORT}$`),
  260,
);

/**
 * A raw consensus public key in the suite's canonical form: 32 bytes (Ed25519) or 33
 * (compressed SEC1, P-256 and SM2). Whether it is a valid point is the node's check.
 */
export const consensusKey: Field<Uint8Array> = bytes(32, 33);

/** A serial number as hex (canonicalised by the identity layer's revocation rules). */
export const serialHex: Field<string> = text(/^[0-9a-fA-F]{1,42}$/, 42);

/** Whether `der` is exactly one DER SEQUENCE (tag 0x30, definite length covering every byte). */
function isDerSequence(der: Uint8Array): boolean {
  if (der.length < 2 || der[0] !== 0x30) return false;
  const first = der[1]!;
  if (first < 0x80) return 2 + first === der.length;
  const count = first & 0x7f;
  if (count === 0 || count > 3 || der.length < 2 + count || der[2] === 0) return false;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + der[2 + i]!;
  if (length < 0x80) return false; // DER: the shortest length form
  return 2 + count + length === der.length;
}

/**
 * An X.509 certificate's DER bytes, at most identity's `MAX_CERTIFICATE_BYTES`. Only the outer
 * structure is checked here (one DER SEQUENCE): a contract does no X.509 or signature work; the
 * node verified a member's certificate before execution, and governance tooling loads a CA with
 * `Organisation.load` before proposing it.
 */
export const certificateDer: Field<Uint8Array> = {
  kind: `DER certificate (≤${MAX_CERTIFICATE_BYTES} bytes)`,
  check: checkCertificateDer,
  toValue: (value) => value,
  fromValue(value, path) {
    checkCertificateDer(value, path);
    return value;
  },
};

function checkCertificateDer(value: unknown, path: string): asserts value is Uint8Array {
  if (!isBytes(value) || value.length === 0 || value.length > MAX_CERTIFICATE_BYTES) {
    invalid(path, `must be 1..${MAX_CERTIFICATE_BYTES} bytes`);
  }
  if (!isDerSequence(value)) invalid(path, 'is not a DER SEQUENCE of exactly its length');
}

/** A plain map: a CBOR map as decoded (null prototype) or an object literal. */
function isPlainMap(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isBytes(value)) {
    return false;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

/** A field's check as a plain statement (an assertion call needs an annotated target). */
function checkField(field: Field<unknown>, value: unknown, path: string): void {
  field.check(value, path);
}

type Fields<T> = { readonly [K in keyof T]: Field<T[K]> };

/**
 * A CBOR map with named, typed fields: how method arguments and actions are validated. Unknown
 * keys are refused (a misspelt field must not be silently ignored by an on-chain rule).
 */
export class MapSchema<T extends object> {
  private readonly entries: readonly (readonly [string, Field<unknown>])[];

  constructor(
    readonly name: string,
    fields: Fields<T>,
  ) {
    this.entries = Object.entries(fields) as [string, Field<unknown>][];
  }

  /** The field names, in declaration order. */
  get names(): readonly string[] {
    return this.entries.map(([key]) => key);
  }

  /**
   * Validates an untrusted value and returns a fresh object holding exactly the fields.
   * @throws GovernanceError('invalid-args') naming the field (`args.action.publicKey`).
   */
  parse(value: unknown, path: string, ignore: readonly string[] = []): T {
    if (!isPlainMap(value)) {
      throw new GovernanceError(
        'invalid-args',
        `${path} must be a map { ${[...ignore, ...this.names].join(', ')} }`,
        path,
      );
    }
    for (const key of Object.keys(value)) {
      if (!ignore.includes(key) && !this.entries.some(([name]) => name === key)) {
        throw new GovernanceError(
          'invalid-args',
          `${path}.${key} is not a field of ${this.name}`,
          `${path}.${key}`,
        );
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, field] of this.entries) {
      const item = value[key];
      try {
        checkField(field, item, `${path}.${key}`);
      } catch (error) {
        if (error instanceof CodecError) {
          throw new GovernanceError('invalid-args', error.message, error.path);
        }
        throw error;
      }
      out[key] = item;
    }
    return out as T;
  }

  /** The map as a profile value (keys sorted by the encoder). */
  toValue(value: T): { readonly [key: string]: CborValue } {
    const out: { [key: string]: CborValue } = {};
    for (const [key, field] of this.entries) {
      out[key] = field.toValue((value as Record<string, unknown>)[key]);
    }
    return out;
  }
}
