/**
 * Byte encodings of node keys and nodes for a persistent NodeStore (docs/spec/proofs.md §4.2).
 * A store keeps nodes under `encodeNodeKey(key)` (big-endian version first, so a key range
 * scan walks versions in order) and values `encodeSmtNode(node)`.
 */
import { checkCount } from '../bytes';
import { invalidArgument } from '../merkle-error';
import { type ByteArena, ByteReader, ByteWriter } from './byte-reader';
import { RADIX, RADIX_BITS, SMT_KEY_BITS, SMT_KEY_BYTES } from './hashing';
import type { NodeKey, SmtChildRef, SmtNode } from './node';

const NULL_TAG = 0x00;
const LEAF_TAG = 0x01;
const INTERNAL_TAG = 0x02;

/** u64 version ‖ u16 bitLength ‖ the ceil(bitLength / 8) bytes of the path. */
export function encodeNodeKey(key: NodeKey, arena?: ByteArena): Uint8Array {
  checkCount('key.version', key.version);
  if (!Number.isInteger(key.bitLength) || key.bitLength < 0 || key.bitLength > SMT_KEY_BITS) {
    throw invalidArgument('key.bitLength', `must be 0..256, got ${key.bitLength}`);
  }
  const n = Math.ceil(key.bitLength / 8);
  return new ByteWriter(10 + n, arena)
    .u64(key.version)
    .u16(key.bitLength)
    .raw(key.path.subarray(0, n))
    .finish();
}

export function decodeNodeKey(bytes: Uint8Array): NodeKey {
  const reader = new ByteReader(bytes, 'node-key');
  const version = reader.u64();
  const bitLength = reader.u16();
  if (bitLength > SMT_KEY_BITS) throw reader.fail(`bit length ${bitLength} is above 256`);
  const path = reader.bits(bitLength, 'path');
  reader.end();
  return { version, bitLength, path };
}

/**
 * A compact string naming a node key, equal for equal keys: "version/bitLength/" and the
 * path's ⌈bitLength / 8⌉ bytes as characters. For in-memory maps; not an encoding.
 */
export function nodeKeyId(key: NodeKey): string {
  let id = `${key.version}/${key.bitLength}/`;
  const n = Math.ceil(key.bitLength / 8);
  for (let i = 0; i < n; i++) id += String.fromCharCode(key.path[i]!);
  return id;
}

/**
 * null:     0x00
 * leaf:     0x01 ‖ key(32) ‖ u8 L ‖ valueHash(L) ‖ value(rest)
 * internal: 0x02 ‖ u8 depth ‖ path(ceil(depth / 8)) ‖ u8 L ‖ u16 children ‖ u16 leaves
 *           ‖ (u64 version ‖ hash(L)) for each child, by nibble
 *   bit n of `children` (n = 0: the least significant) says there is a child for nibble n, bit n
 *   of `leaves` that it is a leaf.
 */
/** `arena`: where the bytes go, for a batch of rows dropped together (ByteArena). */
export function encodeSmtNode(node: SmtNode, arena?: ByteArena): Uint8Array {
  switch (node.kind) {
    case 'null':
      return new ByteWriter(1, arena).u8(NULL_TAG).finish();
    case 'leaf':
      return new ByteWriter(34 + node.valueHash.length + node.value.length, arena)
        .u8(LEAF_TAG)
        .raw(node.key)
        .u8(node.valueHash.length)
        .raw(node.valueHash)
        .raw(node.value)
        .finish();
    case 'internal': {
      if (
        !Number.isInteger(node.depth) ||
        node.depth % RADIX_BITS !== 0 ||
        node.depth < 0 ||
        node.depth > SMT_KEY_BITS - RADIX_BITS
      ) {
        throw invalidArgument('node.depth', `must be a multiple of 4 in 0..252, got ${node.depth}`);
      }
      const pathBytes = Math.ceil(node.depth / 8);
      let present = 0;
      let leaves = 0;
      let length = 0;
      let size = 0;
      for (let n = 0; n < RADIX; n++) {
        const child = node.children[n];
        if (child === null || child === undefined) continue;
        present |= 1 << n;
        if (child.leaf) leaves |= 1 << n;
        length = child.hash.length;
        size += 8 + length;
      }
      const writer = new ByteWriter(7 + pathBytes + size, arena);
      writer.u8(INTERNAL_TAG).u8(node.depth).raw(node.path.subarray(0, pathBytes));
      writer.u8(length).u16(present).u16(leaves);
      for (let n = 0; n < RADIX; n++) {
        const child = node.children[n];
        if (child === null || child === undefined) continue;
        if (child.hash.length !== length) {
          throw invalidArgument('node.children', 'child hashes must all have one length');
        }
        writer.u64(child.version).raw(child.hash);
      }
      return writer.finish();
    }
  }
}

export function decodeSmtNode(bytes: Uint8Array): SmtNode {
  const reader = new ByteReader(bytes, 'smt-node');
  const tag = reader.u8();
  switch (tag) {
    case NULL_TAG:
      reader.end();
      return { kind: 'null' };
    case LEAF_TAG: {
      const key = reader.bytesOf(SMT_KEY_BYTES);
      const valueHash = reader.bytesOf(hashLength(reader));
      return { kind: 'leaf', key, valueHash, value: reader.rest() };
    }
    case INTERNAL_TAG: {
      const depth = reader.u8();
      if (depth % RADIX_BITS !== 0 || depth > SMT_KEY_BITS - RADIX_BITS) {
        throw reader.fail(`internal depth ${depth} is not a multiple of 4 in 0..252`);
      }
      const path = reader.bits(depth, 'path');
      const length = hashLength(reader);
      const present = reader.u16();
      const leaves = reader.u16();
      if (
        present === 0 ||
        (leaves & ~present) !== 0 ||
        (present === leaves && (present & (present - 1)) === 0)
      ) {
        throw reader.fail(
          `children ${present.toString(2)}, leaves ${leaves.toString(2)}: not an internal node of two or more keys`,
        );
      }
      const children: (SmtChildRef | null)[] = new Array<SmtChildRef | null>(RADIX);
      for (let n = 0; n < RADIX; n++) {
        children[n] =
          (present >> n) & 1
            ? {
                version: reader.u64(),
                hash: reader.bytesOf(length),
                leaf: ((leaves >> n) & 1) === 1,
              }
            : null;
      }
      reader.end();
      return { kind: 'internal', depth, path, children };
    }
    default:
      throw reader.fail(`unknown node tag ${tag}`);
  }
}

function hashLength(reader: ByteReader): number {
  const length = reader.u8();
  if (length < 1 || length > 64) throw reader.fail(`hash length ${length} is not 1..64`);
  return length;
}
