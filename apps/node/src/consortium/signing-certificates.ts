/**
 * An organisation's two document-signing certificates, issued by its CA at `init`:
 *
 * - `tsa.pem`: its RFC 3161 time-stamping unit. RFC 3161 §2.3 requires the extended key usage
 *   to be id-kp-timeStamping alone and critical (`openssl ts -verify` checks exactly that).
 * - `documents.pem`: signs the PDF certificates the services produce. P-256, not Ed25519: the
 *   PDF verifiers in use (poppler/NSS) cannot check Ed25519 signatures.
 *
 * Neither is a chain member certificate (no member-attributes extension, not listed in
 * genesis): they sign documents handed to people outside the chain, never transactions. Both
 * have keyUsage digitalSignature + nonRepudiation (critical): what they sign is evidence.
 */
import 'reflect-metadata';
import type { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { normalisePem } from './pem';

/** RFC 5280 §4.2.1.12 id-kp-timeStamping. */
export const ID_KP_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

/** The signing certificates `init` issues per organisation: file stem and subject CN suffix. */
export const SIGNING_CERTIFICATES = Object.freeze(['tsa', 'documents'] as const);
export type SigningCertificateKind = (typeof SIGNING_CERTIFICATES)[number];

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/**
 * `<org>-tsa` or `<org>-documents`, subject `O=<orgId>, CN=<orgId>-<kind>` (UTF8String, as the
 * member certificates spell it), with a fresh P-256 key. Returns strict PEM.
 */
export async function issueSigningCertificate(
  ca: { readonly certificate: string; readonly privateKey: string },
  orgId: string,
  kind: SigningCertificateKind,
  validity: { readonly notBefore: Date; readonly notAfter: Date },
): Promise<{ certificate: string; privateKey: string }> {
  const crypto = webCrypto();
  const caCertificate = new x509.X509Certificate(ca.certificate);
  const caKey = await crypto.subtle.importKey(
    'pkcs8',
    x509.PemConverter.decodeFirst(ca.privateKey),
    EC_P256,
    false,
    ['sign'],
  );
  const keys = (await crypto.subtle.generateKey(EC_P256, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  // No extended key usage on the documents certificate: NSS (poppler's pdfsig) checks a PDF
  // signer as an e-mail signer, which an EKU without emailProtection would fail.
  const usages =
    kind === 'tsa' ? [new x509.ExtendedKeyUsageExtension([ID_KP_TIME_STAMPING], true)] : [];
  const caKeyId = caCertificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerialHex(crypto),
      // The issuer is the CA's subject as its certificate encodes it, byte for byte.
      issuer: caCertificate.subjectName,
      subject: new x509.Name([
        { '2.5.4.10': [{ utf8String: orgId }] },
        { '2.5.4.3': [{ utf8String: `${orgId}-${kind}` }] },
      ]),
      notBefore: validity.notBefore,
      notAfter: validity.notAfter,
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm: ECDSA_SHA256,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
          true,
        ),
        ...usages,
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        caKeyId === undefined
          ? await x509.AuthorityKeyIdentifierExtension.create(caCertificate, false, crypto)
          : new x509.AuthorityKeyIdentifierExtension(caKeyId),
      ],
    },
    crypto,
  );
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    certificate: normalisePem(certificate.toString('pem')),
    privateKey: normalisePem(x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')),
  };
}

/** 128 random bits, first octet below 0x80 and non-zero so the INTEGER stays 16 octets, positive. */
function randomSerialHex(crypto: webcrypto.Crypto): string {
  const serial = crypto.getRandomValues(new Uint8Array(16));
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  return Buffer.from(serial).toString('hex');
}

function webCrypto(): webcrypto.Crypto {
  return globalThis.crypto as webcrypto.Crypto;
}
