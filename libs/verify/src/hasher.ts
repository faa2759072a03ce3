/**
 * Incremental SHA-256 and SM3 of a stream of chunks, for a page that hashes a large file
 * without holding it in memory (the court page hashes evidence in the browser, never uploads it).
 *
 * SHA-256 is @noble/hashes'; SM3 is chain-core's portable one, which `@trellis/chain-core/proofs`
 * (the one entry a browser may load) exports.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { Sm3 } from '@trellis/chain-core/proofs';

export interface Digests {
  /** Lower-case hex, 64 characters. */
  readonly sha256: string;
  readonly sm3: string;
}

export interface TrellisHasher {
  /** Feeds the next chunk (any size, including 0). Throws after `digest()`. */
  update(chunk: Uint8Array): void;
  /** Both digests of everything fed so far; the hasher is finished afterwards. */
  digest(): Digests;
  /** Bytes fed so far. */
  readonly length: number;
}

export { Sm3 };

export class HasherError extends Error {
  constructor(
    readonly code: 'hasher-finished' | 'hasher-bad-chunk',
    message: string,
  ) {
    super(message);
    this.name = 'HasherError';
  }
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** A hasher computing SHA-256 and SM3 of the same stream at once. */
export function trellisHasher(): TrellisHasher {
  const sha = sha256.create();
  const sm3 = new Sm3();
  let length = 0;
  let finished = false;
  return {
    update(chunk: Uint8Array): void {
      if (finished) throw new HasherError('hasher-finished', 'update after digest');
      if (!(chunk instanceof Uint8Array)) {
        throw new HasherError('hasher-bad-chunk', 'a chunk must be a Uint8Array');
      }
      sha.update(chunk);
      sm3.update(chunk);
      length += chunk.length;
    },
    digest(): Digests {
      if (finished) throw new HasherError('hasher-finished', 'digest called twice');
      finished = true;
      return { sha256: hex(sha.digest()), sm3: hex(sm3.digest()) };
    },
    get length() {
      return length;
    },
  };
}
