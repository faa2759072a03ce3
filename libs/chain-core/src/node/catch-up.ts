/**
 * Block sync (docs/spec/node.md §5): a node that was down, or is new, fetches committed blocks
 * from peers, verifies each proposal and its certificate against the validators of its
 * epoch, checks the chain links and the state root its own re-execution gives, and commits.
 *
 * Only blocks proven committed by the 2-chain rule are applied: block i commits once a block
 * i+1 extending it is certified and either directly follows it in round (same epoch) or opens
 * the next epoch on it. The newest one or two blocks of a peer are left to consensus.
 */
import { type HashFn, equalBytes, toHex } from '../codec';
import {
  type EpochState,
  type ExecutionResult,
  type MessageVerifier,
  type Proposal,
  ValidatorSet,
  blockHash,
} from '../consensus';
import { merkleRoot } from '../merkle';
import type { PeerNetwork } from '../net';
import type { ChainStore } from '../storage';
import { Batch, QuorumCertificate as QC, type QuorumCertificate, Transaction } from '../types';
import type { BlockRunner, ExecutedBlock } from './block-runner';
import type { Log } from './chain-node';
import { MAX_SYNC_BLOCKS, type SyncRequest, type SyncResponse, encodeFrame } from './frames';
import {
  META,
  decodeCommitProof,
  decodeProposal,
  decodeResult,
  encodeCommitProof,
  encodeEpoch,
  epochKey,
} from './records';

interface Decoded {
  readonly proposal: Proposal;
  readonly hash: Uint8Array;
  readonly batches: readonly { digest: Uint8Array; bytes: Uint8Array }[];
}

export class CatchUp {
  private pending: { peer: string; resolve: (r: SyncResponse) => void } | undefined;

  constructor(
    private readonly opts: { readonly hash: HashFn },
    private readonly deps: {
      readonly store: ChainStore;
      readonly runner: BlockRunner;
      readonly verifier: MessageVerifier;
      readonly epochs: Map<bigint, EpochState>;
      readonly net: PeerNetwork;
      readonly peerHeights: Map<string, bigint>;
      readonly checkBatch: (batch: Batch) => Promise<unknown>;
      readonly afterCommit: (block: ExecutedBlock) => void;
      readonly addEpoch: (state: EpochState) => void;
      readonly log: Log;
    },
  ) {}

  /** Answers a peer's request from the store (committed blocks only). */
  serve(request: SyncRequest): SyncResponse {
    const { store } = this.deps;
    const head = store.head()?.height ?? 0n;
    const from = request.from < 1n ? 1n : request.from;
    const count = request.count > BigInt(MAX_SYNC_BLOCKS) ? BigInt(MAX_SYNC_BLOCKS) : request.count;
    const blocks = [];
    let bytes = 0;
    for (let h = from; h < from + count && h <= head && bytes < 16 * 1024 * 1024; h++) {
      const stored = store.blockAt(h)!;
      const proposal = decodeProposal(stored.block);
      const batches = proposal.header.batchDigests.map((d) => store.batch(d)!);
      bytes += stored.block.length + batches.reduce((n, b) => n + b.length, 0);
      blocks.push({ proposal: stored.block, batches });
    }
    const last = from + BigInt(blocks.length) - 1n;
    const proof = store.getMeta(META.commitProof);
    const headQc =
      blocks.length > 0 && last === head && proof ? QC.encode(decodeCommitProof(proof).qc) : null;
    return { blocks, head, headQc };
  }

  onResponse(peer: string, response: SyncResponse): void {
    this.deps.peerHeights.set(peer, response.head);
    if (this.pending?.peer === peer) {
      const { resolve } = this.pending;
      this.pending = undefined;
      resolve(response);
    }
  }

  /** Syncs until no peer is more than a block or two ahead; returns blocks applied. */
  async run(): Promise<number> {
    let applied = 0;
    for (let idle = 0; idle < 3;) {
      const head = this.deps.store.head()!.height;
      const peer = this.bestPeer(head);
      if (peer === undefined) break;
      const response = await this.request(peer, head + 1n);
      if (response === undefined) {
        idle++;
        continue;
      }
      const n = await this.apply(response);
      applied += n;
      if (n === 0) idle++;
      if (response.head <= this.deps.store.head()!.height + 2n) break;
    }
    return applied;
  }

  private bestPeer(head: bigint): string | undefined {
    const connected = this.deps.net.connectedPeers();
    let best: string | undefined;
    let bestHeight = head;
    for (const peer of connected) {
      const h = this.deps.peerHeights.get(peer) ?? head + 1n;
      if (h > bestHeight) {
        best = peer;
        bestHeight = h;
      }
    }
    return best;
  }

  private request(peer: string, from: bigint): Promise<SyncResponse | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending?.peer === peer) this.pending = undefined;
        resolve(undefined);
      }, 5000);
      this.pending = {
        peer,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      const sent = this.deps.net.send(
        peer,
        encodeFrame({ kind: 'sync-request', body: { from, count: BigInt(MAX_SYNC_BLOCKS) } }),
      );
      if (!sent) {
        clearTimeout(timer);
        this.pending = undefined;
        resolve(undefined);
      }
    });
  }

  /** Verifies, re-executes and commits the committed prefix of a response. */
  private async apply(response: SyncResponse): Promise<number> {
    const decoded = this.decode(response);
    const headQc = response.headQc ? QC.decode(response.headQc) : null;
    // Pass 1: verify and execute speculatively, each block on the previous one, and find the
    // newest block the 2-chain rule proves committed (its ancestors are committed with it).
    const executed: { block: Decoded; result: ExecutedBlock; nextEpoch?: EpochState }[] = [];
    let proven = -1;
    let proof: { qc: QuorumCertificate; commitQc: QuorumCertificate } | undefined;
    const head = this.deps.store.head()!;
    for (let i = 0; i < decoded.length; i++) {
      const block = decoded[i]!;
      const { header } = block.proposal;
      const parent =
        i === 0 ? head : { height: head.height + BigInt(i), hash: decoded[i - 1]!.hash };
      if (header.height !== parent.height + 1n || !equalBytes(header.parentHash, parent.hash)) {
        this.stop('does not extend its parent', header.height);
        break;
      }
      if (!this.verifyProposal(block.proposal)) break;
      const parentResult =
        i === 0
          ? decodeResult(this.deps.store.blockAt(head.height)!.result)
          : executed[i - 1]!.result.result;
      if (!resultMatches(block.proposal, parentResult)) {
        throw new Error(
          `sync: block ${header.height} commits to a state root this node did not compute for its parent (${toHex(parentResult.stateRoot).slice(0, 16)})`,
        );
      }
      if (!(await this.batchesValid(block))) {
        this.stop('batches do not match the header', header.height);
        break;
      }
      const result = await this.deps.runner.execute(block.proposal, block.hash, block.batches);
      const nextEpoch = this.nextEpochOf(result);
      if (nextEpoch) this.deps.epochs.set(nextEpoch.validators.epoch, nextEpoch);
      executed.push({ block, result, ...(nextEpoch ? { nextEpoch } : {}) });
      // Does block i-1 commit, with block i as its certified, directly following child?
      if (i >= 1) {
        const prev = decoded[i - 1]!.proposal.header;
        const certificate = this.certificateOf(block, decoded[i + 1], headQc);
        const follows =
          (header.epoch === prev.epoch && header.round === prev.round + 1n) ||
          header.epoch === prev.epoch + 1n;
        if (certificate !== undefined && follows) {
          proven = i - 1;
          proof = { qc: block.proposal.qc, commitQc: certificate };
        }
      }
    }
    // Pass 2: commit what is proven, oldest first; forget the rest.
    for (let i = 0; i <= proven; i++) {
      const { block, nextEpoch } = executed[i]!;
      const meta: { key: string; value: Uint8Array | null }[] = [];
      if (i === proven && proof)
        meta.push({ key: META.commitProof, value: encodeCommitProof(proof) });
      if (nextEpoch) {
        meta.push(
          { key: epochKey(nextEpoch.validators.epoch), value: encodeEpoch(nextEpoch, null) },
          {
            key: META.currentEpoch,
            value: new TextEncoder().encode(String(nextEpoch.validators.epoch)),
          },
        );
      }
      const done = this.deps.runner.commit(block.hash, meta);
      if (nextEpoch) this.deps.addEpoch(nextEpoch);
      this.deps.afterCommit(done);
    }
    for (let i = proven + 1; i < executed.length; i++) {
      const next = executed[i]!.nextEpoch;
      if (next) this.deps.epochs.delete(next.validators.epoch);
    }
    this.deps.runner.clear();
    const applied = proven + 1;
    this.deps.log(applied > 0 ? 'info' : 'debug', 'block sync', {
      received: decoded.length,
      applied,
      height: String(this.deps.store.head()!.height),
      peerHead: String(response.head),
    });
    return applied;
  }

  private stop(reason: string, height: bigint): void {
    this.deps.log('debug', 'sync: stopped at a block', { reason, height: String(height) });
  }

  private decode(response: SyncResponse): Decoded[] {
    const out: Decoded[] = [];
    for (const b of response.blocks) {
      try {
        const proposal = decodeProposal(b.proposal);
        if (b.batches.length !== proposal.header.batchDigests.length) break;
        const batches = proposal.header.batchDigests.map((digest, i) => ({
          digest,
          bytes: b.batches[i]!,
        }));
        out.push({ proposal, hash: blockHash(this.opts.hash, proposal.header), batches });
      } catch {
        break;
      }
    }
    return out;
  }

  private verifyProposal(proposal: Proposal): boolean {
    try {
      this.deps.verifier.verify({ kind: 'proposal', ...proposal });
      return true;
    } catch (error) {
      this.deps.log('warn', 'sync: proposal refused', { error: String(error) });
      return false;
    }
  }

  /** The certificate of `child`: the next block's QC, or the peer's head QC. */
  private certificateOf(
    child: Decoded,
    grandchild: Decoded | undefined,
    headQc: QuorumCertificate | null,
  ): QuorumCertificate | undefined {
    const childHash = child.hash;
    if (grandchild) {
      const qc = grandchild.proposal.qc;
      if (!equalBytes(qc.data.blockHash, childHash) || qc.data.round === 0n) return undefined;
      return this.verifyProposal(grandchild.proposal) ? qc : undefined;
    }
    if (headQc && equalBytes(headQc.data.blockHash, childHash)) {
      try {
        this.deps.verifier.verify({ kind: 'sync', qc: headQc, tc: null, commitQc: null });
        return headQc;
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  private async batchesValid(block: Decoded): Promise<boolean> {
    const ids: Uint8Array[] = [];
    for (const { digest, bytes } of block.batches) {
      const batch = Batch.decode(bytes);
      if (!equalBytes(Batch.hash(this.opts.hash, batch), digest)) return false;
      await this.deps.checkBatch(batch);
      for (const tx of batch.transactions) ids.push(Transaction.id(this.opts.hash, tx));
    }
    const { header } = block.proposal;
    return (
      BigInt(ids.length) === header.txCount &&
      equalBytes(merkleRoot(this.opts.hash, ids), header.txRoot)
    );
  }

  private nextEpochOf(block: ExecutedBlock): EpochState | undefined {
    const keys = block.result.nextValidators;
    if (keys === null) return undefined;
    return {
      validators: new ValidatorSet(block.proposal.header.epoch + 1n, keys),
      root: { header: block.proposal.header, hash: block.hash, result: block.result },
    };
  }
}

/** The header commits to what this node computed for the parent (deferred execution). */
function resultMatches(proposal: Proposal, parent: ExecutionResult): boolean {
  const { header } = proposal;
  return (
    equalBytes(header.stateRoot, parent.stateRoot) &&
    equalBytes(header.receiptRoot, parent.receiptRoot) &&
    header.receiptCount === parent.receiptCount
  );
}
