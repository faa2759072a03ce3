/**
 * Checks and encodings of sparse-tree node batches, shared by the LMDB node store (which
 * writes them) and the overlay (which buffers them).
 */
import {
  ByteArena,
  encodeNodeKey,
  encodeSmtNode,
  type NodeBatch,
  type NodeKey,
  type StaleNodeEntry,
} from '../merkle';
import { checkArray, checkBytes, checkCount, checkObject } from './arguments';
import { u64 } from './layout';
import { invalidArgument, StorageError } from './storage-error';

const NODE_KINDS = new Set(['null', 'leaf', 'internal']);

/**
 * Checks the shape of `batch` and the invariant the tree keeps: every node is written at the
 * batch's version, and every stale entry is stale since it. (A version only ever writes its own
 * nodes; the overlay relies on it to answer reads of older versions from its parent.)
 */
export function checkNodeBatch(field: string, batch: unknown): NodeBatch {
  checkObject(field, batch);
  const { version, nodes, stale } = batch as NodeBatch;
  checkCount(`${field}.version`, version);
  checkArray(`${field}.nodes`, nodes);
  checkArray(`${field}.stale`, stale);
  for (let i = 0; i < nodes.length; i++) {
    const item = nodes[i] as unknown;
    checkObject(`${field}.nodes[${i}]`, item);
    const { key, node } = item as NodeBatch['nodes'][number];
    checkNodeKey(`${field}.nodes[${i}].key`, key);
    if (key.version !== version) {
      throw invalidArgument(
        `${field}.nodes[${i}].key.version`,
        `must be the batch version ${version}, got ${key.version}`,
      );
    }
    checkObject(`${field}.nodes[${i}].node`, node);
    if (!NODE_KINDS.has(node.kind)) {
      throw invalidArgument(`${field}.nodes[${i}].node.kind`, `unknown kind ${String(node.kind)}`);
    }
  }
  for (let i = 0; i < stale.length; i++) {
    const entry = stale[i] as unknown;
    checkObject(`${field}.stale[${i}]`, entry);
    const { staleSinceVersion, nodeKey } = entry as StaleNodeEntry;
    if (staleSinceVersion !== version) {
      throw invalidArgument(
        `${field}.stale[${i}].staleSinceVersion`,
        `must be the batch version ${version}, got ${String(staleSinceVersion)}`,
      );
    }
    checkNodeKey(`${field}.stale[${i}].nodeKey`, nodeKey);
  }
  return batch as NodeBatch;
}

/** Checks a node key's shape (version, bit length 0..256, 32-byte path), naming the bad part. */
export function checkNodeKey(field: string, key: unknown): NodeKey {
  checkObject(field, key);
  const { version, bitLength, path } = key as NodeKey;
  checkCount(`${field}.version`, version);
  if (!Number.isInteger(bitLength) || bitLength < 0 || bitLength > 256) {
    throw invalidArgument(`${field}.bitLength`, `must be 0..256, got ${String(bitLength)}`);
  }
  checkBytes(`${field}.path`, path, 32);
  return key as NodeKey;
}

/** The `smt-stale` key of an entry: staleSinceVersion first, so a scan is oldest first. */
export function staleKey(entry: StaleNodeEntry, arena?: ByteArena): Uint8Array {
  const nodeKey = encodeNodeKey(entry.nodeKey, arena);
  const out = arena?.take(8 + nodeKey.length) ?? new Uint8Array(8 + nodeKey.length);
  out.set(u64(entry.staleSinceVersion), 0);
  out.set(nodeKey, 8);
  return out;
}

/** A batch as LMDB rows. Encoding errors (a node the codec refuses) name the node. */
export function encodeNodeRows(
  field: string,
  batch: NodeBatch,
): { nodes: [Uint8Array, Uint8Array][]; stale: Uint8Array[] } {
  // The rows go to the store and are dropped with the commit: one arena for all of them.
  const arena = new ByteArena();
  const nodes = batch.nodes.map(({ key, node }, i): [Uint8Array, Uint8Array] => {
    try {
      return [encodeNodeKey(key, arena), encodeSmtNode(node, arena)];
    } catch (error) {
      throw invalidArgument(`${field}.nodes[${i}]`, (error as Error).message);
    }
  });
  return { nodes, stale: batch.stale.map((entry) => staleKey(entry, arena)) };
}

/** Thrown by every NodeStore here when a batch does not raise the version. */
export function versionNotIncreasing(version: number, latest: number): StorageError {
  return new StorageError(
    'version-not-increasing',
    `node batch version ${version} is not above the latest version ${latest}`,
  );
}
