/**
 * Executes blocks and commits them (docs/spec/node.md §4). A block is executed as soon as the
 * consensus core accepts it — speculatively, on top of its parent's uncommitted state — so
 * that the child's header can commit to its result. Each executed block keeps its state
 * overlay and its sparse-Merkle-tree overlay; a commit writes the block, its batches,
 * receipts, tx index, state and tree nodes in one durable store transaction, then points the
 * children's overlays at the store so overlay chains never grow.
 */
import { type HashFn, equalBytes, toHex } from '../codec';
import type { ContractDefinition } from '../contract';
import type { ExecutionResult, Proposal } from '../consensus';
import { BlockExecutor, type BlockOutcome, type ResolvedTransaction } from '../execution';
import { readValidators, scopeSystemState, validatorsChanged } from '../governance';
import { InnerHashCache, type NodeStore, SparseMerkleTree } from '../merkle';
import { type ChainStore, OverlayNodeStore, type StateWrite } from '../storage';
import { Batch, Transaction } from '../types';
import { encodeProposal, encodeResult } from './records';
import { ReaderRef } from './reader-ref';
import type { SignerResolver } from './signers';

/** A NodeStore whose target is swapped to the committed store when the parent commits. */
class NodeStoreRef implements NodeStore {
  constructor(public target: NodeStore) {}
  getNode: NodeStore['getNode'] = (key) => this.target.getNode(key);
  writeBatch: NodeStore['writeBatch'] = (batch) => this.target.writeBatch(batch);
  latestVersion: NodeStore['latestVersion'] = () => this.target.latestVersion();
  staleEntries: NodeStore['staleEntries'] = (upto, limit) => this.target.staleEntries(upto, limit);
  removeStale: NodeStore['removeStale'] = (entries) => this.target.removeStale(entries);
}

export interface ExecutedBlock {
  readonly proposal: Proposal;
  readonly hash: Uint8Array;
  readonly parentId: string;
  readonly batches: readonly BlockBatch[];
  readonly txIds: readonly Uint8Array[];
  readonly outcome: BlockOutcome;
  readonly nodes: OverlayNodeStore;
  readonly stateRef: ReaderRef;
  readonly nodeRef: NodeStoreRef;
  readonly result: ExecutionResult;
  /** Ids executed here (receipted), to skip duplicates in descendants. */
  readonly executedIds: ReadonlySet<string>;
}

/** A block's batch: its digest and bytes, and its decoded form when the node holds it. */
export interface BlockBatch {
  readonly digest: Uint8Array;
  readonly bytes: Uint8Array;
  readonly batch?: Batch;
}

export interface BlockBatches {
  readonly digests: readonly Uint8Array[];
  readonly bytes: readonly Uint8Array[];
}

export class BlockRunner {
  private readonly executor: BlockExecutor;
  private readonly executed = new Map<string, ExecutedBlock>();
  /** Shared by every block this runner executes: see SparseMerkleTreeOptions.innerHashes. */
  private readonly innerHashes = new InnerHashCache();

  constructor(
    private readonly opts: {
      readonly chainId: string;
      readonly hash: HashFn;
      readonly contracts: readonly ContractDefinition[];
    },
    private readonly deps: {
      readonly store: ChainStore;
      readonly signers: SignerResolver;
      /** A block's commit failed in the store: the node must stop (its core is ahead now). */
      readonly onWriteFailure?: (error: unknown) => void;
    },
  ) {
    this.executor = new BlockExecutor({
      chainId: opts.chainId,
      hash: opts.hash,
      contracts: opts.contracts,
    });
  }

  get(hash: Uint8Array): ExecutedBlock | undefined {
    return this.executed.get(toHex(hash));
  }

  /** Executes `proposal` (whose parent is executed or committed) with its batches. */
  async execute(
    proposal: Proposal,
    hash: Uint8Array,
    batches: readonly BlockBatch[],
  ): Promise<ExecutedBlock> {
    const id = toHex(hash);
    const known = this.executed.get(id);
    if (known) return known;
    const { header } = proposal;
    const { store } = this.deps;
    const parentId = toHex(header.parentHash);
    const parent = this.executed.get(parentId);
    const head = store.head();
    if (parent === undefined && (head === undefined || !equalBytes(head.hash, header.parentHash))) {
      throw new Error(
        `block ${header.height}: parent ${parentId.slice(0, 16)} is neither executed nor the head`,
      );
    }
    const stateRef = new ReaderRef(parent ? parent.outcome.overlay : store);
    const nodeRef = new NodeStoreRef(parent ? parent.nodes : store.nodeStore());
    const txs = this.transactions(header.height, batches, parent);
    const resolved: ResolvedTransaction[] = [];
    const resolve = this.deps.signers.forBlock(stateRef, header.timestampMs);
    for (const { tx, id: txId } of txs) {
      const caller = await resolve(tx, txId);
      resolved.push({ tx, id: txId, caller });
    }
    const outcome = this.executor.executeBlock({
      parent: stateRef,
      height: header.height,
      timeMs: header.timestampMs,
      transactions: resolved,
    });
    const nodes = new OverlayNodeStore(nodeRef);
    const tree = new SparseMerkleTree(
      { hash: this.opts.hash, innerHashes: this.innerHashes },
      { store: nodes },
    );
    const stateRoot = tree.applyBatch(Number(header.height), outcome.stateUpdates);
    const nextValidators = validatorsChanged(outcome.writes)
      ? readValidators(scopeSystemState(outcome.overlay)).map((v) => v.publicKey)
      : null;
    const block: ExecutedBlock = {
      proposal,
      hash,
      parentId,
      batches,
      txIds: resolved.map((t) => t.id),
      outcome,
      nodes,
      stateRef,
      nodeRef,
      result: {
        stateRoot,
        receiptRoot: outcome.receiptRoot,
        receiptCount: outcome.receiptCount,
        nextValidators,
      },
      executedIds: new Set(resolved.map((t) => toHex(t.id))),
    };
    this.executed.set(id, block);
    return block;
  }

  /**
   * The block's transactions in batch order, without those that may not run: already
   * committed, earlier in this block or an uncommitted ancestor (a tx id runs at most once,
   * ever), or expired. Skipped transactions get no receipt.
   */
  private transactions(
    height: bigint,
    batches: readonly BlockBatch[],
    parent: ExecutedBlock | undefined,
  ): { tx: Transaction; id: Uint8Array }[] {
    const seen = new Set<string>();
    const out: { tx: Transaction; id: Uint8Array }[] = [];
    for (const { bytes, batch } of batches) {
      for (const tx of (batch ?? Batch.decode(bytes)).transactions) {
        const id = Transaction.id(this.opts.hash, tx);
        const key = toHex(id);
        if (seen.has(key) || tx.body.expiryHeight < height) continue;
        if (this.deps.store.txLocation(id) !== undefined) continue;
        if (this.inAncestors(parent, key)) continue;
        seen.add(key);
        out.push({ tx, id });
      }
    }
    return out;
  }

  private inAncestors(block: ExecutedBlock | undefined, key: string): boolean {
    for (let b = block; b !== undefined; b = this.executed.get(b.parentId)) {
      if (b.executedIds.has(key)) return true;
    }
    return false;
  }

  /** Commits an executed block durably; `meta` joins the same store transaction. */
  commit(
    hash: Uint8Array,
    meta: readonly { key: string; value: Uint8Array | null }[],
  ): ExecutedBlock {
    const id = toHex(hash);
    const block = this.executed.get(id);
    if (block === undefined) throw new Error(`commit of a block never executed: ${id}`);
    const { store } = this.deps;
    const nodeBatch = block.nodes.pendingBatch();
    const record = {
      height: block.proposal.header.height,
      hash: block.hash,
      block: encodeProposal(block.proposal),
      result: encodeResult(block.result),
      batches: block.batches,
      receipts: block.outcome.encodedReceipts,
      txIds: block.txIds,
      stateWrites: block.outcome.writes as readonly StateWrite[],
      ...(nodeBatch ? { nodeBatch } : {}),
      meta,
    };
    try {
      store.commitBlock(record);
    } catch (error) {
      this.deps.onWriteFailure?.(error);
      throw error;
    }
    this.executed.delete(id);
    // The block's state is in the store now: its children read through to the store, and
    // blocks that forked off below it can never commit.
    const height = block.proposal.header.height;
    for (const [otherId, other] of this.executed) {
      if (other.parentId === id) {
        other.stateRef.target = store;
        other.nodeRef.target = store.nodeStore();
      } else if (other.proposal.header.height <= height) {
        this.executed.delete(otherId);
      }
    }
    return block;
  }

  /** Forgets every speculative block (before the consensus core is rebuilt). */
  clear(): void {
    this.executed.clear();
  }

  /** Digests of batches in uncommitted ancestors of `parentHash` (inclusive). */
  includedInAncestors(parentHash: Uint8Array): Set<string> {
    const out = new Set<string>();
    for (let b = this.executed.get(toHex(parentHash)); b; b = this.executed.get(b.parentId)) {
      for (const d of b.proposal.header.batchDigests) out.add(toHex(d));
    }
    return out;
  }
}
