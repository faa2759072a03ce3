/**
 * Reading an RFC 3161 TimeStampReq (§2.4.1). Every refusal is a TsaError whose code maps to the
 * PKIFailureInfo bit the reply carries (errors.ts).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { decodeDer, octets, REQUEST_LIMITS } from './der';
import { TsaError } from './errors';
import { IMPRINT_ALGORITHMS, imprintAlgorithmOf, type TsaHashAlgorithm } from './oids';

export interface ParsedTimeStampRequest {
  readonly hashAlgorithm: TsaHashAlgorithm;
  readonly hashAlgorithmOid: string;
  readonly messageImprint: Uint8Array;
  readonly reqPolicy?: string;
  readonly nonce?: bigint;
  readonly certReq: boolean;
}

export interface ParseRequestOptions {
  /** Policies the TSA issues under; a request naming another is refused. Default: any. */
  readonly acceptedPolicies?: readonly string[];
}

/** RFC 3161 asks for a 64-bit nonce; more than 256 bits is not a nonce but a payload. */
const MAX_NONCE_OCTETS = 32;

/**
 * @throws TsaError `bad-data-format` (not DER, not a TimeStampReq, imprint of the wrong length),
 *   `bad-request` (version ≠ 1, oversized nonce), `bad-alg` (hash not sha256/384/512/sm3, or
 *   hash parameters other than absent/NULL), `unaccepted-extension` (any extension: none is
 *   supported), `unaccepted-policy` (reqPolicy not in `acceptedPolicies`).
 */
export function parseTimeStampRequest(
  der: Uint8Array,
  options: ParseRequestOptions = {},
): ParsedTimeStampRequest {
  const decoded = decodeDer(der, REQUEST_LIMITS);
  if (!decoded.ok) throw new TsaError('bad-data-format', `time-stamp request: ${decoded.reason}`);
  let request: pkijs.TimeStampReq;
  try {
    request = new pkijs.TimeStampReq({ schema: decoded.value });
  } catch (_error) {
    throw new TsaError('bad-data-format', 'time-stamp request: not a TimeStampReq structure');
  }
  if (request.version !== 1) {
    throw new TsaError('bad-request', `time-stamp request: version ${request.version}, expected 1`);
  }
  const algorithm = request.messageImprint.hashAlgorithm;
  const hashAlgorithm = imprintAlgorithmOf(algorithm.algorithmId);
  if (hashAlgorithm === undefined) {
    throw new TsaError(
      'bad-alg',
      `time-stamp request: hash algorithm ${algorithm.algorithmId} is not one of ${Object.keys(IMPRINT_ALGORITHMS).join(', ')}`,
    );
  }
  const params = algorithm.algorithmParams as unknown;
  if (params !== undefined && !(params instanceof asn1js.Null)) {
    throw new TsaError('bad-alg', 'time-stamp request: hash algorithm parameters must be absent');
  }
  const messageImprint = octets(request.messageImprint.hashedMessage);
  const expected = IMPRINT_ALGORITHMS[hashAlgorithm].length;
  if (messageImprint.length !== expected) {
    throw new TsaError(
      'bad-data-format',
      `time-stamp request: a ${hashAlgorithm} imprint has ${expected} bytes, got ${messageImprint.length}`,
    );
  }
  if (request.extensions !== undefined && request.extensions.length > 0) {
    throw new TsaError(
      'unaccepted-extension',
      `time-stamp request: extension ${request.extensions[0]!.extnID} is not supported`,
    );
  }
  const reqPolicy = request.reqPolicy;
  if (
    reqPolicy !== undefined &&
    options.acceptedPolicies !== undefined &&
    !options.acceptedPolicies.includes(reqPolicy)
  ) {
    throw new TsaError(
      'unaccepted-policy',
      `time-stamp request: policy ${reqPolicy} is not one this TSA issues under`,
    );
  }
  let nonce: bigint | undefined;
  if (request.nonce !== undefined) {
    if (request.nonce.valueBlock.valueHexView.length > MAX_NONCE_OCTETS) {
      throw new TsaError(
        'bad-request',
        `time-stamp request: nonce longer than ${MAX_NONCE_OCTETS} bytes`,
      );
    }
    nonce = request.nonce.toBigInt();
  }
  return Object.freeze({
    hashAlgorithm,
    hashAlgorithmOid: IMPRINT_ALGORITHMS[hashAlgorithm].oid,
    messageImprint,
    ...(reqPolicy === undefined ? {} : { reqPolicy }),
    ...(nonce === undefined ? {} : { nonce }),
    certReq: request.certReq === true,
  });
}
