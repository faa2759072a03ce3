/**
 * The verifier's answer as plain JSON, the same for `trellis-verify --json` and for the
 * browser's `trellisVerify`: accepted with what the bundle proves, or refused with the rule.
 */
import {
  ProofError,
  type ProofErrorCode,
  type ProofVerdict,
  type VerdictJsonValue,
  verdictToJson,
  verifyBundle,
} from '@trellis/chain-core/proofs';

export type VerifyResult =
  | { readonly verified: true; readonly verdict: { [key: string]: VerdictJsonValue } }
  | {
      readonly verified: false;
      readonly code: ProofErrorCode;
      /** The part of the bundle (or genesis) at fault; empty for the whole input. */
      readonly path: string;
      readonly reason: string;
    };

/** An accepted bundle's verdict as a result. */
export function acceptedResult(verdict: ProofVerdict): VerifyResult {
  return { verified: true, verdict: verdictToJson(verdict) };
}

/** A refusal as a result. */
export function refusalResult(error: ProofError): VerifyResult {
  return { verified: false, code: error.code, path: error.path, reason: error.reason };
}

/**
 * Verifies `bundle` against `genesis` (a `LightClient`, or a genesis file's text or value).
 * Never throws for what the inputs hold: a bad genesis is refused with `bad-genesis`.
 */
export function verifyToResult(genesis: unknown, bundle: Uint8Array): VerifyResult {
  try {
    return acceptedResult(verifyBundle(genesis, bundle));
  } catch (error) {
    if (error instanceof ProofError) return refusalResult(error);
    throw error;
  }
}
