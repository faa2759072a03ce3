/**
 * What a signer needs from its member certificate without the consortium's organisations at
 * hand: the SHA-256 of the tbsCertificate (the `signer.cert` of a transaction, identity's
 * `Member.tbsHash`), the issuing organisation and the certificate's public key. Whether the
 * certificate is a member's is for the chain to judge at admission (`not-a-member`); with the
 * organisations, {@link memberKey} checks it locally.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { X509Certificate, createHash } from 'node:crypto';

export interface CertificateFacts {
  /** SHA-256 of the DER tbsCertificate exactly as signed. */
  readonly tbsHash: Uint8Array;
  /** The issuer's `O` (the organisation id of a member certificate), if it has exactly one. */
  readonly issuerOrg: string | undefined;
  /** SubjectPublicKeyInfo, DER. */
  readonly publicKeySpki: Uint8Array;
  readonly notAfter: Date;
}

/** Largest certificate PEM accepted (identity's limit is 16 KiB of DER). */
const MAX_PEM_CHARS = 24 * 1024;

/**
 * Parses one PEM certificate. Throws a plain Error with a short reason (the caller names the
 * field); the reason never quotes the input.
 */
export function certificateFacts(pem: string): CertificateFacts {
  if (pem.length > MAX_PEM_CHARS) throw new Error(`longer than ${MAX_PEM_CHARS} characters`);
  if ((pem.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length !== 1) {
    throw new Error('expected exactly one PEM block labelled CERTIFICATE');
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch (error) {
    throw new Error('not a readable X.509 certificate', { cause: error });
  }
  const der = new Uint8Array(certificate.raw);
  const parsed = AsnConvert.parse(der, Certificate);
  if (parsed.tbsCertificateRaw === undefined) throw new Error('tbsCertificate bytes unavailable');
  const issuerOrgs = certificate.issuer
    .split('\n')
    .filter((line) => line.startsWith('O='))
    .map((line) => line.slice(2));
  return {
    tbsHash: new Uint8Array(
      createHash('sha256').update(new Uint8Array(parsed.tbsCertificateRaw)).digest(),
    ),
    issuerOrg: issuerOrgs.length === 1 ? issuerOrgs[0] : undefined,
    publicKeySpki: new Uint8Array(certificate.publicKey.export({ type: 'spki', format: 'der' })),
    notAfter: new Date(certificate.validTo),
  };
}

/** The DER bytes of a PEM certificate (already checked by {@link certificateFacts}). */
export function pemToDer(pem: string): Uint8Array {
  return new Uint8Array(new X509Certificate(pem).raw);
}
