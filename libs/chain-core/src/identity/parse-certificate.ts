/**
 * Reading an untrusted certificate into a plain record, once, at the edge: every field the
 * profile looks at is extracted here inside one guarded region, so that any parser failure is a
 * typed `malformed` and the checks that follow work on plain data that cannot throw.
 *
 * This is structure only (RFC 5280 §4.1 plus the profile's algorithm and extension rules); what
 * a CA or a member must additionally carry is checked by organisation.ts and verify-member.ts.
 */
import { IdentityError, malformed } from './identity-error';
import { describeAlgorithm, spkiKeyAlgorithm } from './keys';
import { MEMBER_ATTRIBUTES_OID_AS_PARSED, OID } from './oid';
import type { CertificateKeyAlgorithm } from './profile-rules';
import {
  AsnConvert,
  MAX_CERTIFICATE_BYTES,
  UNTRUSTED_PARSE_OPTIONS,
  asnX509,
  toHex,
  x509,
  type Algorithm,
} from './x509-runtime';

export interface ParsedName {
  /** DER of the Name (as re-encoded by asn1-schema, identically for issuer and subject). */
  readonly der: Uint8Array;
  /** RFC 4514 text, for messages. */
  readonly text: string;
  /** Every `O` value, in order. */
  readonly organizations: readonly string[];
  /** Every `CN` value, in order. */
  readonly commonNames: readonly string[];
}

export interface ParsedCertificate {
  /** The certificate as presented, DER. */
  readonly der: Uint8Array;
  /** tbsCertificate exactly as signed. */
  readonly tbs: Uint8Array;
  /** Canonical serial: lower-case hex of the positive integer, no leading zero octet. */
  readonly serialHex: string;
  /** Key algorithm that must have made the signature (from signatureAlgorithm). */
  readonly signedWith: CertificateKeyAlgorithm;
  /** signatureValue in WebCrypto form (P1363 r‖s for ECDSA, raw for Ed25519), if convertible. */
  readonly signature: Uint8Array | undefined;
  readonly issuer: ParsedName;
  readonly subject: ParsedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SubjectPublicKeyInfo, DER. */
  readonly spki: Uint8Array;
  readonly keyAlgorithm: CertificateKeyAlgorithm;
  readonly basicConstraints: { readonly ca: boolean; readonly pathLength?: number } | undefined;
  /** KeyUsage bits as @peculiar/x509 `KeyUsageFlags`, undefined when the extension is absent. */
  readonly keyUsage: number | undefined;
  readonly extendedKeyUsage: readonly string[] | undefined;
  readonly subjectKeyId: string | undefined;
  readonly authorityKeyId: string | undefined;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  /** Raw value of the member-attributes extension, and whether it was marked critical. */
  readonly memberAttributes: { readonly value: Uint8Array; readonly critical: boolean } | undefined;
}

/** PEM text above this many characters cannot hold a certificate of MAX_CERTIFICATE_BYTES. */
const MAX_PEM_CHARS = Math.ceil((MAX_CERTIFICATE_BYTES * 4) / 3) + 1024;

/**
 * The DER bytes of a certificate given as PEM text (exactly one CERTIFICATE block) or as bytes.
 * Bytes are copied, so a caller mutating its buffer during an await cannot change what was
 * checked.
 */
export function certificateBytes(input: unknown, field: string): Uint8Array {
  let der: Uint8Array;
  if (typeof input === 'string') {
    if (input.length > MAX_PEM_CHARS) {
      throw malformed(
        field,
        `PEM text of ${input.length} characters exceeds the ${MAX_CERTIFICATE_BYTES}-byte certificate limit`,
      );
    }
    let blocks: { type: string; rawData: ArrayBuffer }[];
    try {
      blocks = x509.PemConverter.decodeWithHeaders(input);
    } catch (_error) {
      blocks = [];
    }
    if (blocks.length !== 1 || blocks[0]?.type !== 'CERTIFICATE') {
      throw malformed(field, 'expected exactly one PEM block labelled CERTIFICATE');
    }
    der = new Uint8Array(blocks[0].rawData);
  } else if (ArrayBuffer.isView(input) && !(input instanceof DataView)) {
    der = new Uint8Array(input.buffer.slice(input.byteOffset, input.byteOffset + input.byteLength));
  } else {
    throw new IdentityError(
      { code: 'invalid-argument', field },
      `${field}: expected PEM text or DER bytes (Uint8Array), got ${describeType(input)}`,
    );
  }
  if (der.length > MAX_CERTIFICATE_BYTES) {
    throw malformed(
      field,
      `certificate of ${der.length} bytes exceeds the limit of ${MAX_CERTIFICATE_BYTES}`,
    );
  }
  return der;
}

export function parseCertificate(der: Uint8Array, field: string): ParsedCertificate {
  checkOuterLength(der, field);
  let certificate: asnX509.Certificate;
  try {
    certificate = AsnConvert.parse(der, asnX509.Certificate, UNTRUSTED_PARSE_OPTIONS);
  } catch (error) {
    throw malformed(field, `not an X.509 certificate (${describeError(error)})`);
  }
  try {
    return readCertificate(certificate, der, field);
  } catch (error) {
    if (error instanceof IdentityError) throw error;
    throw malformed(field, `unreadable certificate content (${describeError(error)})`);
  }
}

function readCertificate(
  certificate: asnX509.Certificate,
  der: Uint8Array,
  field: string,
): ParsedCertificate {
  const tbs = certificate.tbsCertificate;
  if (tbs.version !== asnX509.Version.v3) {
    throw malformed(
      `${field}.version`,
      `X.509 version ${tbs.version + 1}, the profile requires v3`,
    );
  }
  if (certificate.tbsCertificateRaw === undefined) {
    throw malformed(`${field}.tbsCertificate`, 'tbsCertificate bytes are unavailable');
  }
  const signedWith = signatureKeyAlgorithm(certificate, field);
  const spkiAsn = tbs.subjectPublicKeyInfo;
  const keyAlgorithm = spkiKeyAlgorithm(spkiAsn.algorithm);
  if (keyAlgorithm === undefined) {
    throw new IdentityError(
      {
        code: 'unsupported-algorithm',
        field: `${field}.subjectPublicKeyInfo`,
        algorithm: describeAlgorithm(spkiAsn.algorithm),
      },
      `${field}: public key algorithm ${describeAlgorithm(spkiAsn.algorithm)} is not ECDSA P-256 (id-ecPublicKey, prime256v1) or Ed25519`,
    );
  }
  const notBefore = tbs.validity.notBefore.getTime();
  const notAfter = tbs.validity.notAfter.getTime();
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    throw malformed(`${field}.validity`, 'validity times are not valid dates');
  }
  return {
    der,
    tbs: new Uint8Array(certificate.tbsCertificateRaw),
    serialHex: readSerial(tbs.serialNumber, field),
    signedWith,
    signature: webSignature(signedWith, certificate.signatureValue),
    issuer: readName(tbs.issuer, `${field}.issuer`),
    subject: readName(tbs.subject, `${field}.subject`),
    notBefore,
    notAfter,
    spki: new Uint8Array(AsnConvert.serialize(spkiAsn)),
    keyAlgorithm,
    ...readExtensions(tbs.extensions ?? [], field),
  };
}

/**
 * RFC 5280 §4.1.2.2: a positive INTEGER of at most 20 octets. DER: no superfluous leading octet.
 * The canonical hex drops the 0x00 sign octet, so it equals what `openssl x509 -serial` prints
 * (lower-cased).
 */
function readSerial(content: ArrayBuffer, field: string): string {
  const bytes = new Uint8Array(content);
  const first = bytes[0];
  const second = bytes[1];
  if (first === undefined) throw malformed(`${field}.serialNumber`, 'empty serial number');
  if (first >= 0x80) throw malformed(`${field}.serialNumber`, 'negative serial number');
  if (first === 0 && second !== undefined && second < 0x80) {
    throw malformed(`${field}.serialNumber`, 'serial number is not minimally encoded (not DER)');
  }
  if (bytes.length > 20) {
    throw malformed(`${field}.serialNumber`, `serial number of ${bytes.length} octets, at most 20`);
  }
  const magnitude = first === 0 && bytes.length > 1 ? bytes.subarray(1) : bytes;
  if (magnitude.every((byte) => byte === 0)) {
    throw malformed(`${field}.serialNumber`, 'serial number is zero');
  }
  return toHex(magnitude);
}

/** The key algorithm behind signatureAlgorithm, which must equal tbsCertificate.signature. */
function signatureKeyAlgorithm(
  certificate: asnX509.Certificate,
  field: string,
): CertificateKeyAlgorithm {
  const outer = certificate.signatureAlgorithm;
  const inner = certificate.tbsCertificate.signature;
  if (outer.algorithm !== inner.algorithm || !sameParameters(outer, inner)) {
    throw malformed(
      `${field}.signatureAlgorithm`,
      `signatureAlgorithm ${describeAlgorithm(outer)} differs from tbsCertificate.signature ${describeAlgorithm(inner)} (RFC 5280 §4.1.1.2)`,
    );
  }
  // RFC 5758 §3.2 and RFC 8410 §3: both identifiers carry no parameters.
  if (outer.parameters === undefined && outer.algorithm === OID.ecdsaWithSha256)
    return 'ecdsa-p256';
  if (outer.parameters === undefined && outer.algorithm === OID.ed25519) return 'ed25519';
  throw new IdentityError(
    {
      code: 'unsupported-algorithm',
      field: `${field}.signatureAlgorithm`,
      algorithm: describeAlgorithm(outer),
    },
    `${field}: signature algorithm ${describeAlgorithm(outer)} is not ecdsa-with-SHA256 or Ed25519`,
  );
}

function sameParameters(a: asnX509.AlgorithmIdentifier, b: asnX509.AlgorithmIdentifier): boolean {
  if (a.parameters == null || b.parameters == null) return a.parameters === b.parameters;
  return toHex(a.parameters) === toHex(b.parameters);
}

const ecSignatureFormatter = new x509.AsnEcSignatureFormatter();

/** X.509 signatureValue → WebCrypto signature; undefined when it cannot be one (a bad signature). */
function webSignature(
  algorithm: CertificateKeyAlgorithm,
  value: ArrayBuffer,
): Uint8Array | undefined {
  if (algorithm === 'ed25519') return value.byteLength === 64 ? new Uint8Array(value) : undefined;
  try {
    const converted = ecSignatureFormatter.toWebSignature(
      { name: 'ECDSA', namedCurve: 'P-256' } as Algorithm,
      value,
    );
    return converted !== null && converted.byteLength === 64
      ? new Uint8Array(converted)
      : undefined;
  } catch (_error) {
    return undefined;
  }
}

function readName(name: asnX509.Name, field: string): ParsedName {
  const organizations: string[] = [];
  const commonNames: string[] = [];
  for (const rdn of name) {
    for (const attribute of rdn) {
      if (attribute.type === OID.organizationName)
        organizations.push(directoryString(attribute, field));
      if (attribute.type === OID.commonName) commonNames.push(directoryString(attribute, field));
    }
  }
  return {
    der: new Uint8Array(AsnConvert.serialize(name)),
    text: new x509.Name(name).toString(),
    organizations,
    commonNames,
  };
}

/** `O` and `CN` are UTF8String (what the tools and openssl's utf8only mask write) or PrintableString. */
function directoryString(attribute: asnX509.AttributeTypeAndValue, field: string): string {
  const value = attribute.value.utf8String ?? attribute.value.printableString;
  if (value === undefined) {
    throw malformed(
      field,
      `name attribute ${attribute.type} is neither UTF8String nor PrintableString`,
    );
  }
  return value;
}

type ExtensionFields = Pick<
  ParsedCertificate,
  | 'basicConstraints'
  | 'keyUsage'
  | 'extendedKeyUsage'
  | 'subjectKeyId'
  | 'authorityKeyId'
  | 'dnsNames'
  | 'ipAddresses'
  | 'memberAttributes'
>;

const EXTENSION_NAMES: Readonly<Record<string, string>> = {
  [OID.basicConstraints]: 'basicConstraints',
  [OID.keyUsage]: 'keyUsage',
  [OID.extKeyUsage]: 'extKeyUsage',
  [OID.subjectAltName]: 'subjectAltName',
  [OID.subjectKeyIdentifier]: 'subjectKeyIdentifier',
  [OID.authorityKeyIdentifier]: 'authorityKeyIdentifier',
  [MEMBER_ATTRIBUTES_OID_AS_PARSED]: 'memberAttributes',
};

/**
 * RFC 5280 §4.2: at most one instance of each extension, and a critical extension the verifier
 * does not understand makes the certificate invalid.
 */
function readExtensions(extensions: readonly asnX509.Extension[], field: string): ExtensionFields {
  const fields: { -readonly [K in keyof ExtensionFields]: ExtensionFields[K] } = {
    basicConstraints: undefined,
    keyUsage: undefined,
    extendedKeyUsage: undefined,
    subjectKeyId: undefined,
    authorityKeyId: undefined,
    dnsNames: [],
    ipAddresses: [],
    memberAttributes: undefined,
  };
  const seen = new Set<string>();
  for (const extension of extensions) {
    const id = extension.extnID;
    const name = EXTENSION_NAMES[id];
    const where = `${field}.extensions.${name ?? id}`;
    if (seen.has(id)) throw malformed(where, `extension ${name ?? id} appears more than once`);
    seen.add(id);
    const value = extension.extnValue.buffer;
    if (name === undefined) {
      if (extension.critical) throw malformed(where, `unsupported critical extension ${id}`);
      continue;
    }
    try {
      readExtension(name, value, extension.critical, fields);
    } catch (error) {
      if (error instanceof IdentityError) throw error;
      throw malformed(where, `extension ${name} does not decode (${describeError(error)})`);
    }
  }
  return fields;
}

function readExtension(
  name: string,
  value: ArrayBuffer,
  critical: boolean,
  fields: { -readonly [K in keyof ExtensionFields]: ExtensionFields[K] },
): void {
  switch (name) {
    case 'basicConstraints': {
      const bc = AsnConvert.parse(value, asnX509.BasicConstraints);
      fields.basicConstraints =
        bc.pathLenConstraint === undefined
          ? { ca: bc.cA }
          : { ca: bc.cA, pathLength: bc.pathLenConstraint };
      return;
    }
    case 'keyUsage':
      fields.keyUsage = AsnConvert.parse(value, asnX509.KeyUsage).toNumber();
      return;
    case 'extKeyUsage':
      fields.extendedKeyUsage = [...AsnConvert.parse(value, asnX509.ExtendedKeyUsage)];
      return;
    case 'subjectKeyIdentifier':
      fields.subjectKeyId = toHex(AsnConvert.parse(value, asnX509.SubjectKeyIdentifier).buffer);
      return;
    case 'authorityKeyIdentifier': {
      const keyId = AsnConvert.parse(value, asnX509.AuthorityKeyIdentifier).keyIdentifier;
      fields.authorityKeyId = keyId === undefined ? undefined : toHex(keyId.buffer);
      return;
    }
    case 'subjectAltName':
      for (const general of AsnConvert.parse(value, asnX509.SubjectAlternativeName)) {
        if (general.dNSName !== undefined) fields.dnsNames = [...fields.dnsNames, general.dNSName];
        if (general.iPAddress !== undefined) {
          fields.ipAddresses = [...fields.ipAddresses, general.iPAddress];
        }
      }
      return;
    case 'memberAttributes':
      fields.memberAttributes = { value: new Uint8Array(value), critical };
      return;
  }
}

/**
 * The one ASN.1 header read by hand: asn1js ignores bytes after the outer SEQUENCE, and a
 * certificate with trailing bytes has two fingerprints. Returns nothing; throws `malformed`
 * unless `der` is exactly one definite-length, minimally encoded SEQUENCE.
 */
function checkOuterLength(der: Uint8Array, field: string): void {
  const tag = der[0];
  const first = der[1];
  if (tag !== 0x30 || first === undefined) {
    throw malformed(field, 'not a DER SEQUENCE (an X.509 certificate starts with 0x30)');
  }
  let headerLength = 2;
  let contentLength = first;
  if (first >= 0x80) {
    const octets = first & 0x7f;
    // 0x80 is BER's indefinite length; more than 2 length octets exceeds MAX_CERTIFICATE_BYTES.
    if (octets === 0 || octets > 2 || der.length < 2 + octets) {
      throw malformed(field, 'certificate length is indefinite, oversized or truncated');
    }
    contentLength = 0;
    for (let i = 0; i < octets; i++) contentLength = contentLength * 256 + (der[2 + i] ?? 0);
    if (der[2] === 0 || contentLength < 0x80) {
      throw malformed(field, 'certificate length is not minimally encoded (not DER)');
    }
    headerLength += octets;
  }
  const expected = headerLength + contentLength;
  if (expected > der.length) {
    throw malformed(field, `certificate truncated: ${der.length} of ${expected} bytes`);
  }
  if (expected < der.length) {
    throw malformed(field, `${der.length - expected} trailing bytes after the certificate`);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
