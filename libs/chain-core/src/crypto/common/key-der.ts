/**
 * SubjectPublicKeyInfo and PKCS#8 structures for the three suites, as OpenSSL writes them:
 *
 *   SPKI    SEQUENCE { SEQUENCE { algorithm OID, [curve OID] }, BIT STRING key }
 *   PKCS#8  SEQUENCE { INTEGER version, SEQUENCE { algorithm OID, [curve OID] },
 *                      OCTET STRING privateKey, [1] IMPLICIT BIT STRING publicKey (v1 only) }
 *
 * Ed25519 (RFC 8410): algorithm id-Ed25519 with no parameters; the SPKI key is the 32 raw
 * bytes; privateKey wraps `OCTET STRING (32-byte seed)`.
 * P-256 and SM2 (RFC 5480, RFC 5915): algorithm id-ecPublicKey with the named curve
 * (prime256v1 or SM2); the SPKI key is an SEC1 point; privateKey wraps ECPrivateKey
 * `SEQUENCE { INTEGER 1, OCTET STRING (32-byte d), [0] curve OID OPTIONAL, [1] BIT STRING point OPTIONAL }`.
 *
 * Only the structure is handled here; whether a point or scalar is acceptable is decided by
 * the suite (common/suite.ts).
 */
import type { SuiteId } from '../types';
import { equalBytes, fromHex, toHex } from './bytes';
import {
  DerError,
  TAG,
  encodeBitString,
  encodeTlv,
  expectTag,
  readBitString,
  readChildren,
  readSingle,
  readSmallInteger,
} from './der';

/** DER contents of the object identifiers in use. */
const OID = Object.freeze({
  ed25519: fromHex('2b6570'), // 1.3.101.112
  ecPublicKey: fromHex('2a8648ce3d0201'), // 1.2.840.10045.2.1
  prime256v1: fromHex('2a8648ce3d030107'), // 1.2.840.10045.3.1.7
  sm2: fromHex('2a811ccf5501822d'), // 1.2.156.10197.1.301
});

const KNOWN_OIDS: ReadonlyArray<readonly [Uint8Array, string]> = [
  [OID.ed25519, 'Ed25519'],
  [OID.ecPublicKey, 'EC'],
  [OID.prime256v1, 'P-256'],
  [OID.sm2, 'SM2'],
];

/** The algorithm identifier contents each suite writes and accepts. */
function algorithmIdentifier(suite: SuiteId): Uint8Array {
  if (suite === 'ed25519') return encodeTlv(TAG.OID, OID.ed25519);
  return Uint8Array.from([
    ...encodeTlv(TAG.OID, OID.ecPublicKey),
    ...encodeTlv(TAG.OID, suite === 'p256' ? OID.prime256v1 : OID.sm2),
  ]);
}

const SUITE_NAME: Readonly<Record<SuiteId, string>> = {
  ed25519: 'Ed25519',
  p256: 'P-256',
  sm2: 'SM2',
};

/** Thrown when the DER is well-formed but for another algorithm or curve. */
export class WrongKeyTypeError extends Error {
  override name = 'WrongKeyTypeError';
  constructor(
    readonly found: string,
    readonly expected: string,
  ) {
    super(`is for ${found}, expected ${expected}`);
  }
}

function oidName(oid: Uint8Array): string {
  const known = KNOWN_OIDS.find(([candidate]) => equalBytes(candidate, oid));
  return known ? known[1] : `OID ${toHex(oid)}`;
}

function checkAlgorithm(contents: Uint8Array, suite: SuiteId): void {
  if (equalBytes(contents, algorithmIdentifier(suite))) return;
  const names = readChildren(contents).map((tlv) =>
    tlv.tag === TAG.OID ? oidName(tlv.value) : 'with parameters',
  );
  throw new WrongKeyTypeError(names.join(' '), SUITE_NAME[suite]);
}

export function encodeSpki(suite: SuiteId, keyBytes: Uint8Array): Uint8Array {
  return encodeTlv(
    TAG.SEQUENCE,
    encodeTlv(TAG.SEQUENCE, algorithmIdentifier(suite)),
    encodeBitString(keyBytes),
  );
}

/** The raw key bytes of an SPKI (32 bytes for Ed25519, an SEC1 point for EC). */
export function decodeSpki(suite: SuiteId, der: Uint8Array): Uint8Array {
  const [algorithm, key, ...rest] = readChildren(readSingle(der, TAG.SEQUENCE));
  checkAlgorithm(expectTag(algorithm, TAG.SEQUENCE, 'algorithm'), suite);
  const bits = readBitString(
    expectTag(key, TAG.BIT_STRING, 'subjectPublicKey'),
    'subjectPublicKey',
  );
  if (rest.length > 0) throw new DerError('extra fields after subjectPublicKey');
  return bits;
}

/**
 * PKCS#8 v0 (no public key), as OpenSSL writes it. For EC the inner ECPrivateKey carries
 * the uncompressed public point (as OpenSSL and WebCrypto write it).
 */
export function encodePkcs8(
  suite: SuiteId,
  secretKey: Uint8Array,
  ecPublicPoint?: Uint8Array,
): Uint8Array {
  const inner =
    suite === 'ed25519'
      ? encodeTlv(TAG.OCTET_STRING, secretKey)
      : encodeTlv(
          TAG.SEQUENCE,
          encodeTlv(TAG.INTEGER, Uint8Array.of(1)),
          encodeTlv(TAG.OCTET_STRING, secretKey),
          ...(ecPublicPoint
            ? [encodeTlv(TAG.CONTEXT_1_CONSTRUCTED, encodeBitString(ecPublicPoint))]
            : []),
        );
  return encodeTlv(
    TAG.SEQUENCE,
    encodeTlv(TAG.INTEGER, Uint8Array.of(0)),
    encodeTlv(TAG.SEQUENCE, algorithmIdentifier(suite)),
    encodeTlv(TAG.OCTET_STRING, inner),
  );
}

export interface DecodedPkcs8 {
  /** 32 bytes: the Ed25519 seed or the EC scalar d. */
  readonly secretKey: Uint8Array;
  /** A public key stored alongside (raw Ed25519 key or SEC1 point), to be checked by the caller. */
  readonly publicKey?: Uint8Array;
}

export function decodePkcs8(suite: SuiteId, der: Uint8Array): DecodedPkcs8 {
  const [version, algorithm, privateKey, ...rest] = readChildren(readSingle(der, TAG.SEQUENCE));
  const v = readSmallInteger(expectTag(version, TAG.INTEGER, 'version'), 'version');
  if (v !== 0 && v !== 1) throw new DerError(`PKCS#8 version ${v} (expected 0 or 1)`);
  checkAlgorithm(expectTag(algorithm, TAG.SEQUENCE, 'privateKeyAlgorithm'), suite);
  const inner = expectTag(privateKey, TAG.OCTET_STRING, 'privateKey');
  // OneAsymmetricKey (RFC 5958): v1 may append [1] publicKey; attributes ([0]) are refused.
  let outerPublicKey: Uint8Array | undefined;
  if (rest.length > 0) {
    const [field, ...more] = rest;
    if (v !== 1 || field!.tag !== TAG.CONTEXT_1_PRIMITIVE || more.length > 0) {
      throw new DerError('unexpected fields after privateKey (attributes are not accepted)');
    }
    outerPublicKey = readBitString(field!.value, 'publicKey');
  }
  const decoded =
    suite === 'ed25519' ? decodeEd25519Private(inner) : decodeEcPrivateKey(suite, inner);
  if (outerPublicKey && decoded.publicKey) throw new DerError('two public keys');
  const publicKey = outerPublicKey ?? decoded.publicKey;
  return publicKey ? { secretKey: decoded.secretKey, publicKey } : { secretKey: decoded.secretKey };
}

function decodeEd25519Private(inner: Uint8Array): DecodedPkcs8 {
  const seed = readSingle(inner, TAG.OCTET_STRING);
  if (seed.length !== 32)
    throw new DerError(`Ed25519 private key of ${seed.length} bytes, expected 32`);
  return { secretKey: seed };
}

/** ECPrivateKey (RFC 5915 §3). */
function decodeEcPrivateKey(suite: SuiteId, inner: Uint8Array): DecodedPkcs8 {
  const fields = readChildren(readSingle(inner, TAG.SEQUENCE));
  const [version, privateKey] = fields;
  if (readSmallInteger(expectTag(version, TAG.INTEGER, 'ECPrivateKey.version'), 'version') !== 1) {
    throw new DerError('ECPrivateKey version must be 1');
  }
  const d = expectTag(privateKey, TAG.OCTET_STRING, 'ECPrivateKey.privateKey');
  if (d.length !== 32) throw new DerError(`EC private key of ${d.length} bytes, expected 32`);
  let publicKey: Uint8Array | undefined;
  let index = 2;
  const parameters = fields[index];
  if (parameters?.tag === TAG.CONTEXT_0_CONSTRUCTED) {
    const curve = readSingle(parameters.value, TAG.OID);
    if (!equalBytes(curve, suite === 'p256' ? OID.prime256v1 : OID.sm2)) {
      throw new WrongKeyTypeError(`EC ${oidName(curve)}`, SUITE_NAME[suite]);
    }
    index++;
  }
  const point = fields[index];
  if (point?.tag === TAG.CONTEXT_1_CONSTRUCTED) {
    publicKey = readBitString(readSingle(point.value, TAG.BIT_STRING), 'ECPrivateKey.publicKey');
    index++;
  }
  if (index !== fields.length) throw new DerError('unexpected fields in ECPrivateKey');
  return publicKey ? { secretKey: d, publicKey } : { secretKey: d };
}
