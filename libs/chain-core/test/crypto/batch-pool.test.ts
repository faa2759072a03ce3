import {
  CryptoErrorCode,
  type BatchItem,
  type SuiteId,
  VerifierPool,
  getSuite,
  verifyBatch,
} from '../../src/crypto';
import { cryptoErrorOf, utf8 } from './helpers';

/**
 * 12 items per suite: valid ones and every kind of defect, with the verdicts they must get.
 * Two keys, so that a chunk boundary in the pool falls between different signers.
 */
function mixedBatch(id: SuiteId, count = 12): { items: BatchItem[]; expected: boolean[] } {
  const suite = getSuite(id);
  const keys = [suite.generateKeyPair(), suite.generateKeyPair()];
  const items: BatchItem[] = [];
  const expected: boolean[] = [];
  for (let i = 0; i < count; i++) {
    const key = keys[i % 2]!;
    const message = utf8(`item ${i}`);
    const signature = suite.sign(key.secretKey, message);
    switch (i % 4) {
      case 0:
        items.push({ publicKey: key.publicKey, message, signature });
        expected.push(true);
        break;
      case 1: // signed by the other key
        items.push({ publicKey: keys[(i + 1) % 2]!.publicKey, message, signature });
        expected.push(false);
        break;
      case 2: // another message
        items.push({ publicKey: key.publicKey, message: utf8(`item ${i}!`), signature });
        expected.push(false);
        break;
      default: // a valid signature of an empty message
        items.push({
          publicKey: key.publicKey,
          message: new Uint8Array(0),
          signature: suite.sign(key.secretKey, new Uint8Array(0)),
        });
        expected.push(true);
    }
  }
  return { items, expected };
}

const SUITE_IDS = ['ed25519', 'p256', 'sm2'] as const;
const BATCHES = Object.fromEntries(SUITE_IDS.map((id) => [id, mixedBatch(id)])) as Record<
  SuiteId,
  ReturnType<typeof mixedBatch>
>;

describe('verifyBatch', () => {
  it.each(SUITE_IDS)('reportsExactlyWhichFailed_inBothImplementations (%s)', (id) => {
    const { items, expected } = BATCHES[id];
    expect(verifyBatch(id, items)).toEqual(expected);
    expect(verifyBatch(getSuite(id, 'portable'), items)).toEqual(expected);
    expect(
      items.map((item) => getSuite(id).verify(item.publicKey, item.message, item.signature)),
    ).toEqual(expected);
  });

  it('sm2KeyInSteadyUse_givesTheSameVerdictsWithItsPrecomputedTable', () => {
    // One key, 48 uses: from the 32nd on, the fast path multiplies with a precomputed window table.
    const { items, expected } = mixedBatch('sm2', 48);
    const oneKey = items.map((item, i) =>
      i % 4 === 1 ? item : { ...item, publicKey: items[0]!.publicKey },
    );
    const oneKeyExpected = expected.map((ok, i) => (i % 4 === 1 ? ok : i % 2 === 0 ? ok : false));
    const fast = verifyBatch('sm2', [...oneKey, ...oneKey]);
    expect(fast).toEqual([...oneKeyExpected, ...oneKeyExpected]);
    expect(verifyBatch(getSuite('sm2', 'portable'), oneKey)).toEqual(oneKeyExpected);
  });

  it('emptyBatch_isEmpty', () => {
    expect(verifyBatch('p256', [])).toEqual([]);
  });

  it('badItem_isRejected_namingTheItemAndField', () => {
    const { items } = BATCHES.ed25519;
    const bad = [...items.slice(0, 3), { ...items[3]!, signature: new Uint8Array(63) }];
    const error = cryptoErrorOf(() => verifyBatch('ed25519', bad));
    expect(error.code).toBe(CryptoErrorCode.InvalidLength);
    expect(error.meta.argument).toBe('items[3].signature');
    expect(error.message).toBe('ed25519.verifyBatch: items[3].signature must be 64 bytes, got 63');
    expect(cryptoErrorOf(() => verifyBatch('ed25519', 'items' as never)).meta.argument).toBe(
      'items',
    );
    expect(cryptoErrorOf(() => verifyBatch('ed25519', [null] as never)).meta.argument).toBe(
      'items[0]',
    );
    expect(cryptoErrorOf(() => verifyBatch('rsa' as never, [])).code).toBe(
      CryptoErrorCode.UnknownAlgorithm,
    );
  });
});

describe('VerifierPool', () => {
  const pool = new VerifierPool({ size: 2 });
  afterAll(() => pool.close());

  it.each(SUITE_IDS)('returnsTheSameVerdictsAsOneThread (%s)', async (id) => {
    const { items, expected } = BATCHES[id];
    await expect(pool.verifyBatch(id, items)).resolves.toEqual(expected);
  });

  it('keepsOrder_acrossChunksAndConcurrentBatches', async () => {
    const batches = SUITE_IDS.map((id) => ({ id, ...BATCHES[id] }));
    const odd = {
      items: BATCHES.p256.items.slice(0, 7),
      expected: BATCHES.p256.expected.slice(0, 7),
    };
    const results = await Promise.all([
      ...batches.map(({ id, items }) => pool.verifyBatch(id, items)),
      pool.verifyBatch('p256', odd.items),
      pool.verifyBatch('p256', odd.items.slice(0, 1)),
    ]);
    expect(results).toEqual([
      ...batches.map((b) => b.expected),
      odd.expected,
      odd.expected.slice(0, 1),
    ]);
  });

  it('emptyBatch_isEmpty', async () => {
    await expect(pool.verifyBatch('sm2', [])).resolves.toEqual([]);
  });

  it('badItem_isRejectedBeforeAnyWork', async () => {
    const bad = [{ ...BATCHES.sm2.items[0]!, publicKey: new Uint8Array(65) }];
    await expect(pool.verifyBatch('sm2', bad)).rejects.toMatchObject({
      code: CryptoErrorCode.InvalidLength,
      meta: { argument: 'items[0].publicKey' },
    });
  });

  it('size_outOfRange_isRejected', () => {
    expect(cryptoErrorOf(() => new VerifierPool({ size: 0 })).meta.argument).toBe('size');
    expect(
      cryptoErrorOf(() => new VerifierPool({ implementation: 'wasm' as never })).meta.argument,
    ).toBe('implementation');
  });

  it('portableThreads_giveTheSameVerdicts_andCloseLeavesNoThread', async () => {
    const portable = new VerifierPool({ size: 1, implementation: 'portable' });
    const { items, expected } = BATCHES.ed25519;
    await expect(portable.verifyBatch('ed25519', items)).resolves.toEqual(expected);
    expect(portable.threads).toBe(1);
    const pending = expect(portable.verifyBatch('sm2', BATCHES.sm2.items)).rejects.toMatchObject({
      code: CryptoErrorCode.PoolClosed,
    });
    await portable.close();
    await pending;
    expect(portable.threads).toBe(0);
    await expect(portable.verifyBatch('ed25519', items)).rejects.toMatchObject({
      code: CryptoErrorCode.PoolClosed,
    });
    await portable.close(); // idempotent
  });
});
