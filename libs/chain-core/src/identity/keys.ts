/**
 * Certificate keys through WebCrypto: ECDSA P-256 (signatures ecdsa-with-SHA256, RFC 5758) and
 * Ed25519 (RFC 8410). SM2 is absent on purpose: WebCrypto has no SM2, so neither
 * @peculiar/x509 nor a browser can issue or check SM2 certificates (docs/spec/identity.md §7).
 */
import { IdentityError, invalidArgument } from './identity-error';
import { OID } from './oid';
import type { CertificateKeyAlgorithm } from './profile-rules';
import {
  type asnX509,
  sameBytes,
  webCrypto,
  x509,
  type Algorithm,
  type CryptoKey,
  type CryptoKeyPair,
  type EcdsaParams,
  type EcKeyImportParams,
} from './x509-runtime';

const KEY_PARAMS: Record<CertificateKeyAlgorithm, EcKeyImportParams | Algorithm> = {
  'ecdsa-p256': { name: 'ECDSA', namedCurve: 'P-256' } as EcKeyImportParams,
  ed25519: { name: 'Ed25519' },
};

/** The WebCrypto parameters of a signature made by a key of `algorithm`. */
export const SIGN_PARAMS: Record<CertificateKeyAlgorithm, EcdsaParams | Algorithm> = {
  'ecdsa-p256': { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
  ed25519: { name: 'Ed25519' },
};

/** The X.509 signatureAlgorithm OID of a signature made by a key of `algorithm`. */
export const SIGNATURE_OID: Record<CertificateKeyAlgorithm, string> = {
  'ecdsa-p256': OID.ecdsaWithSha256,
  ed25519: OID.ed25519,
};

/** DER of the ECParameters `namedCurve prime256v1` (RFC 5480 §2.1.1.1): OID 1.2.840.10045.3.1.7. */
const PRIME256V1_PARAMETERS = new Uint8Array([
  0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
]);

/**
 * The profile's name for an SPKI algorithm, or undefined when it is not one the profile allows:
 * id-ecPublicKey with exactly the namedCurve prime256v1, or id-Ed25519 with absent parameters.
 */
export function spkiKeyAlgorithm(
  algorithm: asnX509.AlgorithmIdentifier,
): CertificateKeyAlgorithm | undefined {
  if (algorithm.algorithm === OID.idEcPublicKey) {
    const parameters = algorithm.parameters;
    return parameters != null && sameBytes(parameters, PRIME256V1_PARAMETERS)
      ? 'ecdsa-p256'
      : undefined;
  }
  // RFC 8410 §3: the parameters MUST be absent (asn1-schema: undefined; an explicit NULL is null).
  if (algorithm.algorithm === OID.ed25519 && algorithm.parameters === undefined) return 'ed25519';
  return undefined;
}

export function describeAlgorithm(algorithm: asnX509.AlgorithmIdentifier): string {
  return algorithm.parameters === undefined
    ? algorithm.algorithm
    : `${algorithm.algorithm} with parameters`;
}

export async function generateKeyPair(algorithm: CertificateKeyAlgorithm): Promise<CryptoKeyPair> {
  return (await webCrypto().subtle.generateKey(KEY_PARAMS[algorithm], true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

export async function exportPkcs8Pem(key: CryptoKey): Promise<string> {
  const der = await webCrypto().subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

export async function exportSpkiDer(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await webCrypto().subtle.exportKey('spki', key));
}

/** Imports an SPKI public key for signature verification; fails as `malformed`. */
export async function importVerifyKey(
  spki: Uint8Array,
  algorithm: CertificateKeyAlgorithm,
  field: string,
): Promise<CryptoKey> {
  try {
    return await webCrypto().subtle.importKey('spki', spki, KEY_PARAMS[algorithm], true, [
      'verify',
    ]);
  } catch (_error) {
    throw new IdentityError(
      { code: 'malformed', field },
      `${field}: the ${algorithm} public key does not import (not a valid curve point?)`,
    );
  }
}

/** Decodes exactly one PEM block with `label` (RFC 7468), or throws invalid-argument. */
export function decodeSinglePem(text: unknown, label: string, field: string): Uint8Array {
  if (typeof text !== 'string') throw invalidArgument(field, `expected a ${label} PEM string`);
  if (text.length > 64 * 1024)
    throw invalidArgument(field, `PEM text of ${text.length} characters`);
  let blocks: { type: string; rawData: ArrayBuffer }[];
  try {
    blocks = x509.PemConverter.decodeWithHeaders(text);
  } catch (_error) {
    throw invalidArgument(field, `not a ${label} PEM block`);
  }
  if (blocks.length !== 1 || blocks[0]?.type !== label) {
    throw invalidArgument(field, `expected exactly one "${label}" PEM block`);
  }
  return new Uint8Array(blocks[0].rawData);
}

/**
 * Imports a PKCS#8 private key for `algorithm` and checks that it is the private half of
 * `publicKey` (by comparing the public coordinates WebCrypto derives from it), so that a tool
 * never signs a certificate that would not verify under the CA certificate.
 */
export async function importSigningKey(
  pem: unknown,
  algorithm: CertificateKeyAlgorithm,
  publicKey: CryptoKey,
  field: string,
): Promise<CryptoKey> {
  const der = decodeSinglePem(pem, 'PRIVATE KEY', field);
  const subtle = webCrypto().subtle;
  let key: CryptoKey;
  try {
    key = await subtle.importKey('pkcs8', der, KEY_PARAMS[algorithm], true, ['sign']);
  } catch (_error) {
    throw invalidArgument(field, `not a PKCS#8 ${algorithm} private key`);
  }
  const mine = await subtle.exportKey('jwk', key);
  const theirs = await subtle.exportKey('jwk', publicKey);
  if (mine.x !== theirs.x || mine.y !== theirs.y) {
    throw invalidArgument(field, 'this private key does not belong to the CA certificate');
  }
  return key;
}
