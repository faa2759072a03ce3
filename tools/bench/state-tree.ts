/**
 * `npm run bench:state-tree`: the sparse Merkle tree's share of a block commit, alone, on the
 * chain store (LMDB, durable commits), for docs/benchmarks.md.
 *
 * Workload (the invoice bench's, per block): KEYS new keys, half with ~470-byte values (an
 * invoice record) and half with ~60-byte values (a payment index entry), plus one updated key
 * (a merchant's sequence), over a tree that already holds POPULATED keys. Per block it times
 * `applyBatch` on an overlay (what a validator does when it executes a block) and
 * `commitBlock` with the overlay's node batch and the state writes (what it does at commit).
 * Figures are CPU time (user + system: a commit's wait for the disk is not counted), medians over
 * BLOCKS blocks, per key written.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  ChainStore,
  hash,
  InnerHashCache,
  OverlayNodeStore,
  SparseMerkleTree,
} from '@trellis/chain-core';

const KEYS = Number(process.env['KEYS'] ?? 750);
const POPULATED = Number(process.env['POPULATED'] ?? 30_000);
const BLOCKS = Number(process.env['BLOCKS'] ?? 40);

const sha256 = (data: Uint8Array) => hash('sha256', data);
/** This process's CPU time (user + system), ms: disk waits are not CPU. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-state-tree-'));
  const store = ChainStore.open({ path: dir });
  const sequenceKey = new Uint8Array(randomBytes(32));
  let height = 0n;
  let sequence = 0;
  // as a validator's block runner keeps one
  const innerHashes = new InnerHashCache();
  const block = (): { build: number; commit: number; nodes: number; stale: number } => {
    const updates = Array.from({ length: KEYS }, (_, i) => ({
      key: new Uint8Array(randomBytes(32)),
      value: new Uint8Array(randomBytes(i % 2 === 0 ? 470 : 60)),
    }));
    updates.push({ key: sequenceKey, value: new Uint8Array([0x1a, 0, 0, 0, ++sequence & 0xff]) });
    const t0 = cpuMs();
    const nodes = new OverlayNodeStore(store.nodeStore());
    const tree = new SparseMerkleTree({ hash: sha256, innerHashes }, { store: nodes });
    const root = tree.applyBatch(Number(height), updates);
    const t1 = cpuMs();
    const batch = nodes.pendingBatch()!;
    store.commitBlock({
      height,
      hash: sha256(root),
      block: root,
      result: root,
      batches: [],
      receipts: [],
      txIds: [],
      stateWrites: updates,
      nodeBatch: batch,
    });
    const t2 = cpuMs();
    height++;
    return {
      build: t1 - t0,
      commit: t2 - t1,
      nodes: batch.nodes.length,
      stale: batch.stale.length,
    };
  };
  try {
    while (Number(height) * KEYS < POPULATED) block();
    const runs = Array.from({ length: BLOCKS }, block);
    const perKey = (f: (r: (typeof runs)[number]) => number) =>
      ((median(runs.map(f)) / (KEYS + 1)) * 1000).toFixed(1);
    process.stdout.write(
      [
        `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
        '',
        '| keys per block | keys in the tree | CPU µs per key: applyBatch | CPU µs per key: commitBlock | nodes written per key | stale entries per key |',
        '| --- | --- | --- | --- | --- | --- |',
        `| ${KEYS + 1} | ${Number(height - BigInt(BLOCKS)) * KEYS}..${Number(height) * KEYS} | ${perKey((r) => r.build)} | ${perKey((r) => r.commit)} | ${(median(runs.map((r) => r.nodes)) / (KEYS + 1)).toFixed(2)} | ${(median(runs.map((r) => r.stale)) / (KEYS + 1)).toFixed(2)} |`,
        '',
      ].join('\n'),
    );
  } finally {
    void store.close().then(() => rmSync(dir, { recursive: true, force: true }));
  }
}

main();
