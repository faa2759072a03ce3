/**
 * Verifying an RFC 3161 time-stamp token (or a TimeStampResp holding one), strictly:
 *
 * 1. the reply is granted; the token is SignedData over an id-ct-TSTInfo with exactly one signer;
 * 2. the signer certificate is the one the ESS signing-certificate(-v2) attribute names by hash
 *    (RFC 2634 / RFC 5816), never "the first certificate in the bag" (GHSA-3xxc-pwj6-jgrj), and
 *    the SignerInfo's sid names the same certificate;
 * 3. the signed attributes carry contentType id-ct-TSTInfo and a messageDigest equal to the hash
 *    of the TSTInfo, and the signature over them verifies under that certificate;
 * 4. the certificate chains to one of the trusted certificates, each link valid AT genTime
 *    (a token outlives its TSA certificate), and is a time-stamping certificate (EKU
 *    id-kp-timeStamping alone, critical); the TSTInfo's `tsa` name, if any, is its name;
 * 5. the message imprint is that of the data (or equals the digest) given; optional pins on nonce,
 *    policy and the signer's CN hold.
 *
 * Verification never throws: every outcome, including bad options, is a TokenVerification.
 */
import { createHash, verify as verifySignature } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  type CertificateInfo,
  inspectCertificate,
  KEY_USAGE,
  nameText,
  timeStampingProblem,
  validAt,
} from './certs';
import { certificatesOf, decodeDer, hex, octets, RESPONSE_LIMITS, signedHex } from './der';
import {
  DIGEST_BY_OID,
  IMPRINT_ALGORITHMS,
  imprintAlgorithmOf,
  OID,
  TRELLIS_ANCHOR_EXTENSION_OID,
} from './oids';

export interface TokenVerification {
  readonly ok: boolean;
  /** Why not, when !ok: a stable code (see docs/spec/tsa.md §4) and a sentence. */
  readonly code?: string;
  readonly reason?: string;
  readonly genTime?: Date;
  /** Lower-case hex, `-` first if negative. */
  readonly serialNumber?: string;
  readonly hashAlgorithm?: string;
  /** Lower-case hex. */
  readonly messageImprint?: string;
  readonly policy?: string;
  /** Decimal. */
  readonly nonce?: string;
  /** The TSTInfo `tsa` field, when it is a directory name. */
  readonly tsaName?: string;
  /** The subject of the certificate that signed the token. */
  readonly signerSubject?: string;
  /** The Trellis block the token names (its anchor extension), if it names one. */
  readonly anchor?: {
    readonly chainId: string;
    readonly height: string;
    readonly txId: string;
    readonly blockHash?: string;
  };
}

export interface VerifyTokenOptions {
  /** What was stamped: the data itself… */
  readonly data?: Uint8Array;
  /** …or its digest under the token's imprint algorithm. Exactly one of the two. */
  readonly digest?: Uint8Array;
  /**
   * The certificates to trust: a path from the signer must reach one of them (a TSA certificate
   * listed here is trusted as it is). PEM text, or bytes holding PEM or DER certificates.
   */
  readonly trustedCertificatesPem: string | Uint8Array;
  readonly nonce?: bigint;
  readonly policy?: string;
  readonly tsaSubjectCN?: string;
}

/** Longest issuer chain followed from the TSA certificate to a trusted certificate. */
const MAX_PATH = 8;
const MAX_DATA_BYTES = 64 * 1024 * 1024;

class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Facts = { -readonly [K in keyof TokenVerification]?: TokenVerification[K] };

export async function verifyTimeStampToken(
  respOrToken: Uint8Array,
  options: VerifyTokenOptions,
): Promise<TokenVerification> {
  const facts: Facts = {};
  try {
    verify(respOrToken, options, facts);
    return Object.freeze({ ...facts, ok: true });
  } catch (error) {
    if (!(error instanceof Refusal)) {
      return Object.freeze({ ...facts, ok: false, code: 'malformed', reason: messageOf(error) });
    }
    return Object.freeze({ ...facts, ok: false, code: error.code, reason: error.message });
  }
}

function verify(input: Uint8Array, options: VerifyTokenOptions, facts: Facts): void {
  const trusted = checkOptions(options);
  const token = tokenOf(input);
  const signedData = signedDataOf(token);
  const eContent = signedData.pkijs.encapContentInfo.eContent;
  if (signedData.pkijs.encapContentInfo.eContentType !== OID.tstInfo || eContent === undefined) {
    throw new Refusal('not-a-time-stamp', 'the signed content is not an id-ct-TSTInfo');
  }
  const tstInfoDer = octets(eContent);
  const tst = readTstInfo(tstInfoDer, facts);

  // 2. The signer, named by ESS, found among the bag and the trusted certificates.
  if (signedData.pkijs.signerInfos.length !== 1) {
    throw new Refusal(
      'not-a-time-stamp',
      `a time-stamp token has one signer, this has ${signedData.pkijs.signerInfos.length}`,
    );
  }
  const signerInfo = signedData.pkijs.signerInfos[0]!;
  const attributes = signedAttributes(signerInfo);
  const pool = certificatePool(signedData.certificates, trusted);
  const signer = essSigner(attributes, pool);
  facts.signerSubject = signer.subjectText;
  checkSid(signerInfo, signer);

  // 3. The signed attributes and the signature over them.
  const contentType = attributes.get(OID.contentType);
  if (!(contentType instanceof asn1js.ObjectIdentifier) || contentType.getValue() !== OID.tstInfo) {
    throw new Refusal('bad-signed-attributes', 'the contentType attribute is not id-ct-TSTInfo');
  }
  const digestName = DIGEST_BY_OID[signerInfo.digestAlgorithm.algorithmId];
  if (digestName === undefined || digestName === 'sha1') {
    throw new Refusal(
      'unsupported-algorithm',
      `digest algorithm ${signerInfo.digestAlgorithm.algorithmId} is not SHA-256/384/512`,
    );
  }
  const messageDigest = attributes.get(OID.messageDigest);
  if (
    !(messageDigest instanceof asn1js.OctetString) ||
    !sameBytes(octets(messageDigest), createHash(digestName).update(tstInfoDer).digest())
  ) {
    throw new Refusal(
      'message-digest-mismatch',
      'the messageDigest attribute is not the digest of the TSTInfo',
    );
  }
  checkSignature(signerInfo, digestName, signer);

  // 4. The signer's certificate: a time-stamping one, chaining to trust at genTime.
  const problem = timeStampingProblem(signer);
  if (problem !== undefined) throw new Refusal('not-a-tsa-certificate', problem);
  checkPath(signer, pool, trusted, tst.genTime);
  checkTsaName(tst, signer, facts);

  // 5. What was stamped, and the pins.
  checkImprint(tst, options);
  if (options.nonce !== undefined) {
    if (tst.nonce === undefined || tst.nonce !== options.nonce) {
      throw new Refusal('nonce-mismatch', `the token's nonce is not ${options.nonce}`);
    }
  }
  if (options.policy !== undefined && tst.policy !== options.policy) {
    throw new Refusal(
      'policy-mismatch',
      `the token's policy is ${tst.policy}, not ${options.policy}`,
    );
  }
  if (options.tsaSubjectCN !== undefined && signer.commonName !== options.tsaSubjectCN) {
    throw new Refusal(
      'tsa-subject-mismatch',
      `the token is signed by ${JSON.stringify(signer.commonName ?? signer.subjectText)}, not ${JSON.stringify(options.tsaSubjectCN)}`,
    );
  }
}

function checkOptions(options: VerifyTokenOptions): CertificateInfo[] {
  const bad = (message: string) => new Refusal('invalid-argument', message);
  if (typeof options !== 'object' || options === null) throw bad('options: expected an object');
  const { data, digest } = options;
  if ((data === undefined) === (digest === undefined)) {
    throw bad('options: give exactly one of data and digest');
  }
  if (data !== undefined && (!(data instanceof Uint8Array) || data.length > MAX_DATA_BYTES)) {
    throw bad(`options.data: expected at most ${MAX_DATA_BYTES} bytes`);
  }
  if (digest !== undefined && (!(digest instanceof Uint8Array) || digest.length > 64)) {
    throw bad('options.digest: expected at most 64 bytes');
  }
  if (options.nonce !== undefined && typeof options.nonce !== 'bigint') {
    throw bad('options.nonce: expected a bigint');
  }
  for (const field of ['policy', 'tsaSubjectCN'] as const) {
    if (options[field] !== undefined && typeof options[field] !== 'string') {
      throw bad(`options.${field}: expected a string`);
    }
  }
  const ders = certificatesOf(options.trustedCertificatesPem);
  if (typeof ders === 'string') throw bad(`options.trustedCertificatesPem: ${ders}`);
  if (ders.length === 0) throw bad('options.trustedCertificatesPem: no certificate in it');
  return ders.map((der, i) => {
    const info = inspectCertificate(der);
    if (typeof info === 'string') throw bad(`options.trustedCertificatesPem[${i}]: ${info}`);
    return info;
  });
}

/** The ContentInfo, from a TimeStampResp (which must be granted) or given as it is. */
function tokenOf(input: Uint8Array): asn1js.Sequence {
  const decoded = decodeDer(input, RESPONSE_LIMITS);
  if (!decoded.ok) throw new Refusal('malformed', `time-stamp reply: ${decoded.reason}`);
  const top = decoded.value;
  if (!(top instanceof asn1js.Sequence) || top.valueBlock.value.length === 0) {
    throw new Refusal('malformed', 'neither a TimeStampResp nor a ContentInfo');
  }
  if (top.valueBlock.value[0] instanceof asn1js.ObjectIdentifier) return top;
  let response: pkijs.TimeStampResp;
  try {
    response = new pkijs.TimeStampResp({ schema: top });
  } catch (_error) {
    throw new Refusal('malformed', 'neither a TimeStampResp nor a ContentInfo');
  }
  const status = response.status.status as number;
  if (status !== 0 && status !== 1) {
    const text = (response.status.statusStrings ?? []).map((s) => s.valueBlock.value).join('; ');
    throw new Refusal('not-granted', `the TSA answered status ${status}${text ? `: ${text}` : ''}`);
  }
  const token = top.valueBlock.value[1];
  if (!(token instanceof asn1js.Sequence)) {
    throw new Refusal('malformed', 'a granted reply without a time-stamp token');
  }
  return token;
}

interface ParsedSignedData {
  readonly pkijs: pkijs.SignedData;
  /** The certificates of the bag, each exactly as encoded. */
  readonly certificates: Uint8Array[];
}

function signedDataOf(token: asn1js.Sequence): ParsedSignedData {
  let info: pkijs.ContentInfo;
  try {
    info = new pkijs.ContentInfo({ schema: token });
  } catch (_error) {
    throw new Refusal('malformed', 'the token is not a CMS ContentInfo');
  }
  if (info.contentType !== OID.signedData) {
    throw new Refusal('not-a-time-stamp', `the token is a ${info.contentType}, not SignedData`);
  }
  const content = info.content as asn1js.Sequence;
  let signedData: pkijs.SignedData;
  try {
    signedData = new pkijs.SignedData({ schema: content });
  } catch (_error) {
    throw new Refusal('malformed', 'the token is not a CMS SignedData');
  }
  // SignedData's only [0] at its own level is `certificates` (eContent's [0] is one level down).
  const bag = content.valueBlock.value.find(
    (e) => e.idBlock.tagClass === 3 && e.idBlock.tagNumber === 0,
  ) as asn1js.Constructed | undefined;
  const certificates = (bag?.valueBlock.value ?? [])
    .filter((e) => e instanceof asn1js.Sequence)
    .map((e) => new Uint8Array(e.valueBeforeDecodeView));
  return { pkijs: signedData, certificates };
}

interface TstFacts {
  readonly genTime: Date;
  readonly policy: string;
  readonly hashAlgorithm: string;
  readonly imprint: Uint8Array;
  readonly nonce?: bigint;
  readonly tsa?: pkijs.GeneralName;
  /** The `tsa` GeneralName, DER. */
  readonly tsaDer?: Uint8Array;
}

function readTstInfo(der: Uint8Array, facts: Facts): TstFacts {
  const decoded = decodeDer(der, RESPONSE_LIMITS);
  if (!decoded.ok) throw new Refusal('malformed', `TSTInfo: ${decoded.reason}`);
  let tst: pkijs.TSTInfo;
  try {
    tst = new pkijs.TSTInfo({ schema: decoded.value });
  } catch (_error) {
    throw new Refusal('malformed', 'the signed content is not a TSTInfo');
  }
  if (tst.version !== 1) throw new Refusal('malformed', `TSTInfo version ${tst.version}`);
  const algorithmOid = tst.messageImprint.hashAlgorithm.algorithmId;
  const hashAlgorithm = imprintAlgorithmOf(algorithmOid);
  const imprint = octets(tst.messageImprint.hashedMessage);
  const nonce = tst.nonce?.toBigInt();
  Object.assign(facts, {
    genTime: tst.genTime,
    serialNumber: signedHex(tst.serialNumber.toBigInt()),
    hashAlgorithm: hashAlgorithm ?? algorithmOid,
    messageImprint: hex(imprint),
    policy: tst.policy,
    ...(nonce === undefined ? {} : { nonce: nonce.toString(10) }),
  });
  if (tst.tsa?.type === 4 && tst.tsa.value instanceof pkijs.RelativeDistinguishedNames) {
    facts.tsaName = nameText(tst.tsa.value);
  }
  for (const extension of tst.extensions ?? []) {
    if (extension.extnID === TRELLIS_ANCHOR_EXTENSION_OID) {
      facts.anchor = readAnchor(octets(extension.extnValue));
    } else if (extension.critical) {
      throw new Refusal(
        'unsupported-critical-extension',
        `the TSTInfo has a critical extension ${extension.extnID} this verifier does not know`,
      );
    }
  }
  if (hashAlgorithm === undefined) {
    throw new Refusal(
      'unsupported-algorithm',
      `imprint algorithm ${algorithmOid} is not one of ${Object.keys(IMPRINT_ALGORITHMS).join(', ')}`,
    );
  }
  const tsaElement = (decoded.value as asn1js.Sequence).valueBlock.value.find(
    (e) => e.idBlock.tagClass === 3 && e.idBlock.tagNumber === 0,
  ) as asn1js.Constructed | undefined;
  const tsaDer = tsaElement?.valueBlock.value[0]?.valueBeforeDecodeView;
  return {
    genTime: tst.genTime,
    policy: tst.policy,
    hashAlgorithm,
    imprint,
    ...(nonce === undefined ? {} : { nonce }),
    ...(tst.tsa === undefined ? {} : { tsa: tst.tsa }),
    ...(tsaDer === undefined ? {} : { tsaDer: new Uint8Array(tsaDer) }),
  };
}

/** The anchor extension: SEQUENCE { chainId UTF8String, height INTEGER, txId, blockHash? }. */
function readAnchor(der: Uint8Array): NonNullable<TokenVerification['anchor']> {
  const decoded = decodeDer(der, { maxBytes: 1024, maxDepth: 4, maxNodes: 16 });
  const fields =
    decoded.ok && decoded.value instanceof asn1js.Sequence ? decoded.value.valueBlock.value : [];
  const [chainId, height, txId, blockHash, ...rest] = fields;
  if (
    !(chainId instanceof asn1js.Utf8String) ||
    !(height instanceof asn1js.Integer) ||
    !(txId instanceof asn1js.OctetString) ||
    (blockHash !== undefined && !(blockHash instanceof asn1js.OctetString)) ||
    rest.length > 0 ||
    height.toBigInt() < 0n
  ) {
    throw new Refusal('malformed', 'the Trellis anchor extension is not well formed');
  }
  return {
    chainId: chainId.valueBlock.value,
    height: height.toBigInt().toString(10),
    txId: hex(octets(txId)),
    ...(blockHash === undefined ? {} : { blockHash: hex(octets(blockHash)) }),
  };
}

/** Signed attributes by type; each must occur once with one value (RFC 5652 §5.3, §11). */
function signedAttributes(signerInfo: pkijs.SignerInfo): Map<string, unknown> {
  const attrs = signerInfo.signedAttrs?.attributes;
  if (attrs === undefined || attrs.length === 0) {
    throw new Refusal('bad-signed-attributes', 'the signer has no signed attributes');
  }
  const map = new Map<string, unknown>();
  for (const attribute of attrs) {
    if (map.has(attribute.type)) {
      throw new Refusal('bad-signed-attributes', `attribute ${attribute.type} appears twice`);
    }
    if (attribute.values.length !== 1) {
      throw new Refusal(
        'bad-signed-attributes',
        `attribute ${attribute.type} has ${attribute.values.length} values`,
      );
    }
    map.set(attribute.type, attribute.values[0]);
  }
  return map;
}

/** The bag's certificates and the trusted ones, each once. */
function certificatePool(bag: Uint8Array[], trusted: CertificateInfo[]): CertificateInfo[] {
  const pool = new Map<string, CertificateInfo>();
  for (const info of trusted) pool.set(hex(info.der), info);
  for (const der of bag) {
    if (pool.has(hex(der))) continue;
    const info = inspectCertificate(der);
    // An unreadable certificate in the bag is skipped: it can be neither signer nor issuer.
    if (typeof info !== 'string') pool.set(hex(der), info);
  }
  return [...pool.values()];
}

/**
 * The certificate the first ESSCertID(v2) names: its hash, and its issuer and serial when given.
 * ESS v2 (RFC 5816) is preferred; v1 (RFC 2634, SHA-1) is read when it is the only one.
 */
function essSigner(attributes: Map<string, unknown>, pool: CertificateInfo[]): CertificateInfo {
  const v2 = attributes.get(OID.signingCertificateV2);
  const v1 = attributes.get(OID.signingCertificate);
  const value = v2 ?? v1;
  if (!(value instanceof asn1js.Sequence)) {
    throw new Refusal(
      'signer-not-identified',
      'no ESS signing-certificate attribute names the signer certificate',
    );
  }
  const certs = value.valueBlock.value[0];
  const first = certs instanceof asn1js.Sequence ? certs.valueBlock.value[0] : undefined;
  if (!(first instanceof asn1js.Sequence)) {
    throw new Refusal('signer-not-identified', 'the ESS attribute lists no certificate');
  }
  const parts = [...first.valueBlock.value];
  let hashName = 'sha1';
  if (v2 !== undefined) {
    hashName = 'sha256';
    if (parts[0] instanceof asn1js.Sequence) {
      const id = parts.shift() as asn1js.Sequence;
      const algorithm = id.valueBlock.value[0];
      const name =
        algorithm instanceof asn1js.ObjectIdentifier
          ? DIGEST_BY_OID[algorithm.getValue()]
          : undefined;
      if (name === undefined || name === 'sha1') {
        throw new Refusal('unsupported-algorithm', 'the ESSCertIDv2 hash is not SHA-256/384/512');
      }
      hashName = name;
    }
  }
  const [certHash, issuerSerial] = parts;
  if (!(certHash instanceof asn1js.OctetString)) {
    throw new Refusal('signer-not-identified', 'the ESSCertID has no certificate hash');
  }
  const wanted = octets(certHash);
  const signer = pool.find((info) =>
    sameBytes(createHash(hashName).update(info.der).digest(), wanted),
  );
  if (signer === undefined) {
    throw new Refusal(
      'signer-not-identified',
      'the certificate the ESS attribute names is neither in the token nor trusted',
    );
  }
  if (issuerSerial !== undefined && !issuerSerialMatches(issuerSerial, signer)) {
    throw new Refusal('signer-not-identified', "the ESS issuerSerial is not the certificate's");
  }
  return signer;
}

/** IssuerSerial { issuer GeneralNames (one directoryName), serialNumber }. */
function issuerSerialMatches(value: asn1js.AsnType, signer: CertificateInfo): boolean {
  if (!(value instanceof asn1js.Sequence)) return false;
  const [names, serial] = value.valueBlock.value;
  if (!(names instanceof asn1js.Sequence) || !(serial instanceof asn1js.Integer)) return false;
  const directoryNames = names.valueBlock.value
    .filter((n) => n.idBlock.tagClass === 3 && n.idBlock.tagNumber === 4)
    .map((n) => (n as asn1js.Constructed).valueBlock.value[0]?.valueBeforeDecodeView);
  return (
    directoryNames.some((name) => name !== undefined && sameBytes(name, signer.issuer)) &&
    sameBytes(serial.valueBeforeDecodeView, signer.serial)
  );
}

/** The SignerInfo's sid must name the ESS-identified certificate too. */
function checkSid(signerInfo: pkijs.SignerInfo, signer: CertificateInfo): void {
  const sid = signerInfo.sid as unknown;
  let same = false;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    same =
      sameBytes(new Uint8Array(sid.issuer.valueBeforeDecode), signer.issuer) &&
      sameBytes(sid.serialNumber.valueBeforeDecodeView, signer.serial);
  } else if (sid instanceof asn1js.Constructed || sid instanceof asn1js.Primitive) {
    // [0] SubjectKeyIdentifier (implicit OCTET STRING).
    const keyId = new Uint8Array(
      sid instanceof asn1js.Primitive ? sid.valueBlock.valueHexView : new Uint8Array(0),
    );
    same = signer.subjectKeyId !== undefined && sameBytes(keyId, signer.subjectKeyId);
  }
  if (!same) {
    throw new Refusal(
      'signer-not-identified',
      'the SignerInfo names another certificate than the ESS attribute',
    );
  }
}

/** Signature algorithms: CMS OID → the key type it needs and its hash (undefined: the digest's). */
const SIGNATURE_ALGORITHMS: Readonly<Record<string, { key: string; hash?: string }>> = {
  [OID.ecPublicKey]: { key: 'ec' },
  [OID.ecdsaWithSha256]: { key: 'ec', hash: 'sha256' },
  [OID.ecdsaWithSha384]: { key: 'ec', hash: 'sha384' },
  [OID.ecdsaWithSha512]: { key: 'ec', hash: 'sha512' },
  [OID.rsaEncryption]: { key: 'rsa' },
  [OID.sha256WithRsa]: { key: 'rsa', hash: 'sha256' },
  [OID.sha384WithRsa]: { key: 'rsa', hash: 'sha384' },
  [OID.sha512WithRsa]: { key: 'rsa', hash: 'sha512' },
};

function checkSignature(
  signerInfo: pkijs.SignerInfo,
  digestName: string,
  signer: CertificateInfo,
): void {
  const id = signerInfo.signatureAlgorithm.algorithmId;
  const algorithm = SIGNATURE_ALGORITHMS[id];
  if (algorithm === undefined) {
    throw new Refusal('unsupported-algorithm', `signature algorithm ${id} is not supported`);
  }
  const key = signer.x509.publicKey;
  if (key.asymmetricKeyType !== algorithm.key) {
    throw new Refusal('bad-signature', `a ${id} signature from a ${key.asymmetricKeyType} key`);
  }
  // pkijs keeps the signed attributes as received, retagged as the SET they are signed as.
  const signed = new Uint8Array(signerInfo.signedAttrs!.encodedValue);
  let valid: boolean;
  try {
    valid = verifySignature(
      algorithm.hash ?? digestName,
      signed,
      { key, dsaEncoding: 'der' },
      octets(signerInfo.signature),
    );
  } catch (_error) {
    valid = false;
  }
  if (signed[0] !== 0x31 || !valid) {
    throw new Refusal('bad-signature', 'the signature over the signed attributes does not verify');
  }
}

/**
 * A path from the signer to a trusted certificate through the pool, every certificate valid at
 * genTime, every issuer a CA allowed to sign certificates whose signature verifies.
 */
function checkPath(
  signer: CertificateInfo,
  pool: CertificateInfo[],
  trusted: CertificateInfo[],
  genTime: Date,
): void {
  const trustedKeys = new Set(trusted.map((t) => hex(t.der)));
  let expired: CertificateInfo | undefined;
  const walk = (cert: CertificateInfo, path: CertificateInfo[]): boolean => {
    if (!validAt(cert, genTime)) {
      expired ??= cert;
      return false;
    }
    if (trustedKeys.has(hex(cert.der))) return true;
    if (path.length >= MAX_PATH) return false;
    for (const issuer of pool) {
      if (path.includes(issuer) || !sameBytes(issuer.subject, cert.issuer)) continue;
      if (!issuer.isCa) continue;
      if (issuer.keyUsage !== undefined && !issuer.keyUsage.has(KEY_USAGE.keyCertSign)) continue;
      if (!safeVerify(cert, issuer)) continue;
      if (walk(issuer, [...path, issuer])) return true;
    }
    return false;
  };
  if (walk(signer, [signer])) return;
  if (expired !== undefined) {
    throw new Refusal(
      'certificate-not-valid-at-gentime',
      `${expired.subjectText} is valid ${expired.notBefore.toISOString()}..${expired.notAfter.toISOString()}, not at genTime ${genTime.toISOString()}`,
    );
  }
  throw new Refusal(
    'untrusted-chain',
    `no path from ${signer.subjectText} to a trusted certificate`,
  );
}

function safeVerify(cert: CertificateInfo, issuer: CertificateInfo): boolean {
  try {
    return cert.x509.verify(issuer.x509.publicKey);
  } catch (_error) {
    return false;
  }
}

/** RFC 3161 §2.4.2: a `tsa` name, when present, must name the signer. */
function checkTsaName(tst: TstFacts, signer: CertificateInfo, facts: Facts): void {
  const tsa = tst.tsa;
  if (tsa === undefined) return;
  let same = false;
  if (tsa.type === 4 && tsa.value instanceof pkijs.RelativeDistinguishedNames) {
    same =
      sameBytes(new Uint8Array(tsa.value.valueBeforeDecode), signer.subject) ||
      nameText(tsa.value) === signer.subjectText;
  } else if (tst.tsaDer !== undefined) {
    same = signer.altNames.some((name) => sameBytes(name, tst.tsaDer!));
  }
  if (!same) {
    throw new Refusal(
      'tsa-name-mismatch',
      `the token's tsa name ${facts.tsaName ?? '(not a directory name)'} is not its signer ${signer.subjectText}`,
    );
  }
}

function checkImprint(tst: TstFacts, options: VerifyTokenOptions): void {
  const expected = options.digest ?? createHash(tst.hashAlgorithm).update(options.data!).digest();
  if (!sameBytes(expected, tst.imprint)) {
    throw new Refusal(
      'imprint-mismatch',
      `the token stamps another ${tst.hashAlgorithm} digest than the ${options.digest === undefined ? 'data' : 'digest'} given`,
    );
  }
}

function sameBytes(a: Uint8Array | ArrayBuffer, b: Uint8Array | ArrayBuffer): boolean {
  return Buffer.from(a instanceof Uint8Array ? a : new Uint8Array(a)).equals(
    b instanceof Uint8Array ? b : new Uint8Array(b),
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
