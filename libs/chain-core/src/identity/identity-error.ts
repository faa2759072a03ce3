/**
 * The one error type of the identity layer: a code from a closed union plus metadata typed per
 * code (as Lodestar's `LodestarError`), and a message that states the facts.
 *
 * Every refusal of `verifyMember`, `Organisation.load` and the issuing tools is an
 * `IdentityError`; anything else escaping them is a bug (or an exception thrown by a caller's
 * own `isRevoked` callback, which is passed through unchanged).
 */

/** Which of the two certificates of a member's path a fact is about. */
export type CertificateSubject = 'member' | 'ca';

export type IdentityErrorType =
  /** An argument of a tool or of `verifyMember` itself is wrong; `field` names it. */
  | { readonly code: 'invalid-argument'; readonly field: string }
  /** The bytes are not a DER X.509 v3 certificate of the Trellis profile; `field` says where. */
  | { readonly code: 'malformed'; readonly field: string }
  /** A key or signature algorithm other than ECDSA P-256/SHA-256 or Ed25519. */
  | { readonly code: 'unsupported-algorithm'; readonly field: string; readonly algorithm: string }
  /** The issuer is not the root CA of an organisation of the consortium. */
  | { readonly code: 'unknown-issuer'; readonly issuer: string }
  /** The issuer's signature does not verify under the organisation CA's key. */
  | { readonly code: 'bad-signature'; readonly orgId: string }
  | {
      readonly code: 'not-yet-valid';
      readonly certificate: CertificateSubject;
      readonly notBefore: string;
      readonly at: string;
    }
  | {
      readonly code: 'expired';
      readonly certificate: CertificateSubject;
      readonly notAfter: string;
      readonly at: string;
    }
  /** An organisation's root certificate is not a CA certificate (basicConstraints / keyUsage). */
  | { readonly code: 'not-a-ca'; readonly orgId: string }
  /** A CA certificate was presented where a member certificate is required. */
  | { readonly code: 'is-a-ca'; readonly subject: string }
  /** Subject `O` differs from the organisation that the issuer (or genesis) says. */
  | { readonly code: 'org-mismatch'; readonly expected: string; readonly actual: string }
  /** keyUsage does not allow what the certificate is used for. */
  | { readonly code: 'bad-key-usage'; readonly certificate: CertificateSubject }
  /** No member-attributes extension, or one with no roles. */
  | { readonly code: 'missing-roles'; readonly subject: string }
  | {
      readonly code: 'role-not-granted';
      readonly role: string;
      readonly roles: readonly string[];
    }
  | { readonly code: 'revoked'; readonly orgId: string; readonly serialHex: string };

export type IdentityErrorCode = IdentityErrorType['code'];

export class IdentityError extends Error {
  readonly type: IdentityErrorType;

  constructor(type: IdentityErrorType, message: string) {
    super(message);
    this.name = 'IdentityError';
    this.type = Object.freeze({ ...type });
  }

  get code(): IdentityErrorCode {
    return this.type.code;
  }
}

/** Shorthand for the two most frequent kinds: they only carry the field they are about. */
export function malformed(field: string, message: string): IdentityError {
  return new IdentityError({ code: 'malformed', field }, message);
}

export function invalidArgument(field: string, message: string): IdentityError {
  return new IdentityError({ code: 'invalid-argument', field }, `${field}: ${message}`);
}

/** A date as RFC 3339 UTC with second precision, the precision of X.509 times. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
