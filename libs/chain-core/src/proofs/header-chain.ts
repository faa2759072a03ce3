/**
 * The header-chain rule (docs/spec/proofs.md §6.2): headers h0 … hk (k ≥ 1), each the parent
 * of the next, all of one epoch E and of this chain, `hk.round = hk−1.round + 1`, and a QC
 * over hk signed by a quorum of epoch E's validators. By the 2-chain commit rule of consensus
 * (docs/spec/consensus.md §3 R7) that QC commits hk−1 and all its ancestors, so h0 … hk−1.
 */
import { type HashFn, equalBytes, toHex } from '../codec';
import { blockHash } from '../consensus/block-hash';
import type { ValidatorSet } from '../consensus/validator-set';
import { type BlockHeader, signersOf, voteSigningPayload } from '../types';
import type { DeferredSignatures } from './deferred-signatures';
import type { HeaderChain } from './format';
import { refuse } from './proof-error';

/** What the verifier needs to check header chains. */
export interface ChainContext {
  readonly chainId: string;
  readonly hash: HashFn;
  readonly signatures: DeferredSignatures;
  /** The validator set of each epoch proven so far, index = epoch number. */
  readonly epochs: readonly ValidatorSet[];
}

/** A header chain that passed every rule but its signatures (queued in the context). */
export interface CertifiedChain {
  readonly epoch: bigint;
  /** h0, committed; the block a transaction or receipt proof is about. */
  readonly first: BlockHeader;
  readonly firstHash: Uint8Array;
  /** hk−1: committed; `last.stateRoot` is the state after executing it. */
  readonly tip: BlockHeader;
  readonly tipHash: Uint8Array;
  /** hk: certified by the QC; holds the state root of the tip's result. */
  readonly last: BlockHeader;
  readonly signers: number;
  readonly quorum: number;
  readonly validators: number;
}

const short = (hash: Uint8Array): string => `${toHex(hash).slice(0, 16)}…`;

/** The validator set of `epoch`, if the bundle has proven it. */
export function epochSet(ctx: ChainContext, epoch: bigint): ValidatorSet | undefined {
  return epoch < BigInt(ctx.epochs.length) ? ctx.epochs[Number(epoch)] : undefined;
}

/**
 * Checks `chain` by the header-chain rule; queues its QC's signatures in `ctx.signatures`.
 * @throws ProofError naming the header or QC field at fault.
 */
export function checkHeaderChain(
  ctx: ChainContext,
  chain: HeaderChain,
  path: string,
): CertifiedChain {
  const { headers, qc } = chain;
  if (headers.length < 2) {
    refuse('malformed', `${path}.headers`, `has ${headers.length} header(s), at least 2 needed`);
  }
  const first = headers[0]!;
  const epoch = first.epoch;
  const set = epochSet(ctx, epoch);
  if (set === undefined) {
    refuse(
      'unknown-epoch',
      `${path}.headers[0].epoch`,
      `epoch ${epoch} is not proven by the bundle (it proves epochs 0 to ${ctx.epochs.length - 1})`,
    );
  }
  const hashes = headers.map((header) => blockHash(ctx.hash, header));
  headers.forEach((header, i) => {
    const at = `${path}.headers[${i}]`;
    if (header.chainId !== ctx.chainId) {
      refuse('wrong-chain', `${at}.chainId`, `is ${header.chainId}, not ${ctx.chainId}`);
    }
    if (header.epoch !== epoch) {
      refuse('bad-chain-link', `${at}.epoch`, `is ${header.epoch}, the chain's is ${epoch}`);
    }
    if (i === 0) return;
    const parent = headers[i - 1]!;
    if (header.height !== parent.height + 1n) {
      refuse('bad-chain-link', `${at}.height`, `is ${header.height}, not ${parent.height + 1n}`);
    }
    if (!equalBytes(header.parentHash, hashes[i - 1]!)) {
      refuse(
        'bad-chain-link',
        `${at}.parentHash`,
        `is ${short(header.parentHash)}, not the hash ${short(hashes[i - 1]!)} of header ${i - 1}`,
      );
    }
  });
  const k = headers.length - 1;
  const last = headers[k]!;
  const tip = headers[k - 1]!;
  if (last.round !== tip.round + 1n) {
    refuse(
      'not-committed',
      `${path}.headers[${k}].round`,
      `is ${last.round}, not ${tip.round + 1n}: the last two rounds must be consecutive to commit`,
    );
  }
  checkQuorumCertificate(ctx, chain, hashes[k]!, set, path);
  return {
    epoch,
    first,
    firstHash: hashes[0]!,
    tip,
    tipHash: hashes[k - 1]!,
    last,
    signers: signersOf(qc.signers).length,
    quorum: set.quorum,
    validators: set.size,
  };
}

/** The QC names the last header, with ≥ quorum distinct signers of the epoch (queued). */
function checkQuorumCertificate(
  ctx: ChainContext,
  { headers, qc }: HeaderChain,
  lastHash: Uint8Array,
  set: ValidatorSet,
  path: string,
): void {
  const last = headers[headers.length - 1]!;
  const at = `${path}.qc`;
  const { data } = qc;
  if (data.chainId !== ctx.chainId) {
    refuse('wrong-chain', `${at}.data.chainId`, `is ${data.chainId}, not ${ctx.chainId}`);
  }
  const names = (field: string, got: bigint, want: bigint): void => {
    if (got !== want) {
      refuse('bad-chain-link', `${at}.data.${field}`, `is ${got}, the last header's is ${want}`);
    }
  };
  names('epoch', data.epoch, last.epoch);
  names('round', data.round, last.round);
  names('height', data.height, last.height);
  if (!equalBytes(data.blockHash, lastHash)) {
    refuse(
      'bad-chain-link',
      `${at}.data.blockHash`,
      `is ${short(data.blockHash)}, the last header's hash is ${short(lastHash)}`,
    );
  }
  // The bitmap is canonical and names each signer once (the codec checked it against the
  // number of signatures); an unsigned root QC has an empty one.
  const signers = signersOf(qc.signers);
  const outside = signers.find((s) => s >= set.size);
  if (outside !== undefined) {
    refuse(
      'unknown-signer',
      `${at}.signers`,
      `names validator ${outside}, but epoch ${last.epoch} has ${set.size} validators`,
    );
  }
  if (signers.length < set.quorum) {
    refuse(
      'insufficient-signatures',
      `${at}.signers`,
      `${signers.length} signers, fewer than the quorum ${set.quorum} of the ${set.size} validators of epoch ${last.epoch}`,
    );
  }
  const payload = voteSigningPayload(ctx.hash, data);
  signers.forEach((validator, i) => {
    ctx.signatures.add({
      publicKey: set.publicKeys[validator]!,
      payload,
      signature: qc.signatures[i]!,
      validator,
      epoch: last.epoch,
      path: `${at}.signatures[${i}]`,
    });
  });
}
