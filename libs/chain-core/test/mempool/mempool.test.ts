// Mempool: fairness across signers, FIFO per signer, back-pressure without eviction, expiry,
// and requeueing an abandoned batch. The transactions are really admitted (real certificates
// and signatures), so what the pool holds is exactly what a node's pool would.
import { toHex } from '../../src/codec';
import { type AdmittedTransaction, Mempool } from '../../src/mempool';
import {
  type Signer,
  type TestOrg,
  TestMembership,
  body,
  codeOf,
  encode,
  issueSigner,
  makeOrg,
  sign,
  wire,
} from './fixtures';

let tax: TestOrg;
/** Ten signers; signers[0] is the busy one. */
let signers: Signer[];
let admitOne: (
  signer: Signer,
  nonce: bigint,
  expiryHeight?: bigint,
) => Promise<AdmittedTransaction>;

beforeAll(async () => {
  tax = await makeOrg('tax-bureau-sz');
  signers = await Promise.all(
    Array.from({ length: 10 }, (_, i) => issueSigner(tax, { name: `member ${i}` })),
  );
  const { admission } = wire(new TestMembership([tax.org]).register(...signers));
  admitOne = (signer, nonce, expiryHeight = 50n) =>
    admission.admit(encode(sign(signer, body(signer, { nonce, expiryHeight }))));
});

const roomy = () =>
  new Mempool({ maxTransactions: 10_000, maxBytes: 64 << 20, maxPerSigner: 5_000 });
const nonceOf = (tx: AdmittedTransaction) => tx.tx.body.nonce;

async function admitMany(signer: Signer, count: number, from = 1n): Promise<AdmittedTransaction[]> {
  const out: AdmittedTransaction[] = [];
  for (let i = 0n; i < BigInt(count); i++) out.push(await admitOne(signer, from + i));
  return out;
}

describe('fairness', () => {
  it('takeForBatch_oneSignerWithAThousandAndNineWithOne_firstBatchHoldsAllTenSigners', async () => {
    const pool = roomy();
    // The busy signer's thousand arrive first: FIFO across the pool would fill the batch with them.
    for (const tx of await admitMany(signers[0]!, 1_000)) pool.add(tx);
    for (const signer of signers.slice(1)) pool.add(await admitOne(signer, 1n));
    expect(pool.size).toBe(1_009);

    const batch = pool.takeForBatch(10, 1 << 20);
    expect(new Set(batch.map((tx) => tx.signerKey)).size).toBe(10);
    expect(batch.filter((tx) => tx.signerKey === batch[0]!.signerKey).map(nonceOf)).toEqual([1n]);

    // The rest is the busy signer's, FIFO.
    expect(pool.takeForBatch(5, 1 << 20).map(nonceOf)).toEqual([2n, 3n, 4n, 5n, 6n]);
    // Taken transactions stay counted until committed.
    expect(pool.size).toBe(1_009);
  });

  it('takeForBatch_roundRobin_servesEachSignerOncePerRoundInFifoOrder', async () => {
    const pool = roomy();
    const [a, b] = [signers[1]!, signers[2]!];
    for (const tx of await admitMany(a, 3)) pool.add(tx);
    for (const tx of await admitMany(b, 3, 10n)) pool.add(tx);
    const batch = pool.takeForBatch(100, 1 << 20);
    expect(
      batch.map((tx) => `${tx.signerKey === batch[0]!.signerKey ? 'a' : 'b'}${nonceOf(tx)}`),
    ).toEqual(['a1', 'b10', 'a2', 'b11', 'a3', 'b12']);
  });

  it('takeForBatch_underAByteBudget_neverExceedsIt', async () => {
    const pool = roomy();
    const txs = await admitMany(signers[3]!, 6);
    for (const tx of txs) pool.add(tx);
    const size = txs[0]!.bytes.length;
    const batch = pool.takeForBatch(100, size * 3 + size - 1);
    expect(batch).toHaveLength(3);
    expect(batch.reduce((sum, tx) => sum + tx.bytes.length, 0)).toBeLessThanOrEqual(size * 4 - 1);
    expect(pool.takeForBatch(100, 0)).toEqual([]);
  });
});

describe('back-pressure', () => {
  it('add_atTheTransactionBound_isBusy_dropsNothing_andHasRoomAfterACommit', async () => {
    const pool = new Mempool({ maxTransactions: 5, maxBytes: 1 << 20, maxPerSigner: 5 });
    const held = await Promise.all(signers.slice(0, 5).map((s) => admitOne(s, 100n)));
    for (const tx of held) pool.add(tx);
    const extra = await admitOne(signers[5]!, 100n);
    const error = await codeOf(() => pool.add(extra));
    expect(error).toBe('busy');
    expect(pool.size).toBe(5);
    expect(held.every((tx) => pool.has(tx.id))).toBe(true);
    expect(pool.has(extra.id)).toBe(false);

    // Taking for a batch does not make room: taken transactions stay counted.
    expect(pool.takeForBatch(5, 1 << 20)).toHaveLength(5);
    expect(await codeOf(() => pool.add(extra))).toBe('busy');

    pool.onCommitted([held[0]!.id], 11n);
    expect(pool.size).toBe(4);
    pool.add(extra);
    expect(pool.has(extra.id)).toBe(true);
  });

  it('add_beyondTheSignersBound_isBusyForThatSignerOnly', async () => {
    const pool = new Mempool({ maxTransactions: 100, maxBytes: 1 << 20, maxPerSigner: 3 });
    const [a, b] = [signers[6]!, signers[7]!];
    for (const tx of await admitMany(a, 3)) pool.add(tx);
    const fourth = await admitOne(a, 4n);
    const error = await (async () => {
      try {
        pool.add(fourth);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).toContain('3 of at most 3');
    pool.add(await admitOne(b, 1n));
    expect(pool.size).toBe(4);
  });

  it('add_beyondTheByteBound_isBusy', async () => {
    const txs = await admitMany(signers[8]!, 3);
    const pool = new Mempool({
      maxTransactions: 100,
      maxBytes: txs[0]!.bytes.length + txs[1]!.bytes.length,
      maxPerSigner: 100,
    });
    pool.add(txs[0]!);
    pool.add(txs[1]!);
    expect(await codeOf(() => pool.add(txs[2]!))).toBe('busy');
    expect(pool.bytes).toBe(txs[0]!.bytes.length + txs[1]!.bytes.length);
  });

  it('add_somethingThatIsNotAnAdmittedTransaction_namesTheBadArgument', async () => {
    const pool = roomy();
    const tx = await admitOne(signers[9]!, 1n);
    const error = (() => {
      try {
        pool.add({ ...tx, id: new Uint8Array(3) });
      } catch (e) {
        return e as { code: string; field: string };
      }
      return undefined;
    })();
    expect(error).toMatchObject({ code: 'invalid-argument', field: 'tx.id' });
  });
});

describe('commit, expiry and requeue', () => {
  it('onCommitted_dropsCommittedIds_andTransactionsThatCanNoLongerBeCommitted', async () => {
    const pool = roomy();
    const signer = signers[4]!;
    const soon = await admitOne(signer, 1n, 12n);
    const next = await admitOne(signer, 2n, 13n);
    const later = await admitOne(signer, 3n, 30n);
    const committed = await admitOne(signer, 4n, 30n);
    for (const tx of [soon, next, later, committed]) pool.add(tx);
    pool.takeForBatch(1, 1 << 20); // `soon` is taken: expiry applies to taken ones too

    pool.onCommitted([committed.id], 12n);
    expect([soon, next, later, committed].map((tx) => pool.has(tx.id))).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(pool.bytes).toBe(next.bytes.length + later.bytes.length);
    pool.onCommitted([], 13n);
    expect(pool.has(next.id)).toBe(false);
    expect(pool.takeForBatch(10, 1 << 20).map(nonceOf)).toEqual([3n]);
  });

  it('requeue_ofAnAbandonedBatch_makesItsTransactionsAvailableAgainInFifoOrder', async () => {
    const pool = roomy();
    const txs = await admitMany(signers[5]!, 5);
    for (const tx of txs) pool.add(tx);
    const abandoned = pool.takeForBatch(3, 1 << 20);
    expect(abandoned.map(nonceOf)).toEqual([1n, 2n, 3n]);

    // Transaction 3 was committed through a peer's batch meanwhile; requeueing it is a no-op.
    pool.onCommitted([txs[2]!.id], 11n);
    pool.requeue([txs[1]!.id, txs[2]!.id, txs[0]!.id]);
    expect(pool.takeForBatch(10, 1 << 20).map(nonceOf)).toEqual([1n, 2n, 4n, 5n]);
    expect(pool.size).toBe(4);
    // Requeueing what is not taken changes nothing.
    pool.requeue([txs[0]!.id]);
    pool.requeue([txs[0]!.id]);
    expect(pool.takeForBatch(10, 1 << 20).map(nonceOf)).toEqual([1n]);
  });

  it('get_returnsTheAdmittedTransactionById', async () => {
    const pool = roomy();
    const tx = await admitOne(signers[6]!, 77n);
    pool.add(tx);
    expect(pool.get(tx.id)?.bytes).toEqual(tx.bytes);
    expect(toHex(pool.get(tx.id)!.id)).toBe(toHex(tx.id));
  });
});
