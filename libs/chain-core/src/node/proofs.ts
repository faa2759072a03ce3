/**
 * Assembles the proof bundles of docs/spec/proofs.md §6 from a node's committed store: header
 * chains proven by the 2-chain rule, the epoch changes since genesis, transaction (and
 * receipt) inclusion proofs and state proofs.
 *
 * A block's certificate lives in its child's proposal (`qc`); the newest block's in the
 * commit proof. The last committed block of an epoch has no committed child in its epoch:
 * its chain is the epoch's tail (the uncommitted blocks above it up to the one the final
 * commit QC certifies), stored when the epoch ended (`META.epochTailPrefix`).
 */
import { type HashFn, equalBytes, toHex } from '../codec';
import { blockHash } from '../consensus';
import { VALIDATOR_SET_KEY } from '../governance';
import { stateTreeKey } from '../proofs/validator-set-record';
import { SparseMerkleTree, encodeSparseProof, inclusionProof } from '../merkle';
import {
  type EpochChange,
  type HeaderChain,
  HeaderChainSchema,
  MAX_CHAIN_HEADERS,
  PROOF_FORMAT,
  type ProofBundle,
  type ReceiptProof,
  type StateProof,
  type TransactionProof,
} from '../proofs';
import type { ChainStore } from '../storage';
import { Batch, type BlockHeader, type QuorumCertificate, Transaction } from '../types';
import { META, decodeCommitProof, decodeEpoch, decodeProposal, epochKey } from './records';

/** Why a proof cannot be given (yet). */
export class ProofUnavailableError extends Error {
  constructor(
    readonly code: 'unknown-transaction' | 'not-yet-provable' | 'epoch-proof-unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'ProofUnavailableError';
  }
}

export function epochTailKey(epoch: bigint): string {
  return `${META.epochTailPrefix}${epoch.toString().padStart(20, '0')}`;
}

export function encodeEpochTail(tail: HeaderChain): Uint8Array {
  return HeaderChainSchema.encode(tail);
}

export class ProofBuilder {
  constructor(
    private readonly opts: { readonly chainId: string; readonly hash: HashFn },
    private readonly store: ChainStore,
  ) {}

  /** The committed header at `height` (the genesis header for 0), if committed. */
  header(height: bigint): BlockHeader | undefined {
    const stored = this.store.blockAt(height);
    if (stored === undefined) return undefined;
    if (stored.block.length > 0) return decodeProposal(stored.block).header;
    return this.epochRecord(0n)!.state.root.header;
  }

  /** The QC that certifies committed block `height`, from its child or the commit proof. */
  certificateOf(height: bigint, hash: Uint8Array): QuorumCertificate | undefined {
    const child = this.store.blockAt(height + 1n);
    if (child !== undefined && child.block.length > 0) {
      const qc = decodeProposal(child.block).qc;
      if (equalBytes(qc.data.blockHash, hash)) return qc;
      return undefined;
    }
    const proof = this.store.getMeta(META.commitProof);
    if (proof === undefined) return undefined;
    const { qc } = decodeCommitProof(proof);
    return equalBytes(qc.data.blockHash, hash) ? qc : undefined;
  }

  /** A header chain whose first header is committed block `height` (§6.1). */
  headerChain(height: bigint): HeaderChain {
    const head = this.store.head();
    if (head === undefined || height > head.height) {
      throw new ProofUnavailableError('not-yet-provable', `block ${height} is not committed`);
    }
    const headers: BlockHeader[] = [this.header(height)!];
    for (let j = height; headers.length < MAX_CHAIN_HEADERS; j++) {
      const current = headers[headers.length - 1]!;
      const next = this.header(j + 1n);
      if (next === undefined) break;
      if (next.epoch !== current.epoch) {
        // `current` ended its epoch: its 2-chain is the stored tail of that epoch.
        const tail = this.epochTail(next.epoch);
        const chain = [...headers.slice(0, -1), ...tail.headers];
        if (chain.length > MAX_CHAIN_HEADERS) break;
        return { headers: chain, qc: tail.qc };
      }
      headers.push(next);
      if (next.round === current.round + 1n) {
        const qc = this.certificateOf(j + 1n, blockHash(this.opts.hash, next));
        if (qc !== undefined) return { headers, qc };
      }
    }
    throw new ProofUnavailableError(
      'not-yet-provable',
      `block ${height} is committed but no 2-chain above it is yet: retry after the next block`,
    );
  }

  /** The stored tail of the epoch ended before `epoch`: headers from its last block. */
  private epochTail(epoch: bigint): HeaderChain {
    const bytes = this.store.getMeta(epochTailKey(epoch));
    if (bytes === undefined) {
      throw new ProofUnavailableError(
        'epoch-proof-unavailable',
        `this node did not see epoch ${epoch - 1n} end (it synced past it); ask another node`,
      );
    }
    return HeaderChainSchema.decode(bytes, 1024 * 1024);
  }

  private epochRecord(epoch: bigint) {
    const bytes = this.store.getMeta(epochKey(epoch));
    return bytes === undefined
      ? undefined
      : decodeEpoch(bytes, (h) => blockHash(this.opts.hash, h));
  }

  /** Epochs 1 … `upTo`, each proven by the one before (§6.2). */
  epochChanges(upTo: bigint): EpochChange[] {
    const out: EpochChange[] = [];
    for (let e = 1n; e <= upTo; e++) {
      const record = this.epochRecord(e);
      if (record === undefined) {
        throw new ProofUnavailableError('epoch-proof-unavailable', `epoch ${e} is not stored`);
      }
      const chain = this.epochTail(e);
      const proof = this.sparseProof(this.stateVersionOf(chain), 'system', VALIDATOR_SET_KEY);
      out.push({
        epoch: e,
        validators: record.state.validators.publicKeys,
        chain,
        setProof: proof.encoded,
      });
    }
    return out;
  }

  /**
   * The stored tree version whose root is the chain's last `stateRoot`: the state after the
   * block before the last header. Within an epoch tail that block is never committed (another
   * block of the next epoch may hold its height), but it and every tail block above the
   * epoch's last committed block carry no payload, so the last committed header's version has
   * the same root.
   */
  private stateVersionOf(chain: HeaderChain): bigint {
    let committed = chain.headers[0]!.height;
    for (const header of chain.headers) {
      const stored = this.store.blockAt(header.height);
      if (stored === undefined || !equalBytes(stored.hash, blockHash(this.opts.hash, header)))
        break;
      committed = header.height;
    }
    const last = chain.headers[chain.headers.length - 1]!;
    return last.height - 1n < committed ? last.height - 1n : committed;
  }

  private sparseProof(
    version: bigint,
    contract: string,
    key: Uint8Array,
  ): { encoded: Uint8Array; value: Uint8Array | null } {
    const tree = new SparseMerkleTree({ hash: this.opts.hash }, { store: this.store.nodeStore() });
    const smtKey = stateTreeKey(this.opts.hash, contract, key);
    const proof = tree.prove(Number(version), smtKey);
    const value = tree.get(Number(version), smtKey);
    return { encoded: encodeSparseProof(proof), value: value ?? null };
  }

  private bundle(
    epoch: bigint,
    parts: { transaction?: TransactionProof; state?: StateProof },
  ): ProofBundle {
    return {
      format: PROOF_FORMAT,
      chainId: this.opts.chainId,
      epochs: this.epochChanges(epoch),
      transaction: parts.transaction ?? null,
      state: parts.state ?? null,
    };
  }

  /** The inclusion proof of a committed transaction, with its receipt's. */
  transaction(txId: Uint8Array): ProofBundle {
    const at = this.store.txLocation(txId);
    if (at === undefined) {
      throw new ProofUnavailableError(
        'unknown-transaction',
        'no committed transaction has this id',
      );
    }
    const txChain = this.headerChain(at.height);
    const header = txChain.headers[0]!;
    const ids = this.txIdsOf(header);
    const position = ids.findIndex((id) => equalBytes(id, txId));
    if (position < 0) throw new Error(`transaction ${toHex(txId)} is not in block ${at.height}`);
    const receipts = this.store.receiptsAt(at.height);
    const receiptChain = this.headerChain(at.height + 1n);
    const receipt: ReceiptProof = {
      receipt: receipts[at.index]!,
      index: BigInt(at.index),
      path: inclusionProof(this.opts.hash, receipts, at.index),
      chain: receiptChain,
    };
    const transaction: TransactionProof = {
      txId,
      index: BigInt(position),
      path: inclusionProof(this.opts.hash, ids, position),
      chain: txChain,
      receipt,
    };
    const lastEpoch = receiptChain.headers[receiptChain.headers.length - 1]!.epoch;
    return this.bundle(lastEpoch > header.epoch ? lastEpoch : header.epoch, { transaction });
  }

  /** The ids of the transactions of block `header`'s batches, in order: its txRoot's leaves. */
  private txIdsOf(header: BlockHeader): Uint8Array[] {
    return header.batchDigests.flatMap((digest) => {
      const bytes = this.store.batch(digest);
      if (bytes === undefined)
        throw new Error(`batch ${toHex(digest)} of block ${header.height} is missing`);
      return Batch.decode(bytes).transactions.map((tx) => Transaction.id(this.opts.hash, tx));
    });
  }

  /** `contract`'s `key` in the newest provable state, with its proof. */
  state(contract: string, key: Uint8Array): ProofBundle {
    const head = this.store.head();
    if (head === undefined || head.height < 1n) {
      throw new ProofUnavailableError('not-yet-provable', 'the chain has no provable state yet');
    }
    let chain: HeaderChain | undefined;
    for (let h = head.height - 1n; h >= 0n && chain === undefined; h--) {
      try {
        chain = this.headerChain(h);
      } catch (error) {
        if (!(error instanceof ProofUnavailableError) || h + 8n < head.height) throw error;
      }
    }
    const last = chain!.headers[chain!.headers.length - 1]!;
    const { encoded, value } = this.sparseProof(this.stateVersionOf(chain!), contract, key);
    const state: StateProof = { contract, key, value, proof: encoded, chain: chain! };
    return this.bundle(last.epoch, { state });
  }
}
