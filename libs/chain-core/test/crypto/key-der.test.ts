/** The PKCS#8 and SPKI variants other encoders write (docs/spec/crypto.md §2), beyond OpenSSL's defaults. */
import { CryptoErrorCode, getSuite } from '../../src/crypto';
import { TAG, encodeBitString, encodeTlv } from '../../src/crypto/common/der';
import { bytes, expectCryptoError, hex } from './helpers';

const ed25519 = getSuite('ed25519');
const p256 = getSuite('p256');
const ED25519_ALGORITHM = encodeTlv(TAG.SEQUENCE, encodeTlv(TAG.OID, bytes('2b6570')));
const P256_CURVE = encodeTlv(TAG.OID, bytes('2a8648ce3d030107'));
const P256_ALGORITHM = encodeTlv(
  TAG.SEQUENCE,
  encodeTlv(TAG.OID, bytes('2a8648ce3d0201')),
  P256_CURVE,
);

const int = (value: number): Uint8Array => encodeTlv(TAG.INTEGER, Uint8Array.of(value));
const octets = (...parts: Uint8Array[]): Uint8Array => encodeTlv(TAG.OCTET_STRING, ...parts);

/** OneAsymmetricKey v1 (RFC 5958) with the public key in `[1] IMPLICIT BIT STRING`. */
function ed25519V1(seed: Uint8Array, publicKey: Uint8Array): Uint8Array {
  const publicField = encodeTlv(TAG.CONTEXT_1_PRIMITIVE, Uint8Array.of(0), publicKey);
  return encodeTlv(TAG.SEQUENCE, int(1), ED25519_ALGORITHM, octets(octets(seed)), publicField);
}

/** PKCS#8 around an ECPrivateKey with the optional fields chosen by the caller. */
function p256Pkcs8(d: Uint8Array, ...optional: Uint8Array[]): Uint8Array {
  const ecPrivateKey = encodeTlv(TAG.SEQUENCE, int(1), octets(d), ...optional);
  return encodeTlv(TAG.SEQUENCE, int(0), P256_ALGORITHM, octets(ecPrivateKey));
}

describe('PKCS#8 variants', () => {
  const { secretKey: seed, publicKey } = ed25519.generateKeyPair();
  const { secretKey: d, publicKey: ecPublicKey } = p256.generateKeyPair();
  const uncompressed = bytes(hex(p256.publicKeyToDer(ecPublicKey)).slice(-130));

  it('ed25519Version1WithItsPublicKey_isAccepted', () => {
    expect(ed25519.secretKeyFromDer(ed25519V1(seed, publicKey))).toEqual(seed);
  });

  it('ed25519Version1WithAnotherPublicKey_isKeyMismatch', () => {
    const other = ed25519.generateKeyPair().publicKey;
    expectCryptoError(
      () => ed25519.secretKeyFromDer(ed25519V1(seed, other)),
      CryptoErrorCode.KeyMismatch,
      'der',
    );
  });

  it('ecPrivateKeyWithCurveParameters_andWithoutPublicKey_isAccepted', () => {
    const params = encodeTlv(TAG.CONTEXT_0_CONSTRUCTED, P256_CURVE);
    const point = encodeTlv(TAG.CONTEXT_1_CONSTRUCTED, encodeBitString(uncompressed));
    expect(p256.secretKeyFromDer(p256Pkcs8(d, params, point))).toEqual(d);
    expect(p256.secretKeyFromDer(p256Pkcs8(d, params))).toEqual(d);
    expect(p256.secretKeyFromDer(p256Pkcs8(d))).toEqual(d);
  });

  it('ecPrivateKeyNamingAnotherCurve_isWrongKeyType', () => {
    const sm2Curve = encodeTlv(
      TAG.CONTEXT_0_CONSTRUCTED,
      encodeTlv(TAG.OID, bytes('2a811ccf5501822d')),
    );
    expectCryptoError(
      () => p256.secretKeyFromDer(p256Pkcs8(d, sm2Curve)),
      CryptoErrorCode.WrongKeyType,
      'der',
    );
  });

  it('ecPrivateKeyOf31Bytes_isInvalidEncoding', () => {
    expectCryptoError(
      () => p256.secretKeyFromDer(p256Pkcs8(d.subarray(1))),
      CryptoErrorCode.InvalidEncoding,
      'der',
    );
  });

  it('secretKeyOutOfRange_isInvalidSecretKey', () => {
    expectCryptoError(
      () => p256.secretKeyFromDer(p256Pkcs8(new Uint8Array(32))),
      CryptoErrorCode.InvalidSecretKey,
      'der (privateKey)',
    );
  });

  it('attributes_areRefused', () => {
    const attributes = encodeTlv(TAG.CONTEXT_0_CONSTRUCTED);
    const der = encodeTlv(
      TAG.SEQUENCE,
      int(0),
      ED25519_ALGORITHM,
      octets(octets(seed)),
      attributes,
    );
    expectCryptoError(() => ed25519.secretKeyFromDer(der), CryptoErrorCode.InvalidEncoding, 'der');
  });
});

describe('SPKI variants', () => {
  it('ed25519WithParameters_isWrongKeyType', () => {
    const { publicKey } = ed25519.generateKeyPair();
    const withNull = encodeTlv(TAG.SEQUENCE, encodeTlv(TAG.OID, bytes('2b6570')), bytes('0500'));
    const der = encodeTlv(TAG.SEQUENCE, withNull, encodeBitString(publicKey));
    expectCryptoError(() => ed25519.publicKeyFromDer(der), CryptoErrorCode.WrongKeyType, 'der');
  });

  it('nonMinimalLength_isInvalidEncoding', () => {
    const der = p256.publicKeyToDer(p256.generateKeyPair().publicKey);
    const longForm = Uint8Array.from([0x30, 0x81, der[1]!, ...der.subarray(2)]);
    expectCryptoError(
      () => p256.publicKeyFromDer(longForm),
      CryptoErrorCode.InvalidEncoding,
      'der',
    );
  });
});
