/**
 * Choosing a suite and the node's entry points: `getSuite` (fast by default), `hash`,
 * `verifyBatch`. docs/spec/crypto.md.
 */
import { checkedHash } from './common/hash';
import { checkImplementation, checkSuiteId } from './common/suite-id';
import { CryptoError, CryptoErrorCode } from './errors';
import { FAST_HASHES, FAST_SUITES } from './fast';
import { PORTABLE_SUITES } from './portable';
import type { BatchItem, HashId, Implementation, SignatureSuite, SuiteId } from './types';

/** The suite `id` in the given implementation (the node's fast one unless asked otherwise). */
export function getSuite(id: SuiteId, implementation: Implementation = 'fast'): SignatureSuite {
  checkSuiteId(id, 'getSuite', 'id');
  checkImplementation(implementation, 'getSuite');
  return (implementation === 'fast' ? FAST_SUITES : PORTABLE_SUITES)[id];
}

/** SHA-256 or SM3 of `data` through OpenSSL (node:crypto). */
export const hash: (id: HashId, data: Uint8Array) => Uint8Array = checkedHash(FAST_HASHES, 'hash');

/**
 * Verifies many signatures on one thread; `result[i]` tells whether `items[i]` verifies.
 * `suite` is a suite id (fast implementation) or a suite object. Throws, naming the item,
 * if any item has a field of the wrong type or length. For all cores, see `VerifierPool`.
 */
export function verifyBatch(
  suite: SuiteId | SignatureSuite,
  items: readonly BatchItem[],
): boolean[] {
  if (typeof suite === 'object' && suite !== null) {
    const known = FAST_SUITES[suite.id] === suite || PORTABLE_SUITES[suite.id] === suite;
    if (!known) {
      throw new CryptoError(
        CryptoErrorCode.InvalidArgument,
        'verifyBatch: suite must come from getSuite',
        {
          argument: 'suite',
        },
      );
    }
    return suite.verifyBatch(items);
  }
  checkSuiteId(suite, 'verifyBatch');
  return FAST_SUITES[suite].verifyBatch(items);
}
