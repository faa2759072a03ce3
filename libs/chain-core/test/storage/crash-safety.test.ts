/**
 * Crash safety: a writer process commits blocks in a tight loop and is SIGKILLed at random
 * moments; after every kill the store must hold exactly a prefix of the chain, complete, with
 * everything the writer reported as done.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { InMemoryNodeStore, SparseMerkleTree, verifySparseProof } from '../../src/merkle';
import { ChainStore } from '../../src/storage';
import {
  batchDigest,
  blockBytes,
  blockHash,
  LAST_HEIGHT_META,
  readU64,
  receipt,
  sha256,
  smtUpdates,
  stateWrites,
  txCount,
  txId,
  u64,
} from './fixtures/crash-chain';
import { byteOrder, hex, Scratch, seededRandom } from './helpers';

const REPO = resolve(__dirname, '../../../..');
const WRITER = join(__dirname, 'fixtures', 'commit-loop.ts');
const ROUNDS = 15;

const scratch = new Scratch();
afterAll(() => scratch.dispose());

interface Round {
  /** The highest `commit <h>` and `safety <h>` lines printed, -1 if none. */
  readonly committed: bigint;
  readonly safety: bigint;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Starts the writer on `path` and SIGKILLs it `delayMs` after it has opened the store. */
function killedWriter(path: string, delayMs: number): Promise<Round> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--require', '@swc-node/register', WRITER, path], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (timer === undefined && stdout.includes('ready')) {
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      const last = (word: string): bigint =>
        stdout
          .split('\n')
          .filter((line) => line.startsWith(`${word} `))
          .reduce(
            (max, line) =>
              BigInt(line.slice(word.length + 1)) > max ? BigInt(line.slice(word.length + 1)) : max,
            -1n,
          );
      done({ committed: last('commit'), safety: last('safety'), signal, stderr });
    });
  });
}

/** The chain recomputed in memory: state and sparse-tree roots up to a height. */
class Reference {
  height = -1n;
  readonly state = new Map<string, Uint8Array>();
  readonly tree = new SparseMerkleTree({ hash: sha256 }, { store: new InMemoryNodeStore() });
  readonly roots: Uint8Array[] = [];

  advanceTo(height: bigint): void {
    while (this.height < height) {
      this.height += 1n;
      for (const { key, value } of stateWrites(this.height)) {
        if (value === null) this.state.delete(hex(key));
        else this.state.set(hex(key), value);
      }
      this.roots.push(this.tree.applyBatch(Number(this.height), smtUpdates(this.height)));
    }
  }
}

const same = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean =>
  a !== undefined && b !== undefined && Buffer.from(a).equals(b);

/** What is wrong with the store against the reference, as readable lines (none when right). */
function problemsOf(
  store: ChainStore,
  reference: Reference,
  round: Round,
  printed: bigint,
  safetyPrinted: bigint,
): string[] {
  const problems: string[] = [];
  const head = store.head();
  if (head === undefined)
    return printed >= 0n ? [`no head, but commit ${printed} was printed`] : [];
  const top = head.height;
  if (top < printed) problems.push(`head ${top} is below the printed commit ${printed}`);
  reference.advanceTo(top);
  if (!same(head.hash, blockHash(top))) problems.push(`head hash of ${top} is wrong`);

  for (let h = 0n; h <= top; h++) {
    const block = store.blockAt(h);
    if (!same(block?.hash, blockHash(h)) || !same(block?.block, blockBytes(h)))
      problems.push(`block ${h} wrong or missing`);
    if (!same(block?.result, reference.roots[Number(h)]))
      problems.push(`block ${h}: result is not the recomputed root`);
    if (store.heightOf(blockHash(h)) !== h) problems.push(`hash index of ${h} wrong`);
    const receipts = store.receiptsAt(h);
    const n = txCount(h);
    if (receipts.length !== n || receipts.some((r, i) => !same(r, receipt(h, i))))
      problems.push(`receipts of ${h} wrong`);
    for (let i = 0; i < n; i++) {
      const at = store.txLocation(txId(h, i));
      if (at?.height !== h || at.index !== i) problems.push(`tx ${h}/${i} not indexed`);
    }
    if (store.batch(batchDigest(h)) === undefined) problems.push(`batch of ${h} missing`);
  }

  // Nothing above the head; only the next block's batch may wait in pending.
  const next = top + 1n;
  if (store.blockAt(next) !== undefined || store.receiptsAt(next).length > 0)
    problems.push(`block ${next} above the head exists`);
  if (
    store.txLocation(txId(next, 0)) !== undefined ||
    store.heightOf(blockHash(next)) !== undefined
  )
    problems.push(`indexes of ${next} exist`);
  const pending = store.pendingBatches().map((b) => hex(b.digest));
  if (pending.some((d) => d !== hex(batchDigest(next))))
    problems.push(`unexpected pending batches ${pending.join(',')}`);
  if (!same(store.getMeta(LAST_HEIGHT_META), u64(top)))
    problems.push(`meta ${LAST_HEIGHT_META} is not ${top}`);

  // Flat state equals the recomputed state, key for key.
  const stored = store.range({ limit: 1_000_000 }).map((e) => `${hex(e.key)}=${hex(e.value)}`);
  const expected = [...reference.state]
    .sort(([a], [b]) => byteOrder(Buffer.from(a, 'hex'), Buffer.from(b, 'hex')))
    .map(([k, v]) => `${k}=${hex(v)}`);
  if (stored.join('|') !== expected.join('|'))
    problems.push(`state differs: ${stored.length} entries stored, ${expected.length} expected`);

  // The sparse tree: same root, versions stop at the head, proofs verify.
  const nodes = store.nodeStore();
  const tree = new SparseMerkleTree({ hash: sha256 }, { store: nodes });
  try {
    if (nodes.latestVersion() !== Number(top))
      problems.push(`sparse-tree latest version ${nodes.latestVersion()} is not ${top}`);
    const root = tree.rootAt(Number(top));
    if (!same(root, reference.roots[Number(top)]))
      problems.push(`sparse-tree root of ${top} differs`);
    for (const { key } of smtUpdates(top)) {
      const value = tree.get(Number(top), key);
      if (!verifySparseProof(sha256, root, key, value, tree.prove(Number(top), key)))
        problems.push(`proof at ${top} fails`);
    }
    if (
      nodes.getNode({ version: Number(next), bitLength: 0, path: new Uint8Array(32) }) !== undefined
    )
      problems.push(`a root of version ${next} exists`);
  } catch (error) {
    problems.push(`sparse tree at ${top}: ${(error as Error).message}`);
  }

  const safety = store.loadSafety();
  const saved = safety === undefined ? -1n : readU64(safety);
  if (saved < safetyPrinted) problems.push(`safety ${saved} is below the printed ${safetyPrinted}`);
  if (saved > top) problems.push(`safety ${saved} is above the head ${top}`);
  if (round.signal !== 'SIGKILL')
    problems.push(`writer ended by ${round.signal ?? 'exit'}: ${round.stderr}`);
  return problems;
}

describe('ChainStore crash safety', () => {
  test('commit_whenWriterKilledAtRandomMoments_restartsWithACompletePrefixOfTheChain', async () => {
    const path = scratch.dir();
    const reference = new Reference();
    const random = seededRandom(0x5eed);
    let printed = -1n;
    let safetyPrinted = -1n;
    const heads: bigint[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const round = await killedWriter(path, 50 + random(351));
      if (round.committed > printed) printed = round.committed;
      if (round.safety > safetyPrinted) safetyPrinted = round.safety;
      const store = ChainStore.open({ path });
      try {
        expect({
          round: r,
          problems: problemsOf(store, reference, round, printed, safetyPrinted),
        }).toEqual({ round: r, problems: [] });
        heads.push(store.head()?.height ?? -1n);
      } finally {
        await store.close();
      }
    }
    // Not vacuous: the writer made progress in (nearly) every round, so kills hit it mid-loop.
    const progressed = heads.filter((h, i) => i === 0 || h > heads[i - 1]!).length;
    expect(progressed).toBeGreaterThanOrEqual(ROUNDS - 2);
    expect(heads[heads.length - 1]!).toBeGreaterThan(100n);
  }, 60_000);
});
