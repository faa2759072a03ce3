/**
 * What the TSA code needs of an X.509 certificate: its raw issuer, subject and serial (to name it
 * in ESS and CMS exactly as it encodes them), validity, and the extensions that make it a
 * time-stamping certificate (RFC 3161 §2.3).
 */
import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { decodeDer, der as encodeDer, octets, RESPONSE_LIMITS } from './der';
import { OID } from './oids';

export interface CertificateInfo {
  readonly der: Uint8Array;
  readonly x509: X509Certificate;
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  /** The serialNumber INTEGER element, DER. */
  readonly serial: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly isCa: boolean;
  /** KeyUsage bits (bit 0 = digitalSignature), or undefined when the extension is absent. */
  readonly keyUsage?: ReadonlySet<number>;
  readonly extKeyUsage?: { readonly critical: boolean; readonly purposes: readonly string[] };
  readonly subjectKeyId?: Uint8Array;
  /** subjectAltName GeneralNames, each as DER. */
  readonly altNames: readonly Uint8Array[];
  /** Subject as `CN=…, O=…` in encoding order, and its common name if any. */
  readonly subjectText: string;
  readonly commonName?: string;
}

/** Parses a certificate, or says why it cannot. */
export function inspectCertificate(der: Uint8Array): CertificateInfo | string {
  const decoded = decodeDer(der, RESPONSE_LIMITS);
  if (!decoded.ok) return `certificate: ${decoded.reason}`;
  let certificate: pkijs.Certificate;
  let x509: X509Certificate;
  try {
    certificate = new pkijs.Certificate({ schema: decoded.value });
    x509 = new X509Certificate(der);
  } catch (_error) {
    return 'not an X.509 certificate';
  }
  const tbs = (decoded.value as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
  const fields = tbs.valueBlock.value;
  // tbsCertificate: [0] version (explicit, present for v3), serial, signature, issuer, validity, subject.
  const at = fields[0]!.idBlock.tagClass === 3 ? 1 : 0;
  const raw = (i: number) => new Uint8Array(fields[at + i]!.valueBeforeDecodeView);
  let keyUsage: Set<number> | undefined;
  let extKeyUsage: CertificateInfo['extKeyUsage'];
  let subjectKeyId: Uint8Array | undefined;
  let isCa = false;
  const altNames: Uint8Array[] = [];
  for (const extension of certificate.extensions ?? []) {
    const value = extension.parsedValue as unknown;
    switch (extension.extnID) {
      case OID.keyUsage:
        if (value instanceof asn1js.BitString) keyUsage = bitsOf(value);
        break;
      case OID.extKeyUsage:
        if (value instanceof pkijs.ExtKeyUsage) {
          extKeyUsage = { critical: extension.critical, purposes: [...value.keyPurposes] };
        }
        break;
      case OID.basicConstraints:
        if (value instanceof pkijs.BasicConstraints) isCa = value.cA;
        break;
      case OID.subjectKeyIdentifier:
        if (value instanceof asn1js.OctetString) subjectKeyId = octets(value);
        break;
      case OID.subjectAltName:
        if (value instanceof pkijs.AltName) {
          for (const name of value.altNames)
            altNames.push(encodeDer(name.toSchema() as asn1js.BaseBlock));
        }
        break;
      default:
    }
  }
  const names = namesOf(certificate.subject);
  return {
    der,
    x509,
    serial: raw(0),
    issuer: raw(2),
    subject: raw(4),
    notBefore: certificate.notBefore.value,
    notAfter: certificate.notAfter.value,
    isCa,
    ...(keyUsage === undefined ? {} : { keyUsage }),
    ...(extKeyUsage === undefined ? {} : { extKeyUsage }),
    ...(subjectKeyId === undefined ? {} : { subjectKeyId }),
    altNames,
    subjectText: nameText(certificate.subject),
    ...firstCommonName(names),
  };
}

const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
};

function namesOf(name: pkijs.RelativeDistinguishedNames): { type: string; value: string }[] {
  return name.typesAndValues.map((tv) => ({
    type: tv.type,
    value: String((tv.value as { valueBlock?: { value?: unknown } }).valueBlock?.value ?? ''),
  }));
}

/** A distinguished name as `O=…, CN=…`, in encoding order. */
export function nameText(name: pkijs.RelativeDistinguishedNames): string {
  return namesOf(name)
    .map((n) => `${SHORT_NAMES[n.type] ?? n.type}=${n.value}`)
    .join(', ');
}

function firstCommonName(names: { type: string; value: string }[]): { commonName?: string } {
  const cn = names.find((n) => n.type === OID.commonName);
  return cn === undefined ? {} : { commonName: cn.value };
}

function bitsOf(bits: asn1js.BitString): Set<number> {
  const bytes = bits.valueBlock.valueHexView;
  const out = new Set<number>();
  for (let i = 0; i < bytes.length * 8; i++) {
    if ((bytes[i >> 3]! & (0x80 >> (i & 7))) !== 0) out.add(i);
  }
  return out;
}

/** KeyUsage bit numbers (RFC 5280 §4.2.1.3). */
export const KEY_USAGE = { digitalSignature: 0, nonRepudiation: 1, keyCertSign: 5 } as const;

/**
 * Why this certificate may not sign time-stamps, or undefined: RFC 3161 §2.3 requires the
 * extended key usage id-kp-timeStamping alone, critical; a keyUsage, if present, must allow
 * signing.
 */
export function timeStampingProblem(info: CertificateInfo): string | undefined {
  const eku = info.extKeyUsage;
  if (eku === undefined) return 'the TSA certificate has no extended key usage';
  if (!eku.critical) return 'the TSA certificate extended key usage is not critical';
  if (eku.purposes.length !== 1 || eku.purposes[0] !== OID.timeStamping) {
    return `the TSA certificate extended key usage is ${eku.purposes.join(', ')}, not id-kp-timeStamping alone`;
  }
  const usage = info.keyUsage;
  if (
    usage !== undefined &&
    !usage.has(KEY_USAGE.digitalSignature) &&
    !usage.has(KEY_USAGE.nonRepudiation)
  ) {
    return 'the TSA certificate key usage allows no signature';
  }
  return undefined;
}

/** Whether `at` is within the certificate's validity (both ends inclusive, RFC 5280 §4.1.2.5). */
export function validAt(info: CertificateInfo, at: Date): boolean {
  return info.notBefore.getTime() <= at.getTime() && at.getTime() <= info.notAfter.getTime();
}
