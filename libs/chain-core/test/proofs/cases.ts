/**
 * Named bundles of the fixture chain (fixtures.ts): the ones a verifier must accept, and the
 * ones it must refuse with the rule (error code) that refuses them. The light-client tests run
 * them; vectors.test.ts publishes them for other implementations (and the CLI and browser
 * tests of @trellis/verify).
 */
import { bitmapOf } from '@trellis/chain-core';
import type { ProofErrorCode } from '@trellis/chain-core/proofs';
import type { ProofFixture } from './fixtures';

export interface AcceptCase {
  readonly name: string;
  readonly bundle: Uint8Array;
}

export interface RejectCase {
  readonly name: string;
  readonly code: ProofErrorCode;
  /** Where the verifier must say the fault is (its `path`). */
  readonly path: string;
  readonly bundle: Uint8Array;
}

export function acceptCases(f: ProofFixture): AcceptCase[] {
  return [
    { name: 'transaction with its receipt', bundle: f.bundle({ transaction: f.transaction }) },
    {
      name: 'transaction without a receipt',
      bundle: f.bundle({ transaction: f.transactionProof(0, false) }),
    },
    { name: 'failed transaction', bundle: f.bundle({ transaction: f.transactionProof(2) }) },
    { name: 'state value', bundle: f.bundle({ state: f.state }) },
    { name: 'absent state key', bundle: f.bundle({ state: f.stateProof('missing') }) },
    { name: 'deleted state key', bundle: f.bundle({ state: f.stateProof('note/3') }) },
    {
      name: 'genesis-epoch state',
      bundle: f.bundle({ epochs: [], state: f.genesisStateProof('note/3') }),
    },
  ];
}

export function rejectCases(f: ProofFixture): RejectCase[] {
  const { b1, c2, c3, c4, g0 } = f.headers;
  const [epoch0, epoch1] = f.validators;
  const tx = f.transaction;
  const txChain = tx.chain;
  const withTxQc = (qc: typeof txChain.qc) => ({ ...tx, chain: { ...txChain, qc } });
  const reject = (
    name: string,
    code: ProofErrorCode,
    path: string,
    bundle: Uint8Array,
  ): RejectCase => ({ name, code, path, bundle });

  // A round skipped before the last header: [C3, C4'] with C4'.round = C3.round + 2.
  const late = f.header({ ...c4, round: c3.round + 2n });
  // An epoch change to the outsiders' keys, "proven" by a chain they made and signed.
  const fake = fakeEpochChange(f);
  // Epoch 0's own set, proven by a real chain of epoch 0 (B1's root is the genesis state).
  const unchanged = {
    ...f.epochChange,
    validators: epoch0.map((k) => k.publicKey),
    chain: f.certify([g0, b1], 0),
    setProof: f.genesisSetProof,
  };

  return [
    reject(
      'QC with fewer than 2f + 1 signatures',
      'insufficient-signatures',
      'transaction.chain.qc.signers',
      f.bundle({ transaction: withTxQc(f.qc(c3, epoch1.slice(0, 2), [0, 1])) }),
    ),
    reject(
      'QC signed by keys of no validator',
      'bad-signature',
      'transaction.chain.qc.signatures[0]',
      f.bundle({ transaction: withTxQc(f.qc(c3, f.outsiders.slice(0, 3), [0, 1, 2])) }),
    ),
    reject(
      'QC naming a signer outside the set',
      'unknown-signer',
      'transaction.chain.qc.signers',
      f.bundle({
        transaction: withTxQc({
          ...f.qc(c3, epoch1.slice(0, 3), [0, 1, 2]),
          signers: bitmapOf([0, 1, 9]),
        }),
      }),
    ),
    reject(
      'QC signed by epoch 0 for an epoch 1 block',
      'bad-signature',
      'transaction.chain.qc.signatures[2]',
      f.bundle({
        transaction: withTxQc(f.qc(c3, [epoch0[0]!, epoch0[1]!, epoch0[3]!], [0, 1, 3])),
      }),
    ),
    reject(
      'fake epoch change signed by non-validators',
      'bad-signature',
      'epochs[0].chain.qc.signatures[0]',
      f.bundle({ epochs: [fake.change], state: fake.state }),
    ),
    reject(
      'epoch change whose set did not change',
      'bad-epoch-change',
      'epochs[0].validators',
      f.bundle({ epochs: [unchanged], state: f.state }),
    ),
    reject(
      'epoch change numbered 2 first',
      'bad-epoch-change',
      'epochs[0].epoch',
      f.bundle({ epochs: [{ ...f.epochChange, epoch: 2n }], state: f.state }),
    ),
    reject(
      'epoch change proven by a chain of the new epoch',
      'bad-epoch-change',
      'epochs[0].chain.headers[0].epoch',
      f.bundle({ epochs: [{ ...f.epochChange, chain: f.certify([c3, c4], 1) }], state: f.state }),
    ),
    reject(
      'epoch change with another set than the state holds',
      'bad-merkle-proof',
      'epochs[0].setProof',
      f.bundle({
        epochs: [{ ...f.epochChange, validators: f.outsiders.map((k) => k.publicKey) }],
        state: f.state,
      }),
    ),
    reject(
      'proof of an epoch the bundle does not prove',
      'unknown-epoch',
      'state.chain.headers[0].epoch',
      f.bundle({ epochs: [], state: f.state }),
    ),
    reject(
      'epoch change the proof does not need',
      'bad-epoch-change',
      'epochs',
      f.bundle({ state: f.genesisStateProof('note/3') }),
    ),
    reject(
      'bundle of another chain',
      'wrong-chain',
      'chainId',
      f.bundle({ chainId: 'another-chain', state: f.state }),
    ),
    reject(
      'header of another chain',
      'wrong-chain',
      'state.chain.headers[0].chainId',
      f.bundle({ state: { ...f.state, chain: otherChainHeaders(f) } }),
    ),
    reject(
      'rounds of the last two headers not consecutive',
      'not-committed',
      'state.chain.headers[1].round',
      f.bundle({ state: { ...f.state, chain: f.certify([c3, late], 1) } }),
    ),
    reject(
      'headers that are not parent and child',
      'bad-chain-link',
      'state.chain.headers[1].parentHash',
      f.bundle({
        state: { ...f.state, chain: f.certify([c2, f.header({ ...c4, height: 3n })], 1) },
      }),
    ),
    reject(
      'chain crossing epochs',
      'bad-chain-link',
      'epochs[0].chain.headers[1].epoch',
      f.bundle({ epochs: [{ ...f.epochChange, chain: f.certify([b1, c2], 0) }], state: f.state }),
    ),
    reject(
      'QC over another header than the last',
      'bad-chain-link',
      'transaction.chain.qc.data.round',
      f.bundle({ transaction: withTxQc(f.certify([c3, c4], 1).qc) }),
    ),
    reject(
      'chain of one header',
      'malformed',
      'state.chain.headers',
      f.bundle({ state: { ...f.state, chain: { ...f.state.chain, headers: [c4] } } }),
    ),
    reject(
      'receipt of another transaction',
      'bad-receipt',
      'transaction.receipt.receipt.txId',
      f.bundle({ transaction: { ...tx, receipt: f.receiptProof(2) } }),
    ),
    reject(
      'receipt not committed by the child of the transaction block',
      'bad-chain-link',
      'transaction.receipt.chain.headers[0]',
      f.bundle({
        transaction: { ...tx, receipt: { ...f.receiptProof(1), chain: f.certify([c2, c3], 1) } },
      }),
    ),
    reject(
      'transaction at another index',
      'bad-merkle-proof',
      'transaction.path',
      f.bundle({ transaction: { ...tx, index: 2n } }),
    ),
    reject(
      'state value that is not the one held',
      'bad-merkle-proof',
      'state.proof',
      f.bundle({ state: { ...f.state, value: new TextEncoder().encode('goodbye') } }),
    ),
    reject(
      'state key claimed absent while present',
      'bad-merkle-proof',
      'state.proof',
      f.bundle({ state: { ...f.state, value: null } }),
    ),
    reject(
      'state proof of an empty key',
      'malformed',
      'state.key',
      f.bundle({ state: { ...f.state, key: new Uint8Array(0) } }),
    ),
    reject(
      'both a transaction and a state proof',
      'malformed',
      '',
      f.bundle({ transaction: tx, state: f.state }),
    ),
    reject('neither a transaction nor a state proof', 'malformed', '', f.bundle({})),
    reject('bytes that are no bundle', 'malformed', '', new TextEncoder().encode('not a bundle')),
  ];
}

/** The state chain with its headers relabelled as another chain's (and re-signed). */
function otherChainHeaders(f: ProofFixture) {
  const { c3, c4 } = f.headers;
  const h3 = f.header({ ...c3, chainId: 'another-chain' });
  const h4 = f.header({ ...c4, chainId: 'another-chain', parentHash: f.blockHash(h3) });
  return f.certify([h3, h4], 1);
}

/**
 * What the outsiders can make without epoch 0's keys: an epoch 1 of their own, "proven" by a
 * chain of epoch 0 they built and signed (claiming validator indexes 0–2) whose state holds
 * their keys, and a state proof of their epoch 1 signed by themselves.
 */
function fakeEpochChange(f: ProofFixture) {
  const forged = f.forgeSet(f.outsiders);
  const { b1 } = f.headers;
  const x2 = f.header({ ...f.headers.b2, stateRoot: forged.root });
  const chain = { headers: [b1, x2], qc: f.qc(x2, f.outsiders.slice(0, 3), [0, 1, 2]) };
  const y2 = f.header({ ...f.headers.c2, stateRoot: forged.root });
  const y3 = f.header({ ...f.headers.c3, parentHash: f.blockHash(y2), stateRoot: forged.root });
  const state = {
    ...forged.noteProof,
    chain: { headers: [y2, y3], qc: f.qc(y3, f.outsiders.slice(0, 3), [0, 1, 2]) },
  };
  return {
    change: {
      epoch: 1n,
      validators: f.outsiders.map((k) => k.publicKey),
      chain,
      setProof: forged.setProof,
    },
    state,
  };
}
