/**
 * P-256 and SM2 signatures between the raw form Trellis signs with (r‖s, 32 bytes each,
 * big-endian) and DER `SEQUENCE { INTEGER r, INTEGER s }` (RFC 3279 §2.2.3; GM/T 0009 for
 * SM2), which X.509, CMS, TLS and OpenSSL's command line use. Ed25519 has no DER form.
 */
import { CryptoError, CryptoErrorCode } from '../errors';
import type { SuiteId } from '../types';
import { assertBytes, concatBytes } from './bytes';
import {
  DerError,
  TAG,
  encodeTlv,
  encodeUnsignedInteger,
  expectTag,
  readChildren,
  readSingle,
  readUnsignedInteger,
} from './der';
import { checkSuiteId } from './suite-id';

function assertEcdsaSuite(suite: SuiteId, where: string): void {
  checkSuiteId(suite, where);
  if (suite === 'ed25519') {
    throw new CryptoError(
      CryptoErrorCode.InvalidArgument,
      `${where}: suite ed25519 has no DER signature form (only p256 and sm2 have)`,
      {
        argument: 'suite',
        algorithm: suite,
        expected: 'p256 | sm2',
      },
    );
  }
}

/** r‖s → DER. The 64 bytes are not range-checked: `verify` decides. */
export function signatureToDer(suite: SuiteId, signature: Uint8Array): Uint8Array {
  assertEcdsaSuite(suite, 'signatureToDer');
  assertBytes(signature, 'signatureToDer', 'signature', 64);
  return encodeTlv(
    TAG.SEQUENCE,
    encodeUnsignedInteger(signature.subarray(0, 32)),
    encodeUnsignedInteger(signature.subarray(32, 64)),
  );
}

/** Strict DER → r‖s; r and s must fit in 32 bytes (their range is checked by `verify`). */
export function signatureFromDer(suite: SuiteId, der: Uint8Array): Uint8Array {
  assertEcdsaSuite(suite, 'signatureFromDer');
  assertBytes(der, 'signatureFromDer', 'der');
  try {
    const [r, s, ...rest] = readChildren(readSingle(der, TAG.SEQUENCE));
    if (rest.length > 0) throw new DerError('extra fields after s');
    return concatBytes(
      toFixed32(readUnsignedInteger(expectTag(r, TAG.INTEGER, 'r'), 'r'), 'r'),
      toFixed32(readUnsignedInteger(expectTag(s, TAG.INTEGER, 's'), 's'), 's'),
    );
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
    throw new CryptoError(
      CryptoErrorCode.InvalidEncoding,
      `signatureFromDer: der is malformed: ${error.message}`,
      {
        argument: 'der',
        algorithm: suite,
      },
    );
  }
}

function toFixed32(magnitude: Uint8Array, what: string): Uint8Array {
  if (magnitude.length > 32) throw new DerError(`${what} does not fit in 32 bytes`);
  const out = new Uint8Array(32);
  out.set(magnitude, 32 - magnitude.length);
  return out;
}
