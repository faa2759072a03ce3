/**
 * Assembling and signing a certificate from asn1-x509 structures.
 *
 * @peculiar/x509's `X509CertificateGenerator` would do, except that it parses the extension list
 * back before encoding it, and asn1js cannot re-encode a parsed OID with an arc wider than
 * 56 bits (see oid.ts): our 2.25.<uuid> extension would come out as `2.25`. So the TBSCertificate
 * is built here from the same asn1-x509 classes, with extension ids always given as dotted
 * decimal, and signed with WebCrypto.
 */
import { SIGN_PARAMS, SIGNATURE_OID } from './keys';
import { OID } from './oid';
import type { CertificateKeyAlgorithm } from './profile-rules';
import {
  AsnConvert,
  OctetString,
  asnX509,
  webCrypto,
  x509,
  type Algorithm,
  type CryptoKey,
} from './x509-runtime';

export interface ExtensionSpec {
  readonly id: string;
  readonly critical: boolean;
  /** DER of the extension value (the content of extnValue). */
  readonly value: Uint8Array | ArrayBuffer;
}

export interface CertificateSpec {
  /** 16 random octets (made positive here). */
  readonly serial: Uint8Array;
  readonly issuer: asnX509.Name;
  readonly subject: asnX509.Name;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: Uint8Array;
  readonly extensions: readonly ExtensionSpec[];
  readonly signingKey: CryptoKey;
  readonly signingAlgorithm: CertificateKeyAlgorithm;
}

/** Builds, signs and DER-encodes a certificate. */
export async function buildCertificate(spec: CertificateSpec): Promise<Uint8Array> {
  const signatureAlgorithm = new asnX509.AlgorithmIdentifier({
    algorithm: SIGNATURE_OID[spec.signingAlgorithm],
  });
  const tbsCertificate = new asnX509.TBSCertificate({
    version: asnX509.Version.v3,
    serialNumber: positiveInteger(spec.serial),
    signature: signatureAlgorithm,
    issuer: spec.issuer,
    // asn1-x509 picks UTCTime before 2050 and GeneralizedTime from 2050 (RFC 5280 §4.1.2.5).
    validity: new asnX509.Validity({ notBefore: spec.notBefore, notAfter: spec.notAfter }),
    subject: spec.subject,
    subjectPublicKeyInfo: AsnConvert.parse(spec.spki, asnX509.SubjectPublicKeyInfo),
    extensions: new asnX509.Extensions(
      spec.extensions.map(
        (extension) =>
          new asnX509.Extension({
            extnID: extension.id,
            critical: extension.critical,
            extnValue: new OctetString(extension.value),
          }),
      ),
    ),
  });
  const tbs = AsnConvert.serialize(tbsCertificate);
  const signature = await webCrypto().subtle.sign(
    SIGN_PARAMS[spec.signingAlgorithm],
    spec.signingKey,
    tbs,
  );
  const certificate = new asnX509.Certificate({
    tbsCertificate,
    signatureAlgorithm,
    signatureValue:
      spec.signingAlgorithm === 'ed25519'
        ? signature
        : (new x509.AsnEcSignatureFormatter().toAsnSignature(
            { name: 'ECDSA', namedCurve: 'P-256' } as Algorithm,
            signature,
          ) as ArrayBuffer),
  });
  return new Uint8Array(AsnConvert.serialize(certificate));
}

/** `O=<orgId>, CN=<commonName>`, both UTF8String, in that order (docs/spec/identity.md §2). */
export function subjectName(orgId: string, commonName: string): asnX509.Name {
  const attribute = (type: string, value: string): asnX509.RelativeDistinguishedName =>
    new asnX509.RelativeDistinguishedName([
      new asnX509.AttributeTypeAndValue({
        type,
        value: new asnX509.AttributeValue({ utf8String: value }),
      }),
    ]);
  return new asnX509.Name([
    attribute(OID.organizationName, orgId),
    attribute(OID.commonName, commonName),
  ]);
}

/** 128 bits from the CSPRNG (CA/Browser Forum BR §7.1 asks ≥ 64); never all zero. */
export function randomSerial(): Uint8Array {
  const serial = new Uint8Array(16);
  do webCrypto().getRandomValues(serial);
  while (serial.every((byte) => byte === 0));
  return serial;
}

/** DER INTEGER content of an unsigned big-endian magnitude: no leading zeros, 0x00 if the top bit is set. */
function positiveInteger(magnitude: Uint8Array): ArrayBuffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const out = new Uint8Array(trimmed.length + ((trimmed[0] ?? 0) >= 0x80 ? 1 : 0));
  out.set(trimmed, out.length - trimmed.length);
  return out.buffer;
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING, as openssl's `hash`. */
export async function subjectKeyId(spki: Uint8Array): Promise<string> {
  const extension = await x509.SubjectKeyIdentifierExtension.create(spki, false, webCrypto());
  return extension.keyId;
}

/** An @peculiar/x509 extension object as the builder's plain spec. */
export function extensionSpec(ext: x509.Extension): ExtensionSpec {
  return { id: ext.type, critical: ext.critical, value: ext.value };
}
