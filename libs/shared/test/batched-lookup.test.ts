import { BatchedLookup } from '../src/database/batched-lookup';

describe('BatchedLookup', () => {
  const squares = () => {
    const calls: number[][] = [];
    const lookup = new BatchedLookup(async (keys: number[]) => {
      calls.push(keys);
      return new Map(keys.filter((k) => k >= 0).map((k) => [k, k * k]));
    }, 3);
    return { calls, lookup };
  };

  it('answers the lookups of one turn with one load of their distinct keys', async () => {
    const { calls, lookup } = squares();
    const answers = await Promise.all([lookup.get(2), lookup.get(3), lookup.get(2)]);
    expect(answers).toEqual([4, 9, 4]);
    expect(calls).toEqual([[2, 3]]);
  });

  it('gives undefined for a key the load leaves out', async () => {
    const { lookup } = squares();
    await expect(lookup.get(-1)).resolves.toBeUndefined();
  });

  it('loads again in a later turn (nothing is cached)', async () => {
    const { calls, lookup } = squares();
    await lookup.get(5);
    await lookup.get(5);
    expect(calls).toEqual([[5], [5]]);
  });

  it('splits a turn into loads of at most maxKeys keys', async () => {
    const { calls, lookup } = squares();
    const answers = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((k) => lookup.get(k)));
    expect(answers).toEqual([1, 4, 9, 16, 25, 36, 49]);
    expect(calls).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it("rejects every lookup of a load that fails, and only that load's", async () => {
    let n = 0;
    const lookup = new BatchedLookup(async (keys: string[]) => {
      n += 1;
      if (n === 1) throw new Error('database down');
      return new Map(keys.map((k) => [k, k.length]));
    }, 2);
    const results = await Promise.allSettled([
      lookup.get('a'),
      lookup.get('bb'),
      lookup.get('ccc'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toEqual(new Error('database down'));
    expect((results[2] as PromiseFulfilledResult<number>).value).toBe(3);
  });
});
