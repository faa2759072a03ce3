/**
 * Object identifiers of RFC 3161 tokens, and the Trellis time-stamping arc (docs/spec/tsa.md).
 *
 * PLACEHOLDER ARC: 1.3.6.1.4.1.32473 is IANA's enterprise number reserved for documentation
 * (RFC 5612). Trellis has no registered number yet; a production deployment must move the
 * policy and the anchor extension under its own enterprise arc. (Trellis's UUID arc 2.25.… of
 * the certificate profile is not used here: asn1js, under pkijs, cannot print a parsed arc that
 * wide, so a verifier built on it could not read the policy back.)
 */
export const TRELLIS_TSA_ARC = '1.3.6.1.4.1.32473.7';
/** The default TSA policy: a time-stamp whose time is the time of a committed Trellis block. */
export const TRELLIS_TSA_POLICY_OID = `${TRELLIS_TSA_ARC}.1`;
/** TSTInfo extension naming the block that anchors the token (non-critical). */
export const TRELLIS_ANCHOR_EXTENSION_OID = `${TRELLIS_TSA_ARC}.2`;

export const OID = {
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha1: '1.3.14.3.2.26',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  extKeyUsage: '2.5.29.37',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  commonName: '2.5.4.3',
} as const;

export type TsaHashAlgorithm = 'sha256' | 'sha384' | 'sha512' | 'sm3';

/** Message-imprint algorithms a request may use: OID, node:crypto name, digest length. */
export const IMPRINT_ALGORITHMS: Readonly<
  Record<TsaHashAlgorithm, { readonly oid: string; readonly length: number }>
> = Object.freeze({
  sha256: { oid: '2.16.840.1.101.3.4.2.1', length: 32 },
  sha384: { oid: '2.16.840.1.101.3.4.2.2', length: 48 },
  sha512: { oid: '2.16.840.1.101.3.4.2.3', length: 64 },
  // GB/T 32905 SM3 (GM/T 0006 OID); OpenSSL, hence node:crypto, implements it.
  sm3: { oid: '1.2.156.10197.1.401', length: 32 },
});

export function imprintAlgorithmOf(oid: string): TsaHashAlgorithm | undefined {
  return (Object.keys(IMPRINT_ALGORITHMS) as TsaHashAlgorithm[]).find(
    (name) => IMPRINT_ALGORITHMS[name].oid === oid,
  );
}

/** Digest algorithms a CMS signature or an ESS certificate hash may use (SHA-1: ESS v1 only). */
export const DIGEST_BY_OID: Readonly<Record<string, string>> = Object.freeze({
  [OID.sha1]: 'sha1',
  [IMPRINT_ALGORITHMS.sha256.oid]: 'sha256',
  [IMPRINT_ALGORITHMS.sha384.oid]: 'sha384',
  [IMPRINT_ALGORITHMS.sha512.oid]: 'sha512',
});
