/**
 * The few fields of an X.509 certificate (RFC 5280 §4.1) that admission needs without a full
 * verification: the tbsCertificate exactly as signed (its SHA-256 is what `SignerRef.cert`
 * names), the SubjectPublicKeyInfo (the key transactions are signed with) and the validity
 * period. Structure only: whether the certificate is a member's is `verifyMember`'s question.
 *
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
 *   TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
 *                                 validity SEQUENCE { notBefore, notAfter }, subject,
 *                                 subjectPublicKeyInfo, ... }
 */
import { hash } from '../crypto';
import { MAX_CERTIFICATE_BYTES } from '../identity';

/** The bytes are not a DER certificate of the shape above. */
export class CertificateFormatError extends Error {
  override name = 'CertificateFormatError';
}

export interface CertificateFields {
  /** The tbsCertificate TLV, as signed. */
  readonly tbs: Uint8Array;
  /** SHA-256 of `tbs`: what `SignerRef.cert` holds. */
  readonly tbsHash: Uint8Array;
  /** SubjectPublicKeyInfo TLV, DER. */
  readonly spki: Uint8Array;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const VERSION = 0xa0;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;

interface Tlv {
  readonly tag: number;
  /** Offset of the tag byte. */
  readonly start: number;
  readonly contentStart: number;
  /** Offset just past the value. */
  readonly end: number;
}

/** One TLV with a one-byte tag and a definite length (X.690 §8.1), inside [offset, limit). */
function readTlv(der: Uint8Array, offset: number, limit: number): Tlv {
  if (offset + 2 > limit) throw new CertificateFormatError(`truncated at byte ${offset}`);
  const tag = der[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new CertificateFormatError(`multi-byte tag at byte ${offset}`);
  const first = der[offset + 1]!;
  let length = first;
  let contentStart = offset + 2;
  if (first === 0x80) throw new CertificateFormatError(`indefinite length at byte ${offset}`);
  if (first > 0x80) {
    const count = first & 0x7f;
    if (count > 3) throw new CertificateFormatError(`${count}-byte length at byte ${offset}`);
    if (contentStart + count > limit) {
      throw new CertificateFormatError(`truncated length at byte ${offset}`);
    }
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[contentStart + i]!;
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) {
    throw new CertificateFormatError(`value at byte ${offset} runs past its container`);
  }
  return { tag, start: offset, contentStart, end };
}

function expectTag(tlv: Tlv, tag: number, what: string): Tlv {
  if (tlv.tag !== tag) {
    throw new CertificateFormatError(
      `${what}: expected tag 0x${tag.toString(16)}, got 0x${tlv.tag.toString(16)} at byte ${tlv.start}`,
    );
  }
  return tlv;
}

const TIME = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

/** UTCTime (years 1950..2049) or GeneralizedTime, seconds precision, UTC (RFC 5280 §4.1.2.5). */
function readTime(der: Uint8Array, tlv: Tlv, what: string): number {
  if (tlv.tag !== UTC_TIME && tlv.tag !== GENERALIZED_TIME) {
    throw new CertificateFormatError(`${what}: not a UTCTime or GeneralizedTime`);
  }
  const text = String.fromCharCode(...der.subarray(tlv.contentStart, tlv.end));
  const match = TIME.exec(text);
  const expectedLength = tlv.tag === UTC_TIME ? 13 : 15;
  if (match === null || text.length !== expectedLength) {
    throw new CertificateFormatError(`${what}: ${JSON.stringify(text)} is not a time`);
  }
  const [, y, mo, d, h, mi, s] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const year = tlv.tag === UTC_TIME ? (y >= 50 ? 1900 + y : 2000 + y) : y;
  const ms = Date.UTC(year, mo - 1, d, h, mi, s);
  if (Number.isNaN(ms)) throw new CertificateFormatError(`${what}: ${text} is not a time`);
  return ms;
}

/** Reads the fields above from a DER certificate, or throws `CertificateFormatError`. */
export function readCertificateFields(der: Uint8Array): CertificateFields {
  if (der.length > MAX_CERTIFICATE_BYTES) {
    throw new CertificateFormatError(
      `${der.length} bytes, over the ${MAX_CERTIFICATE_BYTES}-byte limit for a certificate`,
    );
  }
  const certificate = expectTag(readTlv(der, 0, der.length), SEQUENCE, 'Certificate');
  if (certificate.end !== der.length) {
    throw new CertificateFormatError(`${der.length - certificate.end} bytes after the certificate`);
  }
  const tbs = expectTag(
    readTlv(der, certificate.contentStart, certificate.end),
    SEQUENCE,
    'tbsCertificate',
  );
  let field = readTlv(der, tbs.contentStart, tbs.end);
  if (field.tag === VERSION) field = readTlv(der, field.end, tbs.end);
  expectTag(field, INTEGER, 'serialNumber');
  const signature = expectTag(readTlv(der, field.end, tbs.end), SEQUENCE, 'signature');
  const issuer = expectTag(readTlv(der, signature.end, tbs.end), SEQUENCE, 'issuer');
  const validity = expectTag(readTlv(der, issuer.end, tbs.end), SEQUENCE, 'validity');
  const notBefore = readTlv(der, validity.contentStart, validity.end);
  const notAfter = readTlv(der, notBefore.end, validity.end);
  if (notAfter.end !== validity.end) throw new CertificateFormatError('validity: extra fields');
  const subject = expectTag(readTlv(der, validity.end, tbs.end), SEQUENCE, 'subject');
  const spki = expectTag(readTlv(der, subject.end, tbs.end), SEQUENCE, 'subjectPublicKeyInfo');
  const tbsBytes = der.slice(tbs.start, tbs.end);
  return {
    tbs: tbsBytes,
    tbsHash: hash('sha256', tbsBytes),
    spki: der.slice(spki.start, spki.end),
    notBeforeMs: readTime(der, notBefore, 'validity.notBefore'),
    notAfterMs: readTime(der, notAfter, 'validity.notAfter'),
  };
}

/** The DER inside a single `-----BEGIN CERTIFICATE-----` block (as `Organisation` keeps its CA). */
export function certificatePemToDer(pem: string): Uint8Array {
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  if (match === null) throw new CertificateFormatError('not a PEM certificate');
  return Uint8Array.from(Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64'));
}
