import fc from 'fast-check';
import { ExecutionError, contractKeyPrefix, splitStateKey, stateKey } from '@trellis/chain-core';
import { bytesOf, hex, utf8 } from './helpers';

const compareBytes = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b);

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ExecutionError && error.code === 'invalid-argument') {
      return (error.meta as { field: string }).field;
    }
    throw error;
  }
  return undefined;
}

describe('stateKey', () => {
  it('stateKey_isContractNameZeroByteAndKey', () => {
    expect(hex(stateKey('invoice', bytesOf(1, 2)))).toBe(hex(utf8('invoice')) + '00' + '0102');
    expect(hex(contractKeyPrefix('invoice'))).toBe(hex(utf8('invoice')) + '00');
  });

  it('splitStateKey_invertsStateKey_forEveryNameAndKey', () => {
    const nameArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,62}$/);
    const keyArb = fc.uint8Array({ minLength: 1, maxLength: 256 });
    fc.assert(
      fc.property(nameArb, keyArb, (contract, key) => {
        const split = splitStateKey(stateKey(contract, key));
        expect(split.contract).toBe(contract);
        expect(hex(split.key)).toBe(hex(key));
      }),
      { numRuns: 200 },
    );
  });

  it('keysOfOneContract_sortLikeTheirContractKeys_andNeverInsideAnotherContractsSpace', () => {
    const keyArb = fc.uint8Array({ minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(keyArb, keyArb, (a, b) => {
        expect(Math.sign(compareBytes(stateKey('ab', a), stateKey('ab', b)))).toBe(
          Math.sign(compareBytes(a, b)),
        );
        // "a\0…" and "ab\0…" never share a prefix space.
        const other = stateKey('a', a);
        expect(hex(other).startsWith(hex(contractKeyPrefix('ab')))).toBe(false);
      }),
    );
  });

  it.each([
    ['contract', () => stateKey('Invoice', bytesOf(1))],
    ['key', () => stateKey('invoice', new Uint8Array(0))],
    ['key', () => stateKey('invoice', new Uint8Array(257))],
    ['fullKey', () => splitStateKey(bytesOf(0, 1))],
    ['fullKey', () => splitStateKey(utf8('invoice'))],
    ['fullKey', () => splitStateKey(new Uint8Array([...utf8('invoice'), 0]))],
    ['fullKey', () => splitStateKey(new Uint8Array([...utf8('In'), 0, 1]))],
    ['fullKey', () => splitStateKey('invoice\u00001' as never)],
  ])('badArgument_isRejected_naming_%s', (field, run) => {
    expect(fieldOf(run)).toBe(field);
  });
});
