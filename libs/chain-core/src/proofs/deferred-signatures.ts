/**
 * Signature checks, collected while a bundle's cheap rules (hash links, rounds, Merkle
 * proofs) are checked, and run last. The bundle is accepted only if every rule holds, so the
 * order changes nothing but which error a doubly-broken bundle reports — and a bundle broken
 * anywhere else is refused without spending a signature verification (~2 ms each in pure JS).
 */
import type { SignatureSuite } from '../crypto/portable';
import { refuse } from './proof-error';

interface SignatureCheck {
  readonly publicKey: Uint8Array;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  /** The signer's index in its epoch's validator set. */
  readonly validator: number;
  readonly epoch: bigint;
  readonly path: string;
}

export class DeferredSignatures {
  private readonly checks: SignatureCheck[] = [];

  constructor(private readonly suite: SignatureSuite) {}

  add(check: SignatureCheck): void {
    this.checks.push(check);
  }

  get size(): number {
    return this.checks.length;
  }

  /** @throws ProofError('bad-signature') at the first signature that does not verify. */
  verifyAll(): void {
    for (const check of this.checks) {
      if (!this.verifies(check)) {
        refuse(
          'bad-signature',
          check.path,
          `the signature of validator ${check.validator} of epoch ${check.epoch} does not verify`,
        );
      }
    }
  }

  /**
   * The suite refuses (throws) keys of a length it never accepts. A validator-set record can
   * hold such a key (it is bytes(32..65)); its holder can sign nothing, which consensus
   * tolerates like any silent validator, so here it is a signature that does not verify.
   */
  private verifies(check: SignatureCheck): boolean {
    try {
      return this.suite.verify(check.publicKey, check.payload, check.signature);
    } catch (_unusableKey) {
      return false;
    }
  }
}
