/**
 * Issuing RFC 3161 replies (§2.4.2): a granted TimeStampResp whose token is CMS SignedData over a
 * TSTInfo dated by a committed Trellis block, or a rejection carrying PKIFailureInfo. The DER is
 * assembled here with asn1js so that every byte is the one the spec (docs/spec/tsa.md) names;
 * the signature is node:crypto over the DER SET of signed attributes (RFC 5652 §5.4).
 */
import { createHash, createPrivateKey, type KeyObject, sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import { type CertificateInfo, inspectCertificate, timeStampingProblem, validAt } from './certs';
import { certificatesOf } from './der';
import { FAILURE_INFO_BITS, TsaError } from './errors';
import { IMPRINT_ALGORITHMS, OID, TRELLIS_ANCHOR_EXTENSION_OID } from './oids';
import type { ParsedTimeStampRequest } from './request';

export interface TsaIdentity {
  /** The TSA certificate (EKU id-kp-timeStamping alone, critical), PEM. */
  readonly certificatePem: string;
  /** Its private key, PKCS#8 PEM: ECDSA P-256 or P-384, or RSA. */
  readonly privateKeyPem: string;
  /** Issuers of the TSA certificate, PEM, included in the token with it when certReq. */
  readonly chainPem?: string;
  /** The policy every token names (e.g. TRELLIS_TSA_POLICY_OID). */
  readonly policyOid: string;
}

/** The committed block a token's time comes from, named in the token's anchor extension. */
export interface ChainAnchor {
  readonly chainId: string;
  readonly height: bigint;
  readonly blockHash?: Uint8Array;
  /** The transaction that recorded this time-stamp on chain. */
  readonly txId: Uint8Array;
  /** The block's time, milliseconds since the epoch: the token's genTime. */
  readonly timeMs: bigint;
}

/** RFC 3161 §2.4.2: serial numbers up to 160 bits. */
const MAX_SERIAL = (1n << 160n) - 1n;
/** GeneralizedTime years are four digits. */
const MAX_TIME_MS = BigInt(Date.UTC(9999, 11, 31, 23, 59, 59, 999));

/**
 * A granted TimeStampResp, DER. The caller has parsed `req` with parseTimeStampRequest.
 * @throws TsaError `unaccepted-policy` (req.reqPolicy is not tsa.policyOid), `invalid-argument`
 *   (anchor, serial or request out of range), `bad-identity` (the TSA certificate, key or chain
 *   cannot sign time-stamps at the anchor's time). Each maps to a rejection via rejectionResponse.
 */
export async function issueTimeStampResponse(
  req: ParsedTimeStampRequest,
  anchor: ChainAnchor,
  tsa: TsaIdentity,
  serialNumber: bigint,
): Promise<Uint8Array> {
  checkRequest(req);
  const genTime = checkAnchor(anchor);
  if (typeof serialNumber !== 'bigint' || serialNumber < 1n || serialNumber > MAX_SERIAL) {
    throw new TsaError('invalid-argument', 'serialNumber: expected a bigint in 1..2^160-1');
  }
  const identity = loadIdentity(tsa, genTime);
  if (req.reqPolicy !== undefined && req.reqPolicy !== tsa.policyOid) {
    throw new TsaError(
      'unaccepted-policy',
      `policy ${req.reqPolicy} requested; this TSA issues under ${tsa.policyOid}`,
    );
  }
  const tstInfo = encodeTstInfo(req, anchor, genTime, tsa.policyOid, serialNumber, identity.cert);
  const token = signToken(tstInfo, genTime, identity, req.certReq);
  // PKIStatusInfo { status granted (0) }.
  return seq(seq(integer(0n)), token);
}

/** A TimeStampResp with status rejection (2), the error's message and its failInfo bit. */
export function rejectionResponse(error: TsaError): Uint8Array {
  const bit =
    error instanceof TsaError && error.failInfo !== undefined
      ? error.failInfo
      : FAILURE_INFO_BITS['system-failure'];
  const text = error instanceof Error ? error.message.slice(0, 256) : 'rejected';
  // PKIStatusInfo { status rejection (2), statusString PKIFreeText, failInfo }.
  const status = seq(
    integer(2n),
    seq(encoded(new asn1js.Utf8String({ value: text }))),
    encoded(failureBits(bit)),
  );
  return seq(status);
}

/** A named-bit BIT STRING with only `bit` set, DER: trailing zero bits dropped (X.690 §11.2.2). */
function failureBits(bit: number): asn1js.BitString {
  const bytes = new Uint8Array((bit >> 3) + 1);
  bytes[bit >> 3] = 0x80 >> (bit & 7);
  return new asn1js.BitString({ valueHex: bytes, unusedBits: 7 - (bit & 7) });
}

function checkRequest(req: ParsedTimeStampRequest): void {
  const algorithm = IMPRINT_ALGORITHMS[req?.hashAlgorithm];
  if (
    algorithm === undefined ||
    algorithm.oid !== req.hashAlgorithmOid ||
    !(req.messageImprint instanceof Uint8Array) ||
    req.messageImprint.length !== algorithm.length
  ) {
    throw new TsaError('invalid-argument', 'req: not a request parseTimeStampRequest returned');
  }
}

function checkAnchor(anchor: ChainAnchor): Date {
  const bad = (field: string, what: string) =>
    new TsaError('invalid-argument', `anchor.${field}: expected ${what}`);
  if (typeof anchor !== 'object' || anchor === null) throw bad('', 'an object');
  if (typeof anchor.chainId !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(anchor.chainId)) {
    throw bad('chainId', '1..128 printable ASCII characters');
  }
  if (typeof anchor.height !== 'bigint' || anchor.height < 0n) {
    throw bad('height', 'a bigint ≥ 0');
  }
  for (const field of ['txId', 'blockHash'] as const) {
    const value = anchor[field];
    if (value === undefined && field === 'blockHash') continue;
    if (!(value instanceof Uint8Array) || value.length < 1 || value.length > 64) {
      throw bad(field, '1..64 bytes');
    }
  }
  if (typeof anchor.timeMs !== 'bigint' || anchor.timeMs < 0n || anchor.timeMs > MAX_TIME_MS) {
    throw bad('timeMs', 'milliseconds since 1970 before year 10000');
  }
  return new Date(Number(anchor.timeMs));
}

interface Identity {
  readonly cert: CertificateInfo;
  readonly chain: readonly Uint8Array[];
  readonly key: KeyObject;
  readonly hash: 'sha256' | 'sha384';
  readonly signatureOid: string;
}

/** The TSA's certificate, key and chain, refused when they could not make a verifiable token. */
function loadIdentity(tsa: TsaIdentity, at: Date): Identity {
  const fail = (message: string) => new TsaError('bad-identity', `TSA identity: ${message}`);
  if (typeof tsa !== 'object' || tsa === null) throw fail('expected an object');
  if (
    typeof tsa.policyOid !== 'string' ||
    !/^[0-2](\.(0|[1-9]\d{0,15})){1,30}$/.test(tsa.policyOid)
  ) {
    throw fail('policyOid is not a dotted OID with arcs under 2^53');
  }
  const certs = typeof tsa.certificatePem === 'string' ? certificatesOf(tsa.certificatePem) : [];
  if (typeof certs === 'string' || certs.length !== 1) {
    throw fail('certificatePem: expected exactly one CERTIFICATE block');
  }
  const chain = tsa.chainPem === undefined ? [] : certificatesOf(tsa.chainPem);
  if (typeof chain === 'string') throw fail(`chainPem: ${chain}`);
  const cert = inspectCertificate(certs[0]!);
  if (typeof cert === 'string') throw fail(cert);
  const problem = timeStampingProblem(cert);
  if (problem !== undefined) throw fail(problem);
  if (!validAt(cert, at)) {
    throw fail(`the certificate is not valid at the anchor's time ${at.toISOString()}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(tsa.privateKeyPem);
  } catch (_error) {
    throw fail('privateKeyPem is not a private key');
  }
  if (!cert.x509.checkPrivateKey(key)) {
    throw fail('the private key is not the certificate key');
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && curve === 'prime256v1') {
    return { cert, chain, key, hash: 'sha256', signatureOid: OID.ecdsaWithSha256 };
  }
  if (key.asymmetricKeyType === 'ec' && curve === 'secp384r1') {
    return { cert, chain, key, hash: 'sha384', signatureOid: OID.ecdsaWithSha384 };
  }
  if (key.asymmetricKeyType === 'rsa') {
    return { cert, chain, key, hash: 'sha256', signatureOid: OID.sha256WithRsa };
  }
  throw fail(`a ${key.asymmetricKeyType ?? 'unknown'} key; expected ECDSA P-256/P-384 or RSA`);
}

const DIGEST_OID = {
  sha256: IMPRINT_ALGORITHMS.sha256.oid,
  sha384: IMPRINT_ALGORITHMS.sha384.oid,
} as const;

// A DER writer over byte arrays: certificate names and serials are spliced in exactly as the
// certificate encodes them, which asn1js cannot do (it re-encodes what it parsed).
function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const seq = (...content: Uint8Array[]) => tlv(0x30, ...content);
const octetString = (bytes: Uint8Array) => tlv(0x04, bytes);
/** [n] EXPLICIT (or IMPLICIT of a constructed type): context-specific, constructed. */
const context = (n: number, ...content: Uint8Array[]) => tlv(0xa0 | n, ...content);
const encoded = (value: { toBER(): ArrayBuffer }) => new Uint8Array(value.toBER());
const oid = (value: string) => encoded(new asn1js.ObjectIdentifier({ value }));
const integer = (value: bigint) => encoded(asn1js.Integer.fromBigInt(value));
// RFC 5754 §2 / RFC 5758 §3.2: SHA-2 and ECDSA algorithm identifiers carry no parameters.
const algorithm = (id: string) => seq(oid(id));

/** DER SET OF (X.690 §11.6): elements in the order of their encodings. */
function setOf(items: Uint8Array[]): Uint8Array {
  const sorted = [...items].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] !== b[i]) return a[i]! - b[i]!;
    }
    return a.length - b.length;
  });
  return tlv(0x31, ...sorted);
}

/** TSTInfo (RFC 3161 §2.4.2), DER. */
function encodeTstInfo(
  req: ParsedTimeStampRequest,
  anchor: ChainAnchor,
  genTime: Date,
  policy: string,
  serial: bigint,
  cert: CertificateInfo,
): Uint8Array {
  const anchorValue = seq(
    encoded(new asn1js.Utf8String({ value: anchor.chainId })),
    integer(anchor.height),
    octetString(anchor.txId),
    ...(anchor.blockHash === undefined ? [] : [octetString(anchor.blockHash)]),
  );
  return seq(
    integer(1n),
    oid(policy),
    seq(algorithm(req.hashAlgorithmOid), octetString(req.messageImprint)),
    integer(serial),
    // GeneralizedTime with the block time's milliseconds, trailing zeros dropped (X.690 §11.7).
    encoded(new asn1js.GeneralizedTime({ valueDate: genTime })),
    ...(req.nonce === undefined ? [] : [integer(req.nonce)]),
    // tsa [0] GeneralName → directoryName [4] Name: both explicit (GeneralName, Name are CHOICEs).
    context(0, context(4, cert.subject)),
    // extensions [1] IMPLICIT Extensions: the anchor, non-critical (critical DEFAULT FALSE omitted).
    context(1, seq(oid(TRELLIS_ANCHOR_EXTENSION_OID), octetString(anchorValue))),
  );
}

const attribute = (id: string, value: Uint8Array) => seq(oid(id), setOf([value]));

/** ContentInfo { signedData } over `tstInfo`, signed by the TSA (RFC 3161 §2.4.2, RFC 5816). */
function signToken(
  tstInfo: Uint8Array,
  genTime: Date,
  identity: Identity,
  includeCertificates: boolean,
): Uint8Array {
  const { cert, hash } = identity;
  // ESSCertIDv2: hashAlgorithm DEFAULT id-sha256 (omitted), certHash, issuerSerial.
  const essCertId = seq(
    octetString(createHash('sha256').update(cert.der).digest()),
    seq(seq(context(4, cert.issuer)), cert.serial),
  );
  const signedAttributes = [
    attribute(OID.contentType, oid(OID.tstInfo)),
    attribute(OID.signingTime, encoded(new asn1js.UTCTime({ valueDate: genTime }))),
    attribute(OID.messageDigest, octetString(createHash(hash).update(tstInfo).digest())),
    attribute(OID.signingCertificateV2, seq(seq(essCertId))),
  ];
  // The signature covers the attributes as a DER SET (RFC 5652 §5.4); the SignerInfo carries
  // the same bytes under [0] IMPLICIT.
  const signedAttrsSet = setOf(signedAttributes);
  const signature = sign(hash, signedAttrsSet, { key: identity.key, dsaEncoding: 'der' });
  const signedAttrs = Buffer.from(signedAttrsSet);
  signedAttrs[0] = 0xa0;
  const signerInfo = seq(
    integer(1n),
    seq(cert.issuer, cert.serial),
    algorithm(DIGEST_OID[hash]),
    signedAttrs,
    algorithm(identity.signatureOid),
    octetString(signature),
  );
  const certificates = includeCertificates ? [cert.der, ...identity.chain] : [];
  const signedData = seq(
    integer(3n),
    setOf([algorithm(DIGEST_OID[hash])]),
    seq(oid(OID.tstInfo), context(0, octetString(tstInfo))),
    // certificates [0] IMPLICIT CertificateSet (a SET OF: DER order).
    // certificates [0] IMPLICIT: the TSA certificate first, then its issuers, as openssl orders
    // them (CMS is BER here; only the signed attributes must be DER).
    ...(certificates.length === 0 ? [] : [context(0, ...certificates)]),
    setOf([signerInfo]),
  );
  return seq(oid(OID.signedData), context(0, signedData));
}
