// BatchPool: digests are Batch.hash; proposals select batches oldest first, never one in an
// uncommitted ancestor (`excluded`) or already committed; bounded without eviction.
import { toHex } from '../../src/codec';
import { BatchPool } from '../../src/mempool';
import { Batch, type Transaction } from '../../src/types';
import { type Signer, batchOf, body, codeOf, issueSigner, makeOrg, sha256, sign } from './fixtures';

let signer: Signer;
let nonce = 0n;

beforeAll(async () => {
  signer = await issueSigner(await makeOrg('tax-bureau-sz'));
});

function transactions(count: number): Transaction[] {
  return Array.from({ length: count }, () => sign(signer, body(signer, { nonce: ++nonce })));
}

/** A batch of `count` transactions with its bytes, as a peer would send it. */
function make(count: number, sequence: bigint, epoch = 1n): [Batch, Uint8Array] {
  const batch = batchOf(transactions(count), sequence, epoch);
  return [batch, Batch.encode(batch)];
}

const hexes = (digests: readonly Uint8Array[]) => digests.map(toHex);

describe('storing batches', () => {
  it('add_returnsTheBatchHash_andKeepsTheBatchAndItsBytes', () => {
    const pool = new BatchPool({ hash: sha256, maxBatches: 10 });
    const [batch, bytes] = make(2, 0n);
    const digest = pool.add(batch, bytes);
    expect(toHex(digest)).toBe(toHex(Batch.hash(sha256, batch)));
    expect(pool.has(digest)).toBe(true);
    expect(pool.get(digest)).toEqual({ batch, bytes });
    // Adding it again changes nothing.
    expect(toHex(pool.add(batch, bytes))).toBe(toHex(digest));
    expect(pool.size).toBe(1);
  });

  it('add_withBytesThatAreNotTheBatchsEncoding_isRefusedNamingBytes', async () => {
    const pool = new BatchPool({ hash: sha256, maxBatches: 10 });
    const [batch] = make(1, 0n);
    const [, otherBytes] = make(1, 1n);
    const error = (() => {
      try {
        pool.add(batch, otherBytes);
      } catch (e) {
        return e as { code: string; field: string };
      }
      return undefined;
    })();
    expect(error).toMatchObject({ code: 'invalid-argument', field: 'bytes' });
    expect(pool.size).toBe(0);
  });

  it('add_whenFullOfUncommittedBatches_isBusy_andDropsNone', async () => {
    const pool = new BatchPool({ hash: sha256, maxBatches: 2 });
    const first = pool.add(...make(1, 0n));
    const second = pool.add(...make(1, 1n));
    expect(await codeOf(() => pool.add(...make(1, 2n)))).toBe('busy');
    expect([pool.has(first), pool.has(second), pool.size]).toEqual([true, true, 2]);
  });

  it('add_whenFull_makesRoomByDroppingTheOldestCommittedBatch', () => {
    const pool = new BatchPool({ hash: sha256, maxBatches: 3 });
    const [a, b, c] = [0n, 1n, 2n].map((seq) => pool.add(...make(1, seq))) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    pool.markCommitted([c, b]);
    const d = pool.add(...make(1, 3n));
    expect([a, b, c, d].map((digest) => pool.has(digest))).toEqual([true, false, true, true]);
    // The committed batch is still known as committed: a late copy is never proposed.
    expect(pool.isCommitted(b)).toBe(true);
  });

  it('prune_committed_dropsOnlyCommittedBatches', () => {
    const pool = new BatchPool({ hash: sha256, maxBatches: 10 });
    const kept = pool.add(...make(1, 0n));
    const committed = pool.add(...make(1, 1n));
    pool.markCommitted([committed]);
    expect(pool.prune({ committed: true })).toBe(1);
    expect([pool.has(kept), pool.has(committed)]).toEqual([true, false]);
  });

  it('prune_epochBefore_dropsEveryBatchOfOlderEpochs', () => {
    const pool = new BatchPool({ hash: sha256, maxBatches: 10 });
    const old = pool.add(...make(1, 0n, 1n));
    const current = pool.add(...make(1, 0n, 2n));
    expect(pool.prune({ epochBefore: 2n })).toBe(1);
    expect([pool.has(old), pool.has(current)]).toEqual([false, true]);
  });
});

describe('selectForProposal', () => {
  it('selectForProposal_skipsCommittedAndAncestorBatches_oldestFirst', () => {
    const pool = new BatchPool({ hash: sha256, maxBatches: 10 });
    const [a, b, c, d] = [0n, 1n, 2n, 3n].map((seq) => pool.add(...make(1, seq))) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    pool.markCommitted([a]);
    const inAncestors = new Set([toHex(b)]);
    expect(hexes(pool.selectForProposal(inAncestors, 10, 100))).toEqual(hexes([c, d]));
    expect(hexes(pool.selectForProposal(new Set(), 10, 100))).toEqual(hexes([b, c, d]));
    expect(hexes(pool.selectForProposal(inAncestors, 1, 100))).toEqual(hexes([c]));
  });

  it('selectForProposal_underATransactionBudget_passesOverABatchTooLarge', () => {
    const pool = new BatchPool({ hash: sha256, maxBatches: 10 });
    const big = pool.add(...make(3, 0n));
    const small = pool.add(...make(1, 1n));
    expect(hexes(pool.selectForProposal(new Set(), 10, 2))).toEqual(hexes([small]));
    expect(hexes(pool.selectForProposal(new Set(), 10, 4))).toEqual(hexes([big, small]));
  });

  it('selectForProposal_batchCommittedBeforeItArrived_isNeverProposed', () => {
    const pool = new BatchPool({ hash: sha256, maxBatches: 10 });
    const [batch, bytes] = make(1, 0n);
    const digest = Batch.hash(sha256, batch);
    // A block with this batch committed while our copy was still on its way.
    pool.markCommitted([digest]);
    pool.add(batch, bytes);
    expect(pool.isCommitted(digest)).toBe(true);
    expect(pool.get(digest)?.bytes).toEqual(bytes);
    expect(pool.selectForProposal(new Set(), 10, 100)).toEqual([]);
  });

  it('selectForProposal_emptyBatch_isNeverProposed', () => {
    const pool = new BatchPool({ hash: sha256, maxBatches: 10 });
    pool.add(...make(0, 0n));
    expect(pool.selectForProposal(new Set(), 10, 100)).toEqual([]);
  });
});
