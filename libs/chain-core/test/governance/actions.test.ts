// Each governance action's rules against state: every refusal with its code and field, and
// the state each accepted action leaves.
import {
  genesisState,
  isRevoked,
  readObservers,
  readOrganisation,
  readOrganisations,
  readParameters,
  readValidators,
  VALIDATOR_SET_KEY,
  ValidatorSetRecordSchema,
} from '../../src/governance';
import { toHex } from '../../src/codec';
import { Harness, member } from './harness';
import { caOf, keyOf, membership, validatorOf } from './fixtures';

/** Four organisations (org-a … org-d), one validator each; org-e removed; one observer. */
async function world(): Promise<Harness> {
  const base = await membership(5);
  const genesis = {
    ...base,
    validators: base.validators.slice(0, 4),
    observers: [{ org: 'org-c', name: 'org-c-watch', address: 'watch.example:7300' }],
  };
  const chain = new Harness(genesisState(genesis));
  pass(chain, { type: 'remove-organisation', id: 'org-e' });
  return chain;
}

/** Proposes `action` and has enough organisations approve it to execute. */
function pass(chain: Harness, action: object): void {
  const active = readOrganisations(chain.state).filter((o) => o.status === 'active');
  const [proposer, ...others] = active.map((o) => o.id);
  const { txId } = chain.ok('propose', { action }, member(proposer!));
  for (const org of others) {
    if (chain.call('approve', { proposalId: txId }, member(org)).ok === false) break;
  }
}

/** Proposing `action` fails with `code` naming `field`, and changes nothing. */
function refused(chain: Harness, action: object, code: string, field: string): void {
  const before = chain.state.dump();
  const error = chain.fails('propose', { action }, member('org-a'));
  expect({ code: error.code, field: (error as { field?: string }).field }).toEqual({ code, field });
  expect(chain.state.dump()).toEqual(before);
}

const validator = (over: object = {}) => ({
  type: 'add-validator',
  org: 'org-a',
  name: 'new-node',
  publicKey: keyOf(50),
  address: 'new.example:7100',
  ...over,
});

describe('governance actions', () => {
  it('addOrganisation_refusesAnExistingOrMalformedOne_andReAdmitsARemovedOne', async () => {
    const chain = await world();
    const ca = await caOf('org-f');
    refused(
      chain,
      { type: 'add-organisation', id: 'org-a', name: 'A', caCertificate: ca },
      'organisation-exists',
      'args.action.id',
    );
    refused(
      chain,
      { type: 'add-organisation', id: 'Org F', name: 'F', caCertificate: ca },
      'invalid-args',
      'args.action.id',
    );
    refused(
      chain,
      { type: 'add-organisation', id: 'org-f', name: ' F', caCertificate: ca },
      'invalid-args',
      'args.action.name',
    );
    refused(
      chain,
      { type: 'add-organisation', id: 'org-f', name: 'F', caCertificate: ca.subarray(1) },
      'invalid-args',
      'args.action.caCertificate',
    );
    pass(chain, { type: 'add-organisation', id: 'org-f', name: 'Org F', caCertificate: ca });
    expect(readOrganisation(chain.state, 'org-f')).toMatchObject({
      name: 'Org F',
      status: 'active',
      caCertificate: ca,
    });
    pass(chain, {
      type: 'add-organisation',
      id: 'org-e',
      name: 'Org E again',
      caCertificate: await caOf('org-e'),
    });
    expect(readOrganisation(chain.state, 'org-e')).toMatchObject({
      name: 'Org E again',
      status: 'active',
    });
  });

  it('removeOrganisation_refusesUnknownInactiveAndOnesStillRunningNodes', async () => {
    const chain = await world();
    refused(
      chain,
      { type: 'remove-organisation', id: 'org-z' },
      'unknown-organisation',
      'args.action.id',
    );
    refused(
      chain,
      { type: 'remove-organisation', id: 'org-e' },
      'organisation-inactive',
      'args.action.id',
    );
    refused(
      chain,
      { type: 'remove-organisation', id: 'org-b' },
      'organisation-runs-validator',
      'args.action.id',
    );
    pass(chain, { type: 'remove-validator', publicKey: keyOf(2) });
    refused(
      chain,
      { type: 'remove-organisation', id: 'org-c' },
      'organisation-runs-observer',
      'args.action.id',
    );
    pass(chain, { type: 'remove-observer', org: 'org-c', name: 'org-c-watch' });
    pass(chain, { type: 'remove-organisation', id: 'org-c' });
    expect(readOrganisation(chain.state, 'org-c')?.status).toBe('removed');
  });

  it('addValidator_refusesUnknownOrInactiveOrgs_duplicateKeysAndNames', async () => {
    const chain = await world();
    refused(chain, validator({ org: 'org-z' }), 'unknown-organisation', 'args.action.org');
    refused(chain, validator({ org: 'org-e' }), 'organisation-inactive', 'args.action.org');
    refused(
      chain,
      validator({ publicKey: keyOf(2) }),
      'duplicate-validator',
      'args.action.publicKey',
    );
    refused(chain, validator({ name: 'org-a-node-0' }), 'duplicate-validator', 'args.action.name');
    refused(
      chain,
      validator({ publicKey: new Uint8Array(34) }),
      'invalid-args',
      'args.action.publicKey',
    );
    refused(chain, validator({ address: 'new.example' }), 'invalid-args', 'args.action.address');
    refused(
      chain,
      validator({ address: 'new.example:65536' }),
      'invalid-args',
      'args.action.address',
    );
    refused(chain, validator({ name: 'has space' }), 'invalid-args', 'args.action.name');
    pass(chain, validator({ address: '[2001:db8::1]:7100' }));
    expect(readValidators(chain.state).at(-1)).toMatchObject({
      name: 'new-node',
      address: '[2001:db8::1]:7100',
    });
  });

  it('validatorSetRecord_holdsEveryValidatorKeyInConsensusOrder_fromGenesisOnAndAfterEachChange', async () => {
    const chain = await world();
    const order = () => readValidators(chain.state).map((v) => toHex(v.publicKey));
    expect(validatorSetRecord(chain)).toEqual(order());
    expect(order()).toHaveLength(4);
    pass(chain, validator({ publicKey: keyOf(50) }));
    expect(validatorSetRecord(chain)).toEqual(order());
    expect(validatorSetRecord(chain).at(-1)).toBe(toHex(keyOf(50)));
    pass(chain, { type: 'remove-validator', publicKey: keyOf(1) });
    expect(validatorSetRecord(chain)).toEqual(order());
    expect(validatorSetRecord(chain)).not.toContain(toHex(keyOf(1)));
  });

  it('addValidator_beyondTheConsensusLimit_isTooManyValidators', async () => {
    const base = await membership(4);
    const validators = Array.from({ length: 256 }, (_, i) =>
      validatorOf(`org-${'abcd'[i % 4]}`, i),
    );
    const chain = new Harness(genesisState({ ...base, validators }));
    refused(
      chain,
      validator({ publicKey: keyOf(1000) }),
      'too-many-validators',
      'args.action.publicKey',
    );
  });

  it('removeValidator_refusesAnUnknownKey_andTheLastValidator', async () => {
    const chain = await world();
    refused(
      chain,
      { type: 'remove-validator', publicKey: keyOf(99) },
      'unknown-validator',
      'args.action.publicKey',
    );
    for (const i of [0, 1, 2]) pass(chain, { type: 'remove-validator', publicKey: keyOf(i) });
    expect(readValidators(chain.state).map((v) => v.name)).toEqual(['org-d-node-3']);
    expect(validatorSetRecord(chain)).toEqual([toHex(keyOf(3))]);
    refused(
      chain,
      { type: 'remove-validator', publicKey: keyOf(3) },
      'last-validator',
      'args.action.publicKey',
    );
  });

  it('observers_areAddedOnceAndRemovedWhenKnown', async () => {
    const chain = await world();
    const observer = {
      type: 'add-observer',
      org: 'org-c',
      name: 'org-c-watch',
      address: 'w.example:1',
    };
    refused(chain, observer, 'duplicate-observer', 'args.action.name');
    refused(chain, { ...observer, org: 'org-e' }, 'organisation-inactive', 'args.action.org');
    refused(
      chain,
      { type: 'remove-observer', org: 'org-a', name: 'nobody' },
      'unknown-observer',
      'args.action.name',
    );
    pass(chain, { ...observer, org: 'org-a', name: 'a-watch' });
    expect(readObservers(chain.state).map((o) => `${o.org}/${o.name}`)).toEqual([
      'org-a/a-watch',
      'org-c/org-c-watch',
    ]);
  });

  it('revokeCertificate_refusesUnknownOrgsBadSerialsAndRepeats', async () => {
    const chain = await world();
    refused(
      chain,
      { type: 'revoke-certificate', org: 'org-z', serial: '01' },
      'unknown-organisation',
      'args.action.org',
    );
    refused(
      chain,
      { type: 'revoke-certificate', org: 'org-b', serial: '0000' },
      'invalid-args',
      'args.action.serial',
    );
    refused(
      chain,
      { type: 'revoke-certificate', org: 'org-b', serial: 'xyz' },
      'invalid-args',
      'args.action.serial',
    );
    pass(chain, { type: 'revoke-certificate', org: 'org-b', serial: '0F' });
    expect(isRevoked(chain.state, 'org-b', 'f')).toBe(true);
    refused(
      chain,
      { type: 'revoke-certificate', org: 'org-b', serial: '000f' },
      'already-revoked',
      'args.action.serial',
    );
    chain.ok('revokeOwn', { serial: '10' }, member('org-c'));
    refused(
      chain,
      { type: 'revoke-certificate', org: 'org-c', serial: '10' },
      'already-revoked',
      'args.action.serial',
    );
  });

  it('setParameter_refusesUnknownNamesAndValuesOutOfBounds', async () => {
    const chain = await world();
    const set = (name: string, value: bigint) => ({ type: 'set-parameter', name, value });
    refused(chain, set('blockSize', 5n), 'invalid-args', 'args.action.name');
    refused(chain, set('maxBlockBatches', 0n), 'parameter-out-of-range', 'args.action.value');
    refused(
      chain,
      set('maxBatchTransactions', 10_001n),
      'parameter-out-of-range',
      'args.action.value',
    );
    refused(chain, set('transactionTtlBlocks', -1n), 'invalid-args', 'args.action.value');
    pass(chain, set('transactionTtlBlocks', 77n));
    expect(readParameters(chain.state)).toMatchObject({
      transactionTtlBlocks: 77n,
      maxBlockBatches: 100n,
    });
  });
});

function validatorSetRecord(chain: Harness): string[] {
  const bytes = chain.state.get(VALIDATOR_SET_KEY);
  if (bytes === undefined) throw new Error('no validator-set record');
  return ValidatorSetRecordSchema.decode(bytes).keys.map(toHex);
}
