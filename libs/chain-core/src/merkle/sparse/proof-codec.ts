/**
 * The byte encoding of a sparse Merkle proof (docs/spec/proofs.md §3.5), for the node API and
 * anything else that carries proofs as bytes. Empty siblings take one bit, not a hash.
 *
 *   u8 format = 0x01 ‖ u8 flags (bit 0: leaf present) ‖ u16 n (siblings, 0..256)
 *   ‖ bitmap ⌈n/8⌉ bytes (bit i, MSB first: sibling i is a hash, not empty; padding zero)
 *   ‖ [leaf key (32) ‖ leaf value hash (L)] ‖ each non-empty sibling (L), bottom-up
 *
 * L, the digest length, is not encoded: it is the chain's (32 for SHA-256 and SM3).
 */
import { invalidArgument } from '../merkle-error';
import { ByteReader, ByteWriter } from './byte-reader';
import { SMT_KEY_BITS, SMT_KEY_BYTES } from './hashing';
import type { SparseMerkleProof, SparseProofLeaf } from './proof';

const FORMAT = 0x01;
const FLAG_LEAF = 0x01;

export function encodeSparseProof(proof: SparseMerkleProof): Uint8Array {
  const { leaf, siblings } = proof;
  if (siblings.length > SMT_KEY_BITS) {
    throw invalidArgument('proof.siblings', `has ${siblings.length} entries, at most 256`);
  }
  const hashes = siblings.filter((s): s is Uint8Array => s !== null);
  if (leaf !== null) {
    if (leaf.key.length !== SMT_KEY_BYTES) {
      throw invalidArgument('proof.leaf.key', `must be 32 bytes, got ${leaf.key.length}`);
    }
    hashes.push(leaf.valueHash);
  }
  if (hashes.some((h) => h.length !== hashes[0]!.length || h.length === 0)) {
    throw invalidArgument('proof', 'its hashes must all have the same, non-zero length');
  }
  const bitmap = new Uint8Array(Math.ceil(siblings.length / 8));
  siblings.forEach((s, i) => {
    if (s !== null) bitmap[i >> 3] = bitmap[i >> 3]! | (0x80 >> (i & 7));
  });
  const writer = new ByteWriter()
    .u8(FORMAT)
    .u8(leaf === null ? 0 : FLAG_LEAF)
    .u16(siblings.length)
    .raw(bitmap);
  if (leaf !== null) writer.raw(leaf.key).raw(leaf.valueHash);
  for (const s of siblings) if (s !== null) writer.raw(s);
  return writer.finish();
}

/** Decodes a proof whose hashes are `hashLength` bytes; `malformed` MerkleError otherwise. */
export function decodeSparseProof(bytes: Uint8Array, hashLength: number): SparseMerkleProof {
  if (!Number.isInteger(hashLength) || hashLength < 1 || hashLength > 64) {
    throw invalidArgument('hashLength', `must be 1..64, got ${hashLength}`);
  }
  const reader = new ByteReader(bytes, 'sparse-proof');
  const format = reader.u8();
  if (format !== FORMAT) throw reader.fail(`unknown format ${format}`);
  const flags = reader.u8();
  if ((flags & ~FLAG_LEAF) !== 0) throw reader.fail(`unknown flags ${flags}`);
  const count = reader.u16();
  if (count > SMT_KEY_BITS) throw reader.fail(`${count} siblings, at most 256`);
  const bitmap = reader.bits(count, 'bitmap');
  let leaf: SparseProofLeaf | null = null;
  if (flags & FLAG_LEAF) {
    leaf = { key: reader.bytesOf(SMT_KEY_BYTES), valueHash: reader.bytesOf(hashLength) };
  }
  const siblings: (Uint8Array | null)[] = [];
  for (let i = 0; i < count; i++) {
    const present = (bitmap[i >> 3]! >> (7 - (i & 7))) & 1;
    siblings.push(present ? reader.bytesOf(hashLength) : null);
  }
  reader.end();
  return { leaf, siblings };
}
