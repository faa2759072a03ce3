/**
 * Verifying a proof bundle against a trusted genesis (docs/spec/proofs.md §6): decode, follow
 * the epoch changes from genesis, check the transaction or state proof against its certified
 * header chain, then every signature. Pure and total: any input gives a verdict or a
 * `ProofError`; nothing else escapes.
 */
import { CodecError, type HashFn, equalBytes } from '../codec';
import { ValidatorSet } from '../consensus/validator-set';
import { type HashId, PORTABLE_SUITES, SUITE_HASH, portableHash } from '../crypto/portable';
import { ExecutionError } from '../execution/execution-error';
import { verifyInclusion, verifySparseProof } from '../merkle';
import { Receipt } from '../types';
import { DeferredSignatures } from './deferred-signatures';
import { decodeProof, followEpochChanges } from './epoch-changes';
import {
  type ProofBundle,
  type ReceiptProof,
  type StateProof,
  type TransactionProof,
  decodeProofBundle,
} from './format';
import { type CertifiedChain, type ChainContext, checkHeaderChain } from './header-chain';
import { ProofError, refuse } from './proof-error';
import type { TrustedGenesis } from './trusted-genesis';
import { stateTreeKey } from './validator-set-record';
import type { ProofVerdict, ReceiptVerdict, StateVerdict, TransactionVerdict } from './verdict';

/** One function object per hash, so that the merkle layer measures its digest length once. */
const HASHES: Readonly<Record<HashId, HashFn>> = {
  sha256: (data) => portableHash('sha256', data),
  sm3: (data) => portableHash('sm3', data),
};

/**
 * Verifies encoded bundle `bytes` against `genesis`.
 * @throws ProofError: the rule that refused the bundle, naming the part at fault.
 */
export function verifyProofBundle(genesis: TrustedGenesis, bytes: Uint8Array): ProofVerdict {
  try {
    return verifyDecoded(genesis, decode(bytes));
  } catch (error) {
    if (error instanceof ProofError) throw error;
    // Every rule refuses with a ProofError; anything else is a fault of this code.
    throw new ProofError('internal', `verifier fault: ${String(error)}`, '', { cause: error });
  }
}

function decode(bytes: Uint8Array): ProofBundle {
  if (!(bytes instanceof Uint8Array)) refuse('malformed', '', 'a bundle must be bytes');
  try {
    return decodeProofBundle(bytes);
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    throw new ProofError('malformed', `not a proof bundle: ${error.message}`);
  }
}

function verifyDecoded(genesis: TrustedGenesis, bundle: ProofBundle): ProofVerdict {
  if (bundle.chainId !== genesis.chainId) {
    refuse('wrong-chain', 'chainId', `is ${bundle.chainId}, the genesis is ${genesis.chainId}`);
  }
  if ((bundle.transaction === null) === (bundle.state === null)) {
    refuse('malformed', '', 'a bundle carries exactly one of a transaction or a state proof');
  }
  const suite = PORTABLE_SUITES[genesis.suite];
  const hash = HASHES[SUITE_HASH[genesis.suite]];
  const signatures = new DeferredSignatures(suite);
  const base = { chainId: genesis.chainId, hash, signatures };
  const epochs = followEpochChanges(base, new ValidatorSet(0n, genesis.validators), bundle.epochs);
  const ctx: ChainContext = { ...base, epochs };
  const proven =
    bundle.transaction !== null
      ? checkTransaction(ctx, bundle.transaction)
      : checkState(ctx, bundle.state!);
  const newest = proven.chains.reduce((max, c) => (c.epoch > max ? c.epoch : max), 0n);
  const last = BigInt(bundle.epochs.length);
  if (newest !== last) {
    refuse(
      'bad-epoch-change',
      'epochs',
      `prove epochs up to ${last}, but the proof's newest chain is of epoch ${newest}: a bundle carries the changes up to the proof's epoch and no more`,
    );
  }
  signatures.verifyAll();
  return {
    chainId: genesis.chainId,
    suite: genesis.suite,
    epochChanges: bundle.epochs.length,
    ...proven.verdict,
  } as ProofVerdict;
}

type Proven<V extends ProofVerdict> = {
  readonly chains: readonly CertifiedChain[];
  readonly verdict: Omit<V, 'chainId' | 'suite' | 'epochChanges'>;
};

/** A tree size or index from a header or proof as a number, if it is one verifyInclusion takes. */
function count(value: bigint): number {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : -1;
}

/** Transaction `txId` is leaf `index` of `txRoot` of the chain's first (committed) header. */
function checkTransaction(ctx: ChainContext, tx: TransactionProof): Proven<TransactionVerdict> {
  const path = 'transaction';
  const chain = checkHeaderChain(ctx, tx.chain, `${path}.chain`);
  const block = chain.first;
  if (
    !verifyInclusion(
      ctx.hash,
      { data: tx.txId },
      count(tx.index),
      count(block.txCount),
      tx.path,
      block.txRoot,
    )
  ) {
    refuse(
      'bad-merkle-proof',
      `${path}.path`,
      `does not prove the transaction at index ${tx.index} of the ${block.txCount} in block ${block.height}`,
    );
  }
  const receipt = tx.receipt === null ? null : checkReceipt(ctx, tx, chain, tx.receipt);
  return {
    chains: receipt === null ? [chain] : [chain, receipt.chain],
    verdict: {
      kind: 'transaction',
      epoch: chain.epoch,
      height: block.height,
      blockHash: chain.firstHash,
      timestampMs: block.timestampMs,
      signers: chain.signers,
      quorum: chain.quorum,
      validators: chain.validators,
      txId: tx.txId,
      index: tx.index,
      receipt: receipt?.verdict ?? null,
    },
  };
}

/**
 * The receipt of `tx` is leaf `index` of `receiptRoot` of the transaction block's child:
 * execution is deferred by one block, so block h's receipts are committed in header h + 1.
 */
function checkReceipt(
  ctx: ChainContext,
  tx: TransactionProof,
  txChain: CertifiedChain,
  proof: ReceiptProof,
): { chain: CertifiedChain; verdict: ReceiptVerdict } {
  const path = 'transaction.receipt';
  const chain = checkHeaderChain(ctx, proof.chain, `${path}.chain`);
  const child = chain.first;
  const block = txChain.first;
  if (child.height !== block.height + 1n || !equalBytes(child.parentHash, txChain.firstHash)) {
    refuse(
      'bad-chain-link',
      `${path}.chain.headers[0]`,
      `block ${child.height} is not the child of the transaction's block ${block.height}, whose results it must commit`,
    );
  }
  let receipt: Receipt;
  try {
    receipt = Receipt.decode(proof.receipt);
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    throw new ProofError('malformed', `is not a receipt: ${error.message}`, `${path}.receipt`);
  }
  if (!equalBytes(receipt.txId, tx.txId)) {
    refuse('bad-receipt', `${path}.receipt.txId`, 'is the receipt of another transaction');
  }
  if (
    !verifyInclusion(
      ctx.hash,
      { data: proof.receipt },
      count(proof.index),
      count(child.receiptCount),
      proof.path,
      child.receiptRoot,
    )
  ) {
    refuse(
      'bad-merkle-proof',
      `${path}.path`,
      `does not prove the receipt at index ${proof.index} of the ${child.receiptCount} committed in block ${child.height}`,
    );
  }
  return {
    chain,
    verdict: {
      status: receipt.status,
      error: receipt.error,
      events: receipt.events,
      steps: receipt.steps,
      committedAtHeight: child.height,
      signers: chain.signers,
      quorum: chain.quorum,
    },
  };
}

/**
 * `contract`'s `key` holds `value` (or is absent) in the state root of the chain's last
 * header: the state after executing the committed block below it.
 */
function checkState(ctx: ChainContext, state: StateProof): Proven<StateVerdict> {
  const path = 'state';
  const chain = checkHeaderChain(ctx, state.chain, `${path}.chain`);
  let key: Uint8Array;
  try {
    key = stateTreeKey(ctx.hash, state.contract, state.key);
  } catch (error) {
    if (!(error instanceof ExecutionError)) throw error;
    throw new ProofError('malformed', `is not a state key: ${error.message}`, `${path}.key`);
  }
  const proof = decodeProof(state.proof, `${path}.proof`);
  const value = state.value ?? undefined;
  if (!verifySparseProof(ctx.hash, chain.last.stateRoot, key, value, proof)) {
    refuse(
      'bad-merkle-proof',
      `${path}.proof`,
      `does not prove that ${state.contract}'s key ${value === undefined ? 'is absent' : 'holds this value'} in the state root of block ${chain.last.height}`,
    );
  }
  return {
    chains: [chain],
    verdict: {
      kind: 'state',
      epoch: chain.epoch,
      height: chain.tip.height,
      blockHash: chain.tipHash,
      timestampMs: chain.tip.timestampMs,
      signers: chain.signers,
      quorum: chain.quorum,
      validators: chain.validators,
      contract: state.contract,
      key: state.key,
      value: state.value,
      asOfHeight: chain.tip.height,
    },
  };
}
