/**
 * Transaction signatures, verified once per node. A success is remembered under
 * `H(id ‖ signature)` (LRU); failures are not, so junk cannot evict good entries. Signing keys
 * are remembered by certificate tbs hash: the tbs hash commits to the SubjectPublicKeyInfo, so
 * the mapping never changes, and each SPKI is parsed into the suite's key once.
 */
import { type HashFn, toHex } from '../codec';
import { LruCache, type SignatureSuite } from '../crypto';
import type { Transaction } from '../types';
import { AdmissionError } from './admission-error';

/** A signature still to verify, and where it came from (for the error). */
export interface PendingSignature {
  readonly index: number;
  readonly tx: Transaction;
  readonly id: Uint8Array;
  readonly key: Uint8Array;
}

export interface SignatureCacheOptions {
  readonly suite: SignatureSuite;
  readonly hash: HashFn;
  readonly signatureCacheSize: number;
  readonly keyCacheSize: number;
}

/** A key the suite cannot use: the reason, remembered like a key. */
interface KeyRefusal {
  readonly refused: string;
}

export class SignatureCache {
  private readonly verified: LruCache<string, true>;
  private readonly keys: LruCache<string, Uint8Array | KeyRefusal>;
  private count = 0;

  constructor(private readonly opts: SignatureCacheOptions) {
    this.verified = new LruCache(opts.signatureCacheSize);
    this.keys = new LruCache(opts.keyCacheSize);
  }

  /** Signature verifications actually performed (each a cache miss). */
  get verifications(): number {
    return this.count;
  }

  /**
   * The suite's public key for the certificate with tbs hash `tbsHex` and SubjectPublicKeyInfo
   * `spki` (`suite.publicKeyFromDer`); a key of another algorithm than the chain's suite is
   * `certificate-invalid`.
   */
  key(tbsHex: string, spki: Uint8Array): Uint8Array {
    let entry = this.keys.get(tbsHex);
    if (entry === undefined) {
      try {
        entry = this.opts.suite.publicKeyFromDer(spki);
      } catch (error) {
        entry = { refused: (error as Error).message };
      }
      this.keys.set(tbsHex, entry);
    }
    if (entry instanceof Uint8Array) return entry;
    throw new AdmissionError(
      'certificate-invalid',
      `the certificate's key is not a ${this.opts.suite.id} key, the chain's signature suite (${entry.refused})`,
      { field: 'body.signer.cert' },
    );
  }

  /** The key already derived for this tbs hash, if any. */
  cachedKey(tbsHex: string): Uint8Array | undefined {
    const entry = this.keys.get(tbsHex);
    return entry instanceof Uint8Array ? entry : undefined;
  }

  /** Whether this (id, signature) was verified before. */
  known(id: Uint8Array, signature: Uint8Array): boolean {
    return this.verified.get(this.cacheKey(id, signature)) !== undefined;
  }

  /** Verifies (unless known) the signature of `tx` over `id` under `key`, or `bad-signature`. */
  require(tx: Transaction, id: Uint8Array, key: Uint8Array): void {
    const cacheKey = this.cacheKey(id, tx.signature);
    if (this.verified.get(cacheKey) !== undefined) return;
    this.count++;
    if (!this.opts.suite.verify(key, id, tx.signature)) {
      throw new AdmissionError(
        'bad-signature',
        `the signature does not verify under the key of certificate ${toHex(tx.body.signer.cert)}`,
        { field: 'signature' },
      );
    }
    this.verified.set(cacheKey, true);
  }

  /**
   * Verifies every pending signature in one batch call, remembers the good ones, and returns
   * the first bad one (undefined when all verify).
   */
  verifyAll(pending: readonly PendingSignature[]): PendingSignature | undefined {
    if (pending.length === 0) return undefined;
    this.count += pending.length;
    const results = this.opts.suite.verifyBatch(
      pending.map(({ tx, id, key }) => ({ publicKey: key, message: id, signature: tx.signature })),
    );
    let failed: PendingSignature | undefined;
    pending.forEach((item, i) => {
      if (results[i] === true) this.verified.set(this.cacheKey(item.id, item.tx.signature), true);
      else failed ??= item;
    });
    return failed;
  }

  private cacheKey(id: Uint8Array, signature: Uint8Array): string {
    const input = new Uint8Array(id.length + signature.length);
    input.set(id);
    input.set(signature, id.length);
    return toHex(this.opts.hash(input));
  }
}
