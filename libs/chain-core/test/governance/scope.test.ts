// The node's view: the system contract's key space inside world state, and whether a block's
// writes changed the validator set.
import { toHex } from '../../src/codec';
import {
  genesisState,
  readOrganisations,
  readParameters,
  readValidators,
  scopeSystemState,
  validatorsChanged,
} from '../../src/governance';
import { Harness, MemoryState, member } from './harness';
import { keyOf, membership } from './fixtures';

const encoder = new TextEncoder();
const full = (contract: string, key: Uint8Array) =>
  Uint8Array.from([...encoder.encode(contract), 0, ...key]);

describe('scopeSystemState', () => {
  it('readsTheSystemKeySpace_amongOtherContractsKeys', async () => {
    const entries = genesisState(await membership(4));
    const world = new MemoryState();
    for (const { key, value } of entries) world.put(full('system', key), value);
    // Neighbours on both sides in key order: `syste` < `system\0` < `system-x` < `systemz`.
    world.put(full('systemz', encoder.encode('validator/x')), new Uint8Array([1]));
    world.put(full('syste', encoder.encode('org/zzz')), new Uint8Array([1]));
    world.put(full('invoice', encoder.encode('org/x')), new Uint8Array([1]));
    const scoped = scopeSystemState({ get: (k) => world.get(k), range: (o) => world.range(o) });
    const direct = new MemoryState(entries);
    expect(readValidators(scoped)).toEqual(readValidators(direct));
    expect(readOrganisations(scoped)).toEqual(readOrganisations(direct));
    expect(readParameters(scoped)).toEqual(readParameters(direct));
    const all = scoped.range({ limit: 1000 });
    expect(all.map((e) => toHex(e.key))).toEqual(entries.map((e) => toHex(e.key)));
    const lastTwo = scoped.range({ limit: 2, reverse: true });
    expect(lastTwo.map((e) => toHex(e.key))).toEqual(
      entries
        .slice(-2)
        .reverse()
        .map((e) => toHex(e.key)),
    );
  });
});

describe('validatorsChanged', () => {
  it('isTrue_exactlyForABlockThatAddsOrRemovesAValidator', async () => {
    const chain = new Harness(genesisState(await membership(1)));
    const writesOf = (run: () => void) => {
      const before = new Map(
        chain.state.range({ limit: 1000 }).map((e) => [toHex(e.key), toHex(e.value)]),
      );
      run();
      const after = chain.state.range({ limit: 1000 });
      const writes = after
        .filter((e) => before.get(toHex(e.key)) !== toHex(e.value))
        .map((e) => ({ key: full('system', e.key), value: e.value }));
      const kept = new Set(after.map((e) => toHex(e.key)));
      for (const [hex] of before) {
        if (!kept.has(hex))
          writes.push({
            key: full('system', Uint8Array.from(Buffer.from(hex, 'hex'))),
            value: null as never,
          });
      }
      return writes;
    };
    const admin = member('org-a');
    const add = writesOf(() =>
      chain.ok(
        'propose',
        {
          action: {
            type: 'add-validator',
            org: 'org-a',
            name: 'two',
            publicKey: keyOf(9),
            address: 'b:2',
          },
        },
        admin,
      ),
    );
    expect(validatorsChanged(add)).toBe(true);
    const remove = writesOf(() =>
      chain.ok('propose', { action: { type: 'remove-validator', publicKey: keyOf(0) } }, admin),
    );
    expect(remove.some((w) => w.value === null)).toBe(true);
    expect(validatorsChanged(remove)).toBe(true);
    const parameter = writesOf(() =>
      chain.ok(
        'propose',
        { action: { type: 'set-parameter', name: 'maxBlockBatches', value: 3n } },
        admin,
      ),
    );
    expect(parameter.length).toBeGreaterThan(0);
    expect(validatorsChanged(parameter)).toBe(false);
    expect(
      validatorsChanged(add.map((w) => ({ ...w, key: full('invoice', w.key.subarray(7)) }))),
    ).toBe(false);
    expect(validatorsChanged([])).toBe(false);
  });
});
