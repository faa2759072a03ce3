import type { HashFn } from '../../src/codec';
/** Test helpers for the sparse Merkle tree: a reference root, a byte-level store, arbitraries. */
import fc from 'fast-check';
import {
  decodeSmtNode,
  encodeNodeKey,
  encodeSmtNode,
  type NodeBatch,
  type NodeKey,
  type NodeStore,
  type SmtNode,
  type StaleNodeEntry,
} from '../../src/merkle';
import { hex } from './helpers';

export type Model = Map<string, Uint8Array>;

const bitOf = (key: Uint8Array, i: number): number => (key[i >> 3]! >> (7 - (i & 7))) & 1;
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/**
 * The root of the canonical sparse tree of `model` straight from the definition in
 * docs/spec/proofs.md §3.2 (no compression, no store): the reference the tree must match.
 */
export function referenceSmtRoot(hash: HashFn, model: Model): Uint8Array {
  const empty = hash(Uint8Array.of(0x82));
  const entries = [...model].map(([key, value]) => ({ key: Buffer.from(key, 'hex'), value }));
  const subtree = (list: typeof entries, depth: number): Uint8Array => {
    if (list.length === 0) return empty;
    if (list.length === 1) {
      const [{ key, value }] = list as [(typeof entries)[0]];
      return hash(concat(Uint8Array.of(0x80), key, hash(value)));
    }
    const left = subtree(
      list.filter((e) => bitOf(e.key, depth) === 0),
      depth + 1,
    );
    const right = subtree(
      list.filter((e) => bitOf(e.key, depth) === 1),
      depth + 1,
    );
    return hash(concat(Uint8Array.of(0x81), left, right));
  };
  return subtree(entries, 0);
}

/** The encoded keys (hex) of every node reachable from `version`'s root. */
export function reachableNodeKeys(store: NodeStore, version: number): string[] {
  const out: string[] = [];
  const visit = (key: NodeKey): void => {
    const node = store.getNode(key);
    if (node === undefined) throw new Error(`unreachable node ${hex(encodeNodeKey(key))}`);
    out.push(hex(encodeNodeKey(key)));
    if (node.kind !== 'internal') return;
    node.children.forEach((ref, nibble) => {
      if (ref === null) return;
      const path = new Uint8Array(32);
      for (let i = 0; i < node.depth; i++) {
        if (bitOf(node.path, i)) path[i >> 3] = path[i >> 3]! | (0x80 >> (i & 7));
      }
      for (let i = 0; i < 4; i++) {
        const bit = node.depth + i;
        if ((nibble >> (3 - i)) & 1) path[bit >> 3] = path[bit >> 3]! | (0x80 >> (bit & 7));
      }
      visit({ version: ref.version, bitLength: node.depth + 4, path });
    });
  };
  visit({ version, bitLength: 0, path: new Uint8Array(32) });
  return out;
}

/**
 * A NodeStore keeping only bytes (encodeNodeKey → encodeSmtNode), as an LMDB store will: the
 * tree must work the same through the node codec.
 */
export class BytesNodeStore implements NodeStore {
  readonly nodes = new Map<string, Uint8Array>();
  private readonly stale = new Map<string, StaleNodeEntry>();
  private latest: number | undefined;

  getNode(key: NodeKey): SmtNode | undefined {
    const bytes = this.nodes.get(hex(encodeNodeKey(key)));
    return bytes === undefined ? undefined : decodeSmtNode(bytes);
  }

  writeBatch(batch: NodeBatch): void {
    for (const { key, node } of batch.nodes) {
      this.nodes.set(hex(encodeNodeKey(key)), encodeSmtNode(node));
    }
    for (const entry of batch.stale) this.stale.set(hex(encodeNodeKey(entry.nodeKey)), entry);
    this.latest = batch.version;
  }

  latestVersion(): number | undefined {
    return this.latest;
  }

  staleEntries(uptoVersion: number, limit: number): readonly StaleNodeEntry[] {
    return [...this.stale.values()]
      .filter((e) => e.staleSinceVersion <= uptoVersion)
      .slice(0, limit);
  }

  removeStale(entries: readonly StaleNodeEntry[]): void {
    for (const { nodeKey } of entries) {
      const id = hex(encodeNodeKey(nodeKey));
      this.nodes.delete(id);
      this.stale.delete(id);
    }
  }
}

const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

/**
 * Sets of distinct 32-byte keys: some uniformly random, some a few bit flips away from one of
 * up to three base keys, so that keys share long prefixes (down to bit 255) and the tree gets
 * long compressed paths, not only the shallow shapes random keys give.
 */
export const keySetArb = (maxKeys: number): fc.Arbitrary<Uint8Array[]> =>
  fc
    .tuple(
      fc.array(key32, { minLength: 1, maxLength: 3 }),
      fc.array(
        fc.oneof(
          key32,
          fc.record({ base: fc.nat(), flips: fc.uniqueArray(fc.nat(255), { maxLength: 3 }) }),
        ),
        { maxLength: maxKeys },
      ),
    )
    .map(([bases, specs]) => {
      const keys = new Map<string, Uint8Array>();
      for (const spec of specs) {
        let key: Uint8Array;
        if (spec instanceof Uint8Array) key = spec;
        else {
          key = new Uint8Array(bases[spec.base % bases.length]!);
          for (const bit of spec.flips) key[bit >> 3] = key[bit >> 3]! ^ (0x80 >> (bit & 7));
        }
        keys.set(hex(key), key);
      }
      return [...keys.values()];
    });

export const valueArb = fc.uint8Array({ maxLength: 6 });

/** A model (key hex → value) over the keys in `keys`. */
export const modelArb = (maxKeys: number): fc.Arbitrary<Model> =>
  keySetArb(maxKeys).chain((keys) =>
    fc
      .array(valueArb, { minLength: keys.length, maxLength: keys.length })
      .map((values) => new Map(keys.map((k, i) => [hex(k), values[i]!]))),
  );

export const keyOf = (keyHex: string): Uint8Array => new Uint8Array(Buffer.from(keyHex, 'hex'));
