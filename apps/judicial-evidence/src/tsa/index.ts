// RFC 3161 time-stamp authority and token verification (docs/spec/tsa.md): parse a request,
// issue a token dated by a committed Trellis block and naming it, reject with PKIFailureInfo,
// and verify any RFC 3161 token strictly.
export { FAILURE_INFO_BITS, TsaError } from './errors';
export type { TsaFailureCode } from './errors';
export { issueTimeStampResponse, rejectionResponse } from './issue';
export type { ChainAnchor, TsaIdentity } from './issue';
export {
  IMPRINT_ALGORITHMS,
  TRELLIS_ANCHOR_EXTENSION_OID,
  TRELLIS_TSA_ARC,
  TRELLIS_TSA_POLICY_OID,
} from './oids';
export type { TsaHashAlgorithm } from './oids';
export { parseTimeStampRequest } from './request';
export type { ParsedTimeStampRequest, ParseRequestOptions } from './request';
export { verifyTimeStampToken } from './verify';
export type { TokenVerification, VerifyTokenOptions } from './verify';
