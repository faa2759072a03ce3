/**
 * Authenticated reads of private payloads (docs/spec/private-data.md §6). A member asks a
 * validator of its organisation for the plaintext of transaction `txId` with three headers:
 *
 *   x-trellis-certificate  base64 of its member certificate (DER)
 *   x-trellis-timestamp    decimal ms since the epoch
 *   x-trellis-signature    base64 of its signature, with the certificate's key, over
 *                          taggedHash(H, "trellis/private-read/v1", CBOR [chainId, txId, timestampMs])
 *
 * H is the chain's hash; the signature is the certificate key's algorithm (Ed25519, or ECDSA
 * P-256 with SHA-256, r ‖ s low-S: the crypto suites of the same names).
 *
 * Verification runs cheapest first: headers, timestamp window, certificate structure and
 * signature (all `unauthenticated`), and only then the injected membership check
 * (`not-a-member`), so that junk never costs a certificate chain verification.
 */
import { encodeValue, equalBytes, isBytes, taggedHash } from '../codec';
import { CryptoError, getSuite, hash, SUITE_HASH, SUITE_IDS, type SuiteId } from '../crypto';
import { IdentityError, MAX_CERTIFICATE_BYTES } from '../identity';
import { CertificateFormatError, readCertificateFields } from '../mempool/certificate-fields';
import { NAME } from '../types/limits';
import { PRIVATE_TAGS } from './envelope-format';
import { invalidArgument, PrivateDataError } from './private-data-error';

export const PRIVATE_READ_HEADERS = Object.freeze({
  certificate: 'x-trellis-certificate',
  timestamp: 'x-trellis-timestamp',
  signature: 'x-trellis-signature',
} as const);

/** A type alias, not an interface: so it is assignable to `IncomingHeaders` (and node's). */
export type PrivateReadHeaders = {
  readonly 'x-trellis-certificate': string;
  readonly 'x-trellis-timestamp': string;
  readonly 'x-trellis-signature': string;
};

/** Request headers as node's `IncomingMessage.headers` has them: lower-case names. */
export type IncomingHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface SignPrivateReadInput {
  /** The chain's signature suite: it fixes H. */
  readonly suite: SuiteId;
  readonly chainId: string;
  readonly txId: Uint8Array;
  /** The member's certificate, DER. */
  readonly certificateDer: Uint8Array;
  /** The certificate key's raw secret key: 32-byte Ed25519 seed or P-256 scalar. */
  readonly secretKey: Uint8Array;
  readonly timestampMs: number;
}

/** What the membership check says of a certificate: `identity`'s `Member` is one. */
export interface PrivateReaderMember {
  readonly orgId: string;
  readonly name: string;
  readonly roles: readonly string[];
  /** SubjectPublicKeyInfo (DER) of the certificate. */
  readonly publicKey: Uint8Array;
}

/**
 * Is this certificate a member's, now, at the node's committed membership? Returns the member,
 * or undefined (or throws an `IdentityError`) for a non-member; any other error passes through.
 */
export type CheckReaderMembership = (
  certificateDer: Uint8Array,
) => Promise<PrivateReaderMember | undefined> | PrivateReaderMember | undefined;

export interface VerifyPrivateReadOptions {
  /** The chain's signature suite: it fixes H. */
  readonly suite: SuiteId;
  readonly chainId: string;
  /** The transaction the request is for (from the URL). */
  readonly txId: Uint8Array;
  /** The node's clock. */
  readonly nowMs: number;
  /** Largest accepted |nowMs − timestampMs|. */
  readonly skewMs: number;
  readonly verifyMember: CheckReaderMembership;
}

/** An authenticated member. */
export interface PrivateReader {
  readonly org: string;
  readonly name: string;
  readonly roles: readonly string[];
}

const SIGNATURE_BYTES = 64;
const TX_ID_BYTES = 32;
const TIMESTAMP = /^(?:0|[1-9][0-9]{0,15})$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const KEY_SUITES: readonly SuiteId[] = ['ed25519', 'p256'];

/** The 32 bytes a read request's signature signs. */
export function privateReadMessage(
  suite: SuiteId,
  chainId: string,
  txId: Uint8Array,
  timestampMs: number,
): Uint8Array {
  const id = SUITE_HASH[suite];
  return taggedHash(
    (data) => hash(id, data),
    PRIVATE_TAGS.read,
    encodeValue([chainId, txId, BigInt(timestampMs)]),
  );
}

/** The three headers of a read request by the holder of `certificateDer` and `secretKey`. */
export function signPrivateRead(input: SignPrivateReadInput): PrivateReadHeaders {
  if (typeof input !== 'object' || input === null) {
    throw invalidArgument(
      'input',
      'expected { suite, chainId, txId, certificateDer, secretKey, timestampMs }',
    );
  }
  const { suite, chainId, txId, certificateDer, secretKey, timestampMs } = input;
  checkRequestFields(suite, chainId, txId);
  if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) {
    throw invalidArgument('timestampMs', 'expected a non-negative integer (ms since the epoch)');
  }
  if (!isBytes(certificateDer)) throw invalidArgument('certificateDer', 'expected a Uint8Array');
  const key = certificateKey(certificateDer, (problem) =>
    invalidArgument('certificateDer', problem),
  );
  let signature: Uint8Array;
  try {
    const derived = key.suite.publicKeyFromSecretKey(secretKey);
    if (!equalBytes(derived, key.publicKey)) {
      throw invalidArgument('secretKey', "is not the secret key of the certificate's key");
    }
    signature = key.suite.sign(secretKey, privateReadMessage(suite, chainId, txId, timestampMs));
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    throw new PrivateDataError('invalid-argument', error.message, {
      field: 'secretKey',
      cause: error,
    });
  }
  return {
    [PRIVATE_READ_HEADERS.certificate]: Buffer.from(certificateDer).toString('base64'),
    [PRIVATE_READ_HEADERS.timestamp]: String(timestampMs),
    [PRIVATE_READ_HEADERS.signature]: Buffer.from(signature).toString('base64'),
  };
}

/**
 * The member who signed this read request, or a `PrivateDataError`: `unauthenticated` (missing
 * or malformed headers, a timestamp outside ±skewMs, a signature that does not verify for this
 * chain and tx) or `not-a-member`. Whether that member may read the payload is
 * `authorizePrivateRead`'s question.
 */
export async function verifyPrivateRead(
  headers: IncomingHeaders,
  options: VerifyPrivateReadOptions,
): Promise<PrivateReader> {
  const { suite, chainId, txId, nowMs, skewMs, verifyMember } = checkVerifyOptions(options);
  if (typeof headers !== 'object' || headers === null) {
    throw invalidArgument('headers', 'expected the request headers');
  }
  const der = base64Header(headers, PRIVATE_READ_HEADERS.certificate, MAX_CERTIFICATE_BYTES);
  const timestampMs = timestampHeader(headers);
  const signature = base64Header(headers, PRIVATE_READ_HEADERS.signature, SIGNATURE_BYTES);
  if (signature.length !== SIGNATURE_BYTES) {
    throw unauthenticated(
      PRIVATE_READ_HEADERS.signature,
      `must be ${SIGNATURE_BYTES} bytes, got ${signature.length}`,
    );
  }
  if (Math.abs(nowMs - timestampMs) > skewMs) {
    throw unauthenticated(
      PRIVATE_READ_HEADERS.timestamp,
      `${timestampMs} is ${nowMs - timestampMs} ms from the node's clock ${nowMs}, beyond ±${skewMs} ms`,
    );
  }
  const key = certificateKey(der, (problem) =>
    unauthenticated(PRIVATE_READ_HEADERS.certificate, problem),
  );
  const message = privateReadMessage(suite, chainId, txId, timestampMs);
  if (!key.suite.verify(key.publicKey, message, signature)) {
    throw unauthenticated(
      PRIVATE_READ_HEADERS.signature,
      `does not verify under the certificate's ${key.suite.id} key for chain ${chainId} and this tx at ${timestampMs}`,
    );
  }
  const member = await membership(verifyMember, der);
  if (!isBytes(member.publicKey) || !equalBytes(member.publicKey, key.spki)) {
    throw new PrivateDataError(
      'not-a-member',
      "the membership check answered for another key than the certificate's",
      { field: PRIVATE_READ_HEADERS.certificate },
    );
  }
  return Object.freeze({
    org: member.orgId,
    name: member.name,
    roles: Object.freeze([...member.roles]),
  });
}

export interface AuthorizePrivateReadOptions {
  /** The organisation of the node answering. */
  readonly nodeOrg: string;
  /** The recipient organisations of the stored payload (`PrivateRecord.recipients`). */
  readonly recipients: readonly string[];
}

/**
 * The serving rule: a node serves a private payload only to members of its own organisation,
 * and only if that organisation is one of the payload's recipients. `forbidden` otherwise.
 */
export function authorizePrivateRead(
  reader: PrivateReader,
  { nodeOrg, recipients }: AuthorizePrivateReadOptions,
): void {
  if (reader.org !== nodeOrg) {
    throw new PrivateDataError(
      'forbidden',
      `${reader.org}'s member ${reader.name} asked a node of ${nodeOrg}: only its own organisation's nodes serve it`,
    );
  }
  if (!recipients.includes(nodeOrg)) {
    throw new PrivateDataError(
      'forbidden',
      `${nodeOrg} is not a recipient of this payload (recipients: ${recipients.join(', ')})`,
    );
  }
}

interface CertificateKey {
  readonly spki: Uint8Array;
  readonly suite: ReturnType<typeof getSuite>;
  readonly publicKey: Uint8Array;
}

/** The certificate's key as a crypto suite key (Ed25519 or P-256), or `fail(problem)`. */
function certificateKey(
  der: Uint8Array,
  fail: (problem: string) => PrivateDataError,
): CertificateKey {
  let spki: Uint8Array;
  try {
    spki = readCertificateFields(der).spki;
  } catch (error) {
    if (!(error instanceof CertificateFormatError)) throw error;
    throw fail(`not a DER certificate: ${error.message}`);
  }
  for (const id of KEY_SUITES) {
    const suite = getSuite(id);
    try {
      return { spki, suite, publicKey: suite.publicKeyFromDer(spki) };
    } catch (error) {
      if (!(error instanceof CryptoError)) throw error;
    }
  }
  throw fail('the certificate key is neither Ed25519 nor P-256');
}

async function membership(
  verifyMember: CheckReaderMembership,
  der: Uint8Array,
): Promise<PrivateReaderMember> {
  let member: PrivateReaderMember | undefined;
  try {
    member = await verifyMember(der);
  } catch (error) {
    if (!(error instanceof IdentityError)) throw error;
    throw new PrivateDataError('not-a-member', error.message, {
      field: PRIVATE_READ_HEADERS.certificate,
      cause: error,
    });
  }
  if (member === undefined || member === null) {
    throw new PrivateDataError('not-a-member', 'the certificate is not a member certificate', {
      field: PRIVATE_READ_HEADERS.certificate,
    });
  }
  return member;
}

function unauthenticated(header: string, problem: string): PrivateDataError {
  return new PrivateDataError('unauthenticated', problem, { field: header });
}

function singleHeader(headers: IncomingHeaders, name: string): string {
  const value = headers[name];
  if (value === undefined) throw unauthenticated(name, 'missing');
  if (typeof value !== 'string') throw unauthenticated(name, 'given more than once');
  return value;
}

/** Canonical base64 (RFC 4648 §4, padded) of at most `maxBytes` bytes. */
function base64Header(headers: IncomingHeaders, name: string, maxBytes: number): Uint8Array {
  const value = singleHeader(headers, name);
  if (value.length > Math.ceil(maxBytes / 3) * 4) {
    throw unauthenticated(name, `longer than the base64 of ${maxBytes} bytes`);
  }
  if (value.length === 0 || value.length % 4 !== 0 || !BASE64.test(value)) {
    throw unauthenticated(name, 'not padded base64');
  }
  const bytes = Buffer.from(value, 'base64');
  if (bytes.toString('base64') !== value) throw unauthenticated(name, 'not canonical base64');
  return new Uint8Array(bytes);
}

function timestampHeader(headers: IncomingHeaders): number {
  const name = PRIVATE_READ_HEADERS.timestamp;
  const value = singleHeader(headers, name);
  const ms = TIMESTAMP.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(ms)) {
    throw unauthenticated(name, `${JSON.stringify(value.slice(0, 32))} is not ms since the epoch`);
  }
  return ms;
}

function checkRequestFields(suite: unknown, chainId: unknown, txId: unknown): void {
  if (typeof suite !== 'string' || !(SUITE_IDS as readonly string[]).includes(suite)) {
    throw new PrivateDataError('unsupported-suite', `${JSON.stringify(suite)} is not a suite`, {
      field: 'suite',
    });
  }
  if (typeof chainId !== 'string' || !NAME.test(chainId)) {
    throw invalidArgument('chainId', `expected a chain id matching ${NAME}`);
  }
  if (!isBytes(txId) || txId.length !== TX_ID_BYTES) {
    throw invalidArgument('txId', `expected ${TX_ID_BYTES} bytes`);
  }
}

function checkVerifyOptions(options: VerifyPrivateReadOptions): VerifyPrivateReadOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument(
      'options',
      'expected { suite, chainId, txId, nowMs, skewMs, verifyMember }',
    );
  }
  const { suite, chainId, txId, nowMs, skewMs, verifyMember } = options;
  checkRequestFields(suite, chainId, txId);
  if (!Number.isSafeInteger(nowMs) || nowMs < 0) {
    throw invalidArgument('nowMs', 'expected a non-negative integer (ms since the epoch)');
  }
  if (!Number.isSafeInteger(skewMs) || skewMs < 0) {
    throw invalidArgument('skewMs', 'expected a non-negative integer (ms)');
  }
  if (typeof verifyMember !== 'function') {
    throw invalidArgument('verifyMember', 'expected (certificateDer) => member | undefined');
  }
  return options;
}
