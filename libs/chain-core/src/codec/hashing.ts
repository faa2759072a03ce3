/**
 * Domain-separated hashing: every hashed or signed structure has its own tag, so that bytes
 * meant as one type can never be taken for another (a vote for a transaction, a leaf for a
 * header). The tag is prefixed with its length:
 *
 *   taggedHash(H, tag, bytes) = H( u8(len(tag)) ‖ ascii(tag) ‖ bytes )
 *
 * H is the chain's hash (SHA-256, or SM3 under the SM suite); both give 32 bytes.
 */
import { CodecError } from './errors';

/** A 32-byte hash function (SHA-256 or SM3). */
export type HashFn = (data: Uint8Array) => Uint8Array;

/** Every tag in use: one per hashed or signed type, never reused (docs/spec/encoding.md). */
export const HASH_TAGS = {
  transaction: 'trellis/tx/v1',
  batch: 'trellis/batch/v1',
  blockHeader: 'trellis/block-header/v1',
  voteData: 'trellis/vote-data/v1',
  vote: 'trellis/vote/v1',
  quorumCertificate: 'trellis/qc/v1',
  timeoutData: 'trellis/timeout-data/v1',
  timeout: 'trellis/timeout/v1',
  timeoutCertificate: 'trellis/tc/v1',
  receipt: 'trellis/receipt/v1',
  event: 'trellis/event/v1',
  /** A world-state key's place in the sparse Merkle tree: taggedHash(H, tag, fullKey). */
  stateKey: 'trellis/state-key/v1',
} as const;

export type HashTag = (typeof HASH_TAGS)[keyof typeof HASH_TAGS];

// At least 2 characters: the first hashed byte (the tag length) is then never 0x00 or 0x01,
// the RFC 9162 leaf and node prefixes, nor 0x80-0x82, the sparse tree's (docs/spec/proofs.md).
const TAG = /^[a-z0-9/.-]{2,64}$/;
const encoder = new TextEncoder();
/** Checked, encoded tags: a tag is validated and encoded once, not on every hash. */
const prefixes = new Map<string, Uint8Array>();

function tagPrefix(tag: string): Uint8Array {
  let prefix = prefixes.get(tag);
  if (prefix === undefined) {
    if (!TAG.test(tag)) throw new CodecError('invalid', `hash tag must match ${TAG.source}`, 'tag');
    prefix = encoder.encode(tag);
    prefixes.set(tag, prefix);
  }
  return prefix;
}

export function taggedHash(hash: HashFn, tag: string, bytes: Uint8Array): Uint8Array {
  const prefix = tagPrefix(tag);
  const input = new Uint8Array(1 + prefix.length + bytes.length);
  input[0] = prefix.length;
  input.set(prefix, 1);
  input.set(bytes, 1 + prefix.length);
  const digest = hash(input);
  if (digest.length !== 32)
    throw new CodecError(
      'invalid',
      `hash function returned ${digest.length} bytes, not 32`,
      'hash',
    );
  return digest;
}
