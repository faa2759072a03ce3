import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { DocumentError } from './document-error';

/** The key that signs a PDF: an organisation's P-256 document-signing key (`orgs/<org>/documents.*`). */
export interface PdfSigner {
  /** P-256 (ECDSA) X.509 certificate, PEM. */
  certificatePem: string;
  /** Its PKCS#8 PEM private key (unencrypted). */
  privateKeyPem: string;
  /** Issuing CA certificate(s), PEM, embedded in the CMS so verifiers can build the chain. */
  chainPem?: string;
  /** Printable ASCII, at most 200 characters; default 'Trellis evidence certificate'. */
  reason?: string;
  /** Printable ASCII, at most 200 characters; default none. */
  location?: string;
}

/** A signer after validation: parsed certificates, the key, and the names to print. */
export interface CheckedSigner {
  leafDer: Uint8Array;
  leaf: pkijs.Certificate;
  chain: pkijs.Certificate[];
  privateKey: KeyObject;
  commonName: string;
  organisation: string | null;
  reason: string;
  location: string;
}

export const DEFAULT_REASON = 'Trellis document';
const P256 = 'prime256v1';
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\s]*?)-----END \1-----/g;
const OID_KEY_USAGE = '2.5.29.15';
const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANISATION = '2.5.4.10';

function bad(field: string, message: string, cause?: unknown): DocumentError {
  return new DocumentError('invalid-signer', `${field}: ${message}`, field, { cause });
}

/** The DER bodies of the PEM blocks labelled `label`; refuses text outside the blocks. */
function pemBlocks(pem: unknown, label: string, field: string): Uint8Array[] {
  if (typeof pem !== 'string' || pem.length > 256 * 1024) {
    throw bad(field, `must be a PEM string (at most 256 KiB)`);
  }
  const blocks: Uint8Array[] = [];
  let rest = pem;
  for (const match of pem.matchAll(PEM_BLOCK)) {
    if (match[1] !== label) throw bad(field, `holds a ${match[1] ?? '?'} block, expected ${label}`);
    blocks.push(new Uint8Array(Buffer.from(match[2] ?? '', 'base64')));
    rest = rest.replace(match[0], '');
  }
  if (rest.trim() !== '') throw bad(field, 'holds text that is not a PEM block');
  if (blocks.length === 0) throw bad(field, `holds no ${label} block`);
  return blocks;
}

function parseCertificate(
  der: Uint8Array,
  field: string,
): { node: X509Certificate; pki: pkijs.Certificate } {
  try {
    const node = new X509Certificate(der);
    const pki = pkijs.Certificate.fromBER(der);
    return { node, pki };
  } catch (err) {
    throw bad(field, 'is not a valid X.509 certificate', err);
  }
}

function attribute(name: pkijs.RelativeDistinguishedNames, oid: string): string | null {
  const found = name.typesAndValues.find((tv) => tv.type === oid);
  if (!found) return null;
  const value: unknown = found.value.valueBlock.value;
  return typeof value === 'string' ? value : null;
}

/** keyUsage (RFC 5280 §4.2.1.3), when present, must allow digitalSignature or nonRepudiation. */
function allowsSigning(cert: pkijs.Certificate): boolean {
  const ext = cert.extensions?.find((e) => e.extnID === OID_KEY_USAGE);
  if (!ext) return true;
  const parsed = asn1js.fromBER(ext.extnValue.getValue());
  if (!(parsed.result instanceof asn1js.BitString)) return false;
  const bits = new Uint8Array(parsed.result.valueBlock.valueHexView);
  const first = bits[0] ?? 0;
  return (first & 0x80) !== 0 || (first & 0x40) !== 0;
}

function asciiOption(value: unknown, field: string, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  // @signpdf/placeholder-plain writes these through a UTF-8 Buffer, which would corrupt the
  // UTF-16 string it makes for non-ASCII text: keep them to printable ASCII.
  if (typeof value !== 'string' || value.length > 200 || !/^[\x20-\x7e]*$/.test(value)) {
    throw bad(field, 'must be printable ASCII, at most 200 characters');
  }
  return value;
}

/**
 * Checks the signer (throws `DocumentError('invalid-signer')` naming the field): one P-256
 * certificate valid at `at`, allowed to sign, whose public key matches the PKCS#8 private key,
 * and, when a chain is given, a chain that holds the certificate's issuer.
 */
export function checkPdfSigner(
  input: unknown,
  at: Date,
  defaultReason = DEFAULT_REASON,
): CheckedSigner {
  if (typeof input !== 'object' || input === null) {
    throw new DocumentError('invalid-signer', 'signer must be an object');
  }
  const s = input as Record<keyof PdfSigner, unknown>;
  const certBlocks = pemBlocks(s.certificatePem, 'CERTIFICATE', 'certificatePem');
  if (certBlocks.length !== 1) throw bad('certificatePem', 'must hold exactly one certificate');
  const leafDer = certBlocks[0] as Uint8Array;
  const leaf = parseCertificate(leafDer, 'certificatePem');
  const publicKey = leaf.node.publicKey;
  if (publicKey.asymmetricKeyType !== 'ec' || publicKey.asymmetricKeyDetails?.namedCurve !== P256) {
    throw bad('certificatePem', 'must certify a P-256 (ECDSA) key');
  }
  const from = new Date(leaf.node.validFrom);
  const to = new Date(leaf.node.validTo);
  if (at < from || at > to) {
    throw bad(
      'certificatePem',
      `is not valid at ${at.toISOString()} (valid ${from.toISOString()} to ${to.toISOString()})`,
    );
  }
  if (!allowsSigning(leaf.pki)) {
    throw bad('certificatePem', 'keyUsage allows neither digitalSignature nor nonRepudiation');
  }

  const keyBlocks = pemBlocks(s.privateKeyPem, 'PRIVATE KEY', 'privateKeyPem');
  if (keyBlocks.length !== 1) throw bad('privateKeyPem', 'must hold exactly one PKCS#8 key');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({
      key: Buffer.from(keyBlocks[0] as Uint8Array),
      format: 'der',
      type: 'pkcs8',
    });
  } catch (err) {
    throw bad('privateKeyPem', 'is not a valid PKCS#8 private key', err);
  }
  if (
    privateKey.asymmetricKeyType !== 'ec' ||
    privateKey.asymmetricKeyDetails?.namedCurve !== P256
  ) {
    throw bad('privateKeyPem', 'must be a P-256 (ECDSA) key');
  }
  if (!leaf.node.checkPrivateKey(privateKey)) {
    throw bad('privateKeyPem', 'does not match the certificate');
  }

  const chain: pkijs.Certificate[] = [];
  if (s.chainPem !== undefined && s.chainPem !== null) {
    const parsed = pemBlocks(s.chainPem, 'CERTIFICATE', 'chainPem').map((der) =>
      parseCertificate(der, 'chainPem'),
    );
    const issuer = parsed.find(
      (ca) => leaf.node.checkIssued(ca.node) && leaf.node.verify(ca.node.publicKey),
    );
    if (!issuer) throw bad('chainPem', "does not hold the certificate's issuer");
    chain.push(...parsed.map((c) => c.pki));
  }

  return {
    leafDer,
    leaf: leaf.pki,
    chain,
    privateKey,
    commonName: attribute(leaf.pki.subject, OID_COMMON_NAME) ?? leaf.node.subject,
    organisation: attribute(leaf.pki.subject, OID_ORGANISATION),
    reason: asciiOption(s.reason, 'reason', defaultReason),
    location: asciiOption(s.location, 'location', ''),
  };
}
