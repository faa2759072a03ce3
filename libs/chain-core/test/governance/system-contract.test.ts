// The system contract's methods through the in-memory harness: proposals, quorum, approvals,
// expiry, certificate registration and self-revocation.
import { toHex } from '../../src/codec';
import {
  approvalThreshold,
  genesisState,
  isRevoked,
  readCertificate,
  readParameters,
  readProposal,
  readValidators,
  systemContract,
} from '../../src/governance';
import { Harness, member } from './harness';
import { keyOf, membership, orgIds, pemToDer } from './fixtures';
import { createOrgCa } from '../../src/identity';

async function harness(n: number, ttl?: bigint): Promise<Harness> {
  const parameters = ttl === undefined ? undefined : { governanceProposalTtlBlocks: ttl };
  return new Harness(genesisState(await membership(n, parameters)));
}

const addValidator = (i: number, org = 'org-a') => ({
  action: {
    type: 'add-validator',
    org,
    name: `extra-${i}`,
    publicKey: keyOf(i),
    address: `node${i}.example:7100`,
  },
});

describe('systemContract', () => {
  it('access_listsAdminForGovernanceMethods_andLeavesRegistrationOpen', async () => {
    expect(systemContract.name).toBe('system');
    expect(systemContract.access).toEqual({
      propose: ['admin'],
      approve: ['admin'],
      revokeOwn: ['admin'],
    });
    const chain = await harness(4);
    const clerk = member('org-a', 'clerk', ['invoice-issuer']);
    expect(chain.fails('propose', addValidator(100), clerk).code).toBe('forbidden');
    expect(chain.fails('revokeOwn', { serial: 'ab' }, clerk).code).toBe('forbidden');
    const { txId } = chain.ok('propose', addValidator(100), member('org-a'));
    expect(
      chain.fails('approve', { proposalId: txId }, member('org-b', 'bob', ['service'])).code,
    ).toBe('forbidden');
  });

  it('propose_storesAPendingProposalKeyedByTxId_withTheProposerAsFirstApproval', async () => {
    const chain = await harness(4);
    chain.height = 10n;
    const { txId, events } = chain.ok('propose', addValidator(100), member('org-a'));
    const proposal = readProposal(chain.state, txId);
    expect(proposal).toMatchObject({
      status: 'pending',
      createdHeight: 10n,
      expiresAfterHeight: 10n + readParameters(chain.state).governanceProposalTtlBlocks,
      organisations: 4n,
      threshold: 3n,
      approvals: [{ org: 'org-a', name: 'org-a-admin', height: 10n }],
      executedHeight: null,
    });
    expect(proposal?.action).toMatchObject({ type: 'add-validator', name: 'extra-100' });
    expect(events.map((e) => e.type)).toEqual(['system.proposal-created']);
    expect(events[0]?.data).toMatchObject({ proposalId: txId, threshold: 3n, organisations: 4n });
    expect(readValidators(chain.state)).toHaveLength(4);
  });

  it('approve_atQuorum_appliesTheActionInTheSameTransaction', async () => {
    const chain = await harness(4);
    const { txId } = chain.ok('propose', addValidator(100), member('org-a'));
    chain.height = 2n;
    const second = chain.ok('approve', { proposalId: txId }, member('org-b'));
    expect(second.events.map((e) => e.type)).toEqual(['system.proposal-approved']);
    expect(second.events[0]?.data).toMatchObject({ org: 'org-b', approvals: 2n, threshold: 3n });
    expect(readValidators(chain.state)).toHaveLength(4);
    chain.height = 3n;
    const third = chain.ok('approve', { proposalId: txId }, member('org-c'));
    expect(third.events.map((e) => e.type)).toEqual([
      'system.proposal-approved',
      'system.add-validator-applied',
    ]);
    const validators = readValidators(chain.state);
    expect(validators.map((v) => v.name)).toEqual([
      'org-a-node-0',
      'org-b-node-1',
      'org-c-node-2',
      'org-d-node-3',
      'extra-100',
    ]);
    expect(validators[4]).toMatchObject({
      org: 'org-a',
      address: 'node100.example:7100',
      addedHeight: 3n,
    });
    expect(readProposal(chain.state, txId)).toMatchObject({
      status: 'executed',
      executedHeight: 3n,
    });
    expect(chain.fails('approve', { proposalId: txId }, member('org-d')).code).toBe(
      'proposal-executed',
    );
  });

  it.each([
    [1, 1],
    [3, 3],
    [4, 3],
    [5, 4],
    [7, 5],
  ])('quorum_withNOrganisations_%i_isExactly_%i', async (n, quorum) => {
    expect(approvalThreshold(BigInt(n))).toBe(BigInt(quorum));
    const chain = await harness(n);
    const orgs = orgIds(n);
    const { txId } = chain.ok('propose', addValidator(100), member(orgs[0]!));
    for (let approvals = 1; approvals < quorum; approvals++) {
      expect(readValidators(chain.state)).toHaveLength(n);
      expect(readProposal(chain.state, txId)?.status).toBe('pending');
      chain.ok('approve', { proposalId: txId }, member(orgs[approvals]!));
    }
    expect(readValidators(chain.state)).toHaveLength(n + 1);
    expect(readProposal(chain.state, txId)).toMatchObject({
      status: 'executed',
      threshold: BigInt(quorum),
      organisations: BigInt(n),
    });
    expect(readProposal(chain.state, txId)?.approvals).toHaveLength(quorum);
  });

  it('approve_twiceByOneOrganisation_isAlreadyApproved_evenWithAnotherAdmin', async () => {
    const chain = await harness(4);
    const { txId } = chain.ok('propose', addValidator(100), member('org-a'));
    expect(chain.fails('approve', { proposalId: txId }, member('org-a')).code).toBe(
      'already-approved',
    );
    chain.ok('approve', { proposalId: txId }, member('org-b'));
    const again = chain.fails('approve', { proposalId: txId }, member('org-b', 'other-admin'));
    expect(again.code).toBe('already-approved');
    expect(readProposal(chain.state, txId)?.approvals.map((a) => a.org)).toEqual([
      'org-a',
      'org-b',
    ]);
  });

  it('approve_afterTheTtl_isProposalExpired_butOnTheLastHeightStillCounts', async () => {
    const chain = await harness(4, 5n);
    chain.height = 100n;
    const { txId } = chain.ok('propose', addValidator(100), member('org-a'));
    chain.height = 105n;
    chain.ok('approve', { proposalId: txId }, member('org-b'));
    chain.height = 106n;
    const error = chain.fails('approve', { proposalId: txId }, member('org-c'));
    expect(error.code).toBe('proposal-expired');
    expect(error.message).toContain('105');
    expect(readProposal(chain.state, txId)?.status).toBe('pending');
  });

  it('approve_ofAnUnknownProposal_orWithABadId_isRefused', async () => {
    const chain = await harness(4);
    expect(chain.fails('approve', { proposalId: new Uint8Array(32) }, member('org-a')).code).toBe(
      'unknown-proposal',
    );
    const bad = chain.fails('approve', { proposalId: new Uint8Array(31) }, member('org-a'));
    expect(bad).toMatchObject({ code: 'invalid-args', field: 'args.proposalId' });
  });

  it('approve_whenTheActionNoLongerHolds_failsWithTheRule_andLeavesItPending', async () => {
    const chain = await harness(4);
    const first = chain.ok('propose', addValidator(100), member('org-a'));
    const twin = chain.ok('propose', addValidator(100, 'org-b'), member('org-b'));
    chain.ok('approve', { proposalId: first.txId }, member('org-b'));
    chain.ok('approve', { proposalId: first.txId }, member('org-c'));
    chain.ok('approve', { proposalId: twin.txId }, member('org-c'));
    const before = chain.state.dump();
    const error = chain.fails('approve', { proposalId: twin.txId }, member('org-d'));
    expect(error.code).toBe('duplicate-validator');
    expect(chain.state.dump()).toEqual(before);
    expect(readProposal(chain.state, twin.txId)?.status).toBe('pending');
  });

  it('removedOrganisation_cannotGovern_andItsEarlierApprovalNoLongerCounts', async () => {
    const chain = await harness(4);
    // org-d's validator goes first, then org-d itself.
    const removeValidator = chain.ok(
      'propose',
      { action: { type: 'remove-validator', publicKey: keyOf(3) } },
      member('org-a'),
    );
    chain.ok('approve', { proposalId: removeValidator.txId }, member('org-b'));
    chain.ok('approve', { proposalId: removeValidator.txId }, member('org-c'));
    const pending = chain.ok('propose', addValidator(100), member('org-d'));
    const removeOrg = chain.ok(
      'propose',
      { action: { type: 'remove-organisation', id: 'org-d' } },
      member('org-a'),
    );
    chain.ok('approve', { proposalId: removeOrg.txId }, member('org-b'));
    chain.ok('approve', { proposalId: removeOrg.txId }, member('org-c'));
    expect(chain.fails('propose', addValidator(101), member('org-d')).code).toBe('not-a-member');
    expect(chain.fails('approve', { proposalId: pending.txId }, member('org-d')).code).toBe(
      'not-a-member',
    );
    chain.ok('approve', { proposalId: pending.txId }, member('org-a'));
    // Threshold 3 fixed at creation; org-d's approval no longer counts: a and b make 2.
    chain.ok('approve', { proposalId: pending.txId }, member('org-b'));
    expect(readProposal(chain.state, pending.txId)?.status).toBe('pending');
    chain.ok('approve', { proposalId: pending.txId }, member('org-c'));
    expect(readProposal(chain.state, pending.txId)?.status).toBe('executed');
  });

  it('propose_withOneOrganisation_executesAtOnce', async () => {
    const chain = await harness(1);
    const { events } = chain.ok(
      'propose',
      { action: { type: 'set-parameter', name: 'maxBlockBatches', value: 7n } },
      member('org-a'),
    );
    expect(events.map((e) => e.type)).toEqual([
      'system.proposal-created',
      'system.set-parameter-applied',
    ]);
    expect(readParameters(chain.state).maxBlockBatches).toBe(7n);
  });

  it.each<[string, unknown, string]>([
    ['no action', {}, 'args.action'],
    ['not a map', [1, 2], 'args'],
    [
      'an unknown field',
      { action: { type: 'remove-observer', org: 'org-a', name: 'x' }, note: 'hi' },
      'args.note',
    ],
    ['an unknown action', { action: { type: 'add-emperor', id: 'org-a' } }, 'args.action.type'],
    [
      'an action field too many',
      { action: { type: 'remove-organisation', id: 'org-a', why: 'x' } },
      'args.action.why',
    ],
    [
      'a number where bigint is due',
      { action: { type: 'set-parameter', name: 'maxBlockBatches', value: 1.5 } },
      'args.action.value',
    ],
    [
      'a bad address',
      { action: { ...addValidator(9).action, address: 'node:0' } },
      'args.action.address',
    ],
    [
      'a 31-byte key',
      { action: { type: 'remove-validator', publicKey: new Uint8Array(31) } },
      'args.action.publicKey',
    ],
  ])('propose_with_%s_isInvalidArgs_namingTheField', async (_label, args, field) => {
    const chain = await harness(4);
    const before = chain.state.dump();
    const error = chain.fails('propose', args, member('org-a'));
    expect(error).toMatchObject({ code: 'invalid-args', field });
    expect(chain.state.dump()).toEqual(before);
  });

  it('registerCertificate_storesTheCallersCertificateByTbsHash_once', async () => {
    const chain = await harness(4);
    const ca = await createOrgCa({
      orgId: 'org-b',
      name: 'some certificate',
      validity: {
        notBefore: new Date('2025-01-01T00:00:00Z'),
        notAfter: new Date('2030-01-01T00:00:00Z'),
      },
      algorithm: 'ed25519',
    });
    const der = pemToDer(ca.certificate);
    const caller = member('org-b', 'alice', ['invoice-issuer']);
    chain.height = 4n;
    const { events } = chain.ok('registerCertificate', { certificate: der }, caller);
    expect(events).toEqual([
      {
        type: 'system.certificate-registered',
        data: { org: 'org-b', name: 'alice', tbsHash: caller.certificate },
      },
    ]);
    expect(readCertificate(chain.state, caller.certificate)).toEqual({
      org: 'org-b',
      der,
      registeredHeight: 4n,
    });
    expect(chain.fails('registerCertificate', { certificate: der }, caller).code).toBe(
      'already-registered',
    );
    const truncated = chain.fails(
      'registerCertificate',
      { certificate: der.subarray(0, 100) },
      member('org-c'),
    );
    expect(truncated).toMatchObject({ code: 'invalid-args', field: 'args.certificate' });
  });

  it('revokeOwn_revokesOnlyTheCallersOrganisationsSerial_atOnce', async () => {
    const chain = await harness(4);
    chain.height = 9n;
    const { events } = chain.ok('revokeOwn', { serial: '00AB12' }, member('org-b'));
    expect(events).toEqual([
      {
        type: 'system.certificate-revoked',
        data: { org: 'org-b', serial: 'ab12', by: 'org-b-admin' },
      },
    ]);
    expect(isRevoked(chain.state, 'org-b', 'ab12')).toBe(true);
    expect(isRevoked(chain.state, 'org-b', '0000AB12')).toBe(true);
    expect(isRevoked(chain.state, 'org-a', 'ab12')).toBe(false);
    expect(chain.fails('revokeOwn', { serial: 'ab12' }, member('org-b'))).toMatchObject({
      code: 'already-revoked',
      field: 'args.serial',
    });
    const other = chain.fails('revokeOwn', { serial: 'cd', org: 'org-a' }, member('org-b'));
    expect(other).toMatchObject({ code: 'invalid-args', field: 'args.org' });
    expect(isRevoked(chain.state, 'org-a', 'cd')).toBe(false);
    expect(chain.fails('revokeOwn', { serial: '00' }, member('org-b')).code).toBe('invalid-args');
  });

  it('removingAndReAddingAValidator_putsItLastInConsensusOrder', async () => {
    const chain = await harness(4);
    const order = () => readValidators(chain.state).map((v) => toHex(v.publicKey).slice(-2));
    expect(order()).toEqual(['00', '01', '02', '03']);
    const passed = (args: unknown) => {
      const { txId } = chain.ok('propose', args, member('org-a'));
      chain.ok('approve', { proposalId: txId }, member('org-b'));
      chain.ok('approve', { proposalId: txId }, member('org-c'));
    };
    passed({ action: { type: 'remove-validator', publicKey: keyOf(1) } });
    expect(order()).toEqual(['00', '02', '03']);
    passed({
      action: {
        type: 'add-validator',
        org: 'org-b',
        name: 'org-b-node-1',
        publicKey: keyOf(1),
        address: '10.0.0.2:7100',
      },
    });
    expect(order()).toEqual(['00', '02', '03', '01']);
  });

  it('sameCalls_giveIdenticalStateBytes', async () => {
    const genesis = await membership(4);
    const run = (): string[] => {
      const chain = new Harness(genesisState(genesis));
      const script: [Parameters<Harness['call']>[0], (ids: Uint8Array[]) => unknown, string][] = [
        ['propose', () => addValidator(100), 'org-a'],
        ['approve', (ids) => ({ proposalId: ids[0] }), 'org-b'],
        ['revokeOwn', () => ({ serial: '0badc0de' }), 'org-c'],
        [
          'propose',
          () => ({
            action: { type: 'add-observer', org: 'org-d', name: 'watcher', address: '[::1]:9000' },
          }),
          'org-d',
        ],
        ['approve', (ids) => ({ proposalId: ids[0] }), 'org-c'],
        ['approve', (ids) => ({ proposalId: ids[3] }), 'org-a'],
        ['approve', (ids) => ({ proposalId: ids[3] }), 'org-a'],
      ];
      const ids: Uint8Array[] = [];
      for (const [method, args, org] of script) {
        chain.height += 1n;
        ids.push(chain.call(method, args(ids), member(org)).txId);
      }
      return chain.state.dump();
    };
    const first = run();
    expect(first.length).toBeGreaterThan(0);
    expect(run()).toEqual(first);
  });
});
