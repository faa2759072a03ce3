/**
 * Why a time-stamp request is refused, as RFC 3161 §2.4.2 names it: each code maps to one bit of
 * PKIFailureInfo, which `rejectionResponse` puts in the reply.
 */

/** PKIFailureInfo bit numbers (RFC 3161 §2.4.2). */
export const FAILURE_INFO_BITS = Object.freeze({
  'bad-alg': 0,
  'bad-request': 2,
  'bad-data-format': 5,
  'time-not-available': 14,
  'unaccepted-policy': 15,
  'unaccepted-extension': 16,
  'add-info-not-available': 17,
  'system-failure': 25,
} as const);

export type TsaFailureCode = keyof typeof FAILURE_INFO_BITS;

/**
 * A refused request (`code` one of TsaFailureCode, `failInfo` its bit), or a misuse of the
 * issuing API (`code` 'invalid-argument' or 'bad-identity', `failInfo` systemFailure: the
 * requester is not at fault).
 */
export class TsaError extends Error {
  readonly code: string;
  readonly failInfo?: number;

  constructor(code: TsaFailureCode | 'invalid-argument' | 'bad-identity', message: string) {
    super(message);
    this.name = 'TsaError';
    this.code = code;
    this.failInfo =
      code === 'invalid-argument' || code === 'bad-identity'
        ? FAILURE_INFO_BITS['system-failure']
        : FAILURE_INFO_BITS[code];
  }
}
