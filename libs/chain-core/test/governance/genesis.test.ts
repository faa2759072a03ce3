// genesisState: the initial state from a genesis description, built by the governance rules,
// and every way a description is refused.
import { toHex } from '../../src/codec';
import {
  type GenesisMembership,
  DEFAULT_PARAMETERS,
  GovernanceError,
  genesisState,
  isRevoked,
  readCertificate,
  readObservers,
  readOrganisations,
  readParameters,
  readValidators,
} from '../../src/governance';
import { MemoryState } from './harness';
import { caOf, keyOf, membership } from './fixtures';

function errorOf(genesis: unknown): GovernanceError {
  try {
    genesisState(genesis as GenesisMembership);
  } catch (error) {
    if (error instanceof GovernanceError) return error;
    throw error;
  }
  throw new Error('genesisState accepted the description');
}

describe('genesisState', () => {
  it('buildsTheMembershipReadersSee_sortedByKey', async () => {
    const base = await membership(3, { transactionTtlBlocks: 50n });
    const tbsHash = new Uint8Array(32).fill(7);
    const der = await caOf('org-b');
    const genesis: GenesisMembership = {
      ...base,
      certificates: [{ org: 'org-b', tbsHash, der }],
      observers: [{ org: 'org-a', name: 'watch', address: 'localhost:9000' }],
    };
    const entries = genesisState(genesis);
    const hexKeys = entries.map((e) => toHex(e.key));
    expect(hexKeys).toEqual([...hexKeys].sort());
    const state = new MemoryState(entries);
    expect(readOrganisations(state).map((o) => [o.id, o.status, o.changedHeight])).toEqual([
      ['org-a', 'active', 0n],
      ['org-b', 'active', 0n],
      ['org-c', 'active', 0n],
    ]);
    expect(readOrganisations(state)[0]?.caCertificate).toEqual(
      base.organisations[0]?.caCertificate,
    );
    expect(
      readValidators(state).map((v) => [v.org, v.name, toHex(v.publicKey), v.address]),
    ).toEqual(base.validators.map((v) => [v.org, v.name, toHex(v.publicKey), v.address]));
    expect(readObservers(state)).toEqual([
      { org: 'org-a', name: 'watch', address: 'localhost:9000', addedHeight: 0n },
    ]);
    expect(readCertificate(state, tbsHash)).toEqual({ org: 'org-b', der, registeredHeight: 0n });
    expect(readParameters(state)).toEqual({ ...DEFAULT_PARAMETERS, transactionTtlBlocks: 50n });
    expect(genesisState(genesis).map((e) => toHex(e.value))).toEqual(
      entries.map((e) => toHex(e.value)),
    );
  });

  it('readers_refuseBadArguments_andReportCorruptRecords', async () => {
    const state = new MemoryState(genesisState(await membership(2)));
    expect(() => readCertificate(state, new Uint8Array(31))).toThrow(
      expect.objectContaining({ code: 'invalid-args', field: 'tbsHash' }),
    );
    expect(() => isRevoked(state, 'org-a', 'not hex')).toThrow(
      expect.objectContaining({ code: 'invalid-args', field: 'serial' }),
    );
    expect(() => readOrganisations({} as never)).toThrow(
      expect.objectContaining({ code: 'invalid-args', field: 'reader' }),
    );
    state.put(new TextEncoder().encode('org/org-b'), new Uint8Array([0x83, 1, 2, 3]));
    expect(() => readOrganisations(state)).toThrow(
      expect.objectContaining({ code: 'corrupt-state', field: 'org/org-b' }),
    );
  });

  it('readParameters_onAnEmptyState_givesTheDefaults', () => {
    expect(readParameters(new MemoryState())).toEqual(DEFAULT_PARAMETERS);
  });

  it.each<[string, (g: GenesisMembership) => unknown, string, string]>([
    [
      'a duplicate organisation',
      (g) => ({ ...g, organisations: [...g.organisations, g.organisations[1]] }),
      'organisation-exists',
      'organisations[3].id',
    ],
    [
      'a malformed organisation id',
      (g) => ({ ...g, organisations: [{ ...g.organisations[0], id: 'A' }] }),
      'invalid-genesis',
      'organisations[0].id',
    ],
    [
      'an organisation that is not an object',
      (g) => ({ ...g, organisations: ['org-a'] }),
      'invalid-genesis',
      'organisations[0]',
    ],
    [
      'an extra field',
      (g) => ({ ...g, observers: [{ org: 'org-a', name: 'w', address: 'w:1', port: 1 }] }),
      'invalid-genesis',
      'observers[0].port',
    ],
    ['no validators', (g) => ({ ...g, validators: [] }), 'invalid-genesis', 'validators'],
    [
      'validators missing',
      (g) => ({ ...g, validators: undefined }),
      'invalid-genesis',
      'validators',
    ],
    [
      'a validator of an unknown organisation',
      (g) => ({ ...g, validators: [{ ...g.validators[0], org: 'org-z' }] }),
      'unknown-organisation',
      'validators[0].org',
    ],
    [
      'a duplicate validator key',
      (g) => ({ ...g, validators: [g.validators[0], { ...g.validators[1], publicKey: keyOf(0) }] }),
      'duplicate-validator',
      'validators[1].publicKey',
    ],
    [
      'a bad validator address',
      (g) => ({ ...g, validators: [{ ...g.validators[0], address: 'no port' }] }),
      'invalid-genesis',
      'validators[0].address',
    ],
    [
      'a certificate of an unknown organisation',
      (g) => ({
        ...g,
        certificates: [
          { org: 'org-z', tbsHash: new Uint8Array(32), der: g.organisations[0]!.caCertificate },
        ],
      }),
      'unknown-organisation',
      'certificates[0].org',
    ],
    [
      'a certificate listed twice',
      (g) => {
        const c = {
          org: 'org-a',
          tbsHash: new Uint8Array(32),
          der: g.organisations[0]!.caCertificate,
        };
        return { ...g, certificates: [c, c] };
      },
      'already-registered',
      'certificates[1].tbsHash',
    ],
    [
      'a short tbs hash',
      (g) => ({
        ...g,
        certificates: [
          { org: 'org-a', tbsHash: new Uint8Array(20), der: g.organisations[0]!.caCertificate },
        ],
      }),
      'invalid-genesis',
      'certificates[0].tbsHash',
    ],
    [
      'an observer of an unknown organisation',
      (g) => ({ ...g, observers: [{ org: 'org-z', name: 'w', address: 'w:1' }] }),
      'unknown-organisation',
      'observers[0].org',
    ],
    [
      'an unknown parameter',
      (g) => ({ ...g, parameters: { blockSize: 1n } }),
      'invalid-genesis',
      'parameters.blockSize',
    ],
    [
      'a parameter out of bounds',
      (g) => ({ ...g, parameters: { maxBlockBatches: 0n } }),
      'parameter-out-of-range',
      'parameters.maxBlockBatches',
    ],
    [
      'a parameter as a number',
      (g) => ({ ...g, parameters: { maxBlockBatches: 10 } }),
      'invalid-genesis',
      'parameters.maxBlockBatches',
    ],
  ])('refuses_%s', async (_label, change, code, field) => {
    const error = errorOf(change(await membership(3)));
    expect({ code: error.code, field: error.field }).toEqual({ code, field });
    expect(error.message).toContain(field);
  });
});
