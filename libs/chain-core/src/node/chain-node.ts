/**
 * A validator or observer process (docs/spec/node.md): wires the sans-I/O consensus core to
 * real time, the durable store, the mempool, execution and the mutual-TLS network.
 *
 * Order matters where durability does: safety data is synced before any later output of the
 * same step leaves (the core emits `persist-safety` first); a block's state, receipts,
 * indexes, head, and — when it ends an epoch — the next epoch commit in one store
 * transaction.
 */
import { type HashFn, equalBytes, toHex } from '../codec';
import {
  ConsensusCore,
  type ConsensusMessage,
  type EpochState,
  type Input,
  MessageVerifier,
  type Output,
  type PacemakerParams,
  type Proposal,
  SafetyDataSchema,
  blockHash,
  decodeMessage,
  encodeMessage,
} from '../consensus';
import type { ContractDefinition } from '../contract';
import { type SignatureSuite, getSuite } from '../crypto';
import { systemContract } from '../governance';
import { merkleRoot } from '../merkle';
import {
  Admission,
  type AdmittedTransaction,
  AdmissionError,
  BatchPool,
  Mempool,
} from '../mempool';
import { PeerNetwork } from '../net';
import {
  type IncomingHeaders,
  PrivateDataError,
  type PrivateReader,
  type PrivateRecord,
  PrivateStore,
  type PrivateSubmission,
} from '../private';
import { verifyMember } from '../identity';
import { readOrganisations, readValidators, scopeSystemState } from '../governance';
import { ChainStore } from '../storage';
import { MAX_CHAIN_HEADERS } from '../proofs';
import {
  Batch,
  type BlockHeader,
  type QuorumCertificate,
  Transaction,
  voteSigningPayload,
} from '../types';
import { type Frame, MAX_FRAME_BYTES, decodeFrame, encodeFrame } from './frames';
import { type NodeGenesis, buildGenesis } from './genesis';
import { type BlockBatch, BlockRunner, type ExecutedBlock } from './block-runner';
import { MembershipCache } from './membership';
import { NodeMetrics } from './metrics';
import {
  META,
  decodeCommitProof,
  decodeEpoch,
  decodeProposal,
  decodeResult,
  encodeCommitProof,
  encodeEpoch,
  encodeResult,
  epochKey,
} from './records';
import { SignerResolver } from './signers';
import { encodeEpochTail, epochTailKey } from './proofs';
import { CatchUp } from './catch-up';
import { PrivateData } from './private-data';
import { join } from 'node:path';

type ProposalMessage = Extract<ConsensusMessage, { kind: 'proposal' }>;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

export interface ChainNodeOptions {
  readonly name: string;
  readonly org: string;
  readonly role: 'validator' | 'observer';
  readonly genesis: NodeGenesis;
  readonly dataDir: string;
  /** The validator's consensus secret key (the suite's raw 32 bytes). */
  readonly consensusSecretKey?: Uint8Array;
  readonly listen?: { readonly host: string; readonly port: number };
  readonly tls: { readonly key: string; readonly certificate: string };
  /** Called once when the node stops itself on a failed storage write (the daemon exits). */
  readonly onFatal?: (error: unknown) => void;
  /** Peer validators to dial elsewhere than their registered address, by node name. */
  readonly dialAddresses?: ReadonlyMap<string, { readonly host: string; readonly port: number }>;
  /**
   * Fault injection for the fault suite only (never in a real deployment): `bad-signatures`
   * corrupts the signature of every consensus message this validator sends; `equivocate` sends
   * half its peers a second, conflicting vote (validly signed) for every vote it casts.
   */
  readonly byzantine?: 'bad-signatures' | 'equivocate';
  /** The verticals' contracts; `system` is always added. */
  readonly contracts: readonly ContractDefinition[];
  readonly pacemaker?: PacemakerParams;
  /** How often pending transactions are cut into a batch. */
  readonly batchIntervalMs?: number;
  /** How long a leader with nothing to propose waits before proposing an empty block. */
  readonly idleBlockMs?: number;
  readonly mempool?: { maxTransactions?: number; maxBytes?: number; maxPerSigner?: number };
  readonly log?: Log;
}

const noLog: Log = () => undefined;

/** A committed transaction's fate, for those waiting on it. */
export interface CommitNotice {
  readonly height: bigint;
  readonly index: number;
}

export class ChainNode {
  readonly metrics = new NodeMetrics();
  readonly store: ChainStore;
  readonly suite: SignatureSuite;
  readonly hash: HashFn;
  readonly selfId: string;
  private readonly log: Log;
  private readonly runner: BlockRunner;
  private readonly signers: SignerResolver;
  private readonly membership: MembershipCache;
  private readonly admission: Admission;
  private readonly mempool: Mempool;
  private readonly batches: BatchPool;
  private readonly verifier: MessageVerifier;
  private readonly epochs = new Map<bigint, EpochState>();
  private readonly epochEndQcs = new Map<bigint, QuorumCertificate>();
  private readonly net: PeerNetwork;
  private readonly catchUp: CatchUp;
  private core: ConsensusCore | undefined;
  private inputs: Input[] = [];
  private draining = false;
  private timer: NodeJS.Timeout | undefined;
  private batchTimer: NodeJS.Timeout | undefined;
  private pendingFlush: NodeJS.Timeout | undefined;
  /** The newest committed block that carried transactions (see `preparePayload`). */
  private lastTransactionHeight = -3n;
  private statusTimer: NodeJS.Timeout | undefined;
  private payloadWait: { timer: NodeJS.Timeout; respond: () => void } | undefined;
  private execChain: Promise<void> = Promise.resolve();
  private batchWaiters = new Map<string, (() => void)[]>();
  private heldProposals: { from: string; message: ProposalMessage; since: number }[] = [];
  private batchSequence = 0n;
  private readonly admittedAt = new Map<string, number>();
  private readonly commitWaiters = new Map<string, ((n: CommitNotice) => void)[]>();
  private readonly peerHeights = new Map<string, bigint>();
  private stopped = false;
  private syncing = false;
  private readonly commitListeners = new Set<(height: bigint) => void>();

  /** The chain's genesis (its id, suite, time and founding membership). */
  get genesis(): NodeGenesis {
    return this.opts.genesis;
  }

  /** Private payloads of transactions this node's organisation receives. */
  readonly privateStore: PrivateStore;
  private readonly privateData: PrivateData;

  private constructor(
    private readonly opts: ChainNodeOptions,
    store: ChainStore,
    privateStore: PrivateStore,
  ) {
    this.privateStore = privateStore;
    this.store = store;
    this.log = opts.log ?? noLog;
    this.suite = getSuite(opts.genesis.suite, 'fast');
    this.hash = (data) => this.suite.hash(data);
    const contracts = [systemContract, ...opts.contracts];
    this.signers = new SignerResolver(
      { hash: this.hash },
      {
        verifySignature: (tx, id, tbs, spki) => this.admission.signatureValid(tx, id, tbs, spki),
      },
    );
    this.runner = new BlockRunner(
      { chainId: opts.genesis.chainId, hash: this.hash, contracts },
      {
        store,
        signers: this.signers,
        onWriteFailure: (error) => this.failStop('block commit', error),
      },
    );
    this.membership = new MembershipCache({ hash: this.hash }, { store });
    this.admission = new Admission(
      {
        chainId: opts.genesis.chainId,
        suite: this.suite,
        hash: this.hash,
        contracts: new Map(contracts.map((c) => [c.name, c])),
        maxTtlBlocks: 100_000n,
      },
      {
        membership: () => this.membership.view(),
        isCommitted: (id) => store.txLocation(id) !== undefined,
      },
    );
    this.mempool = new Mempool({
      maxTransactions: opts.mempool?.maxTransactions ?? 50_000,
      maxBytes: opts.mempool?.maxBytes ?? 64 * 1024 * 1024,
      maxPerSigner: opts.mempool?.maxPerSigner ?? 10_000,
    });
    this.batches = new BatchPool({ hash: this.hash, maxBatches: 10_000 });
    this.verifier = new MessageVerifier({
      chainId: opts.genesis.chainId,
      hash: this.hash,
      verifySignature: (key, message, signature) => this.suite.verify(key, message, signature),
      epoch: (e) => this.epochs.get(e),
    });
    const publicKey = opts.consensusSecretKey
      ? this.suite.publicKeyFromSecretKey(opts.consensusSecretKey)
      : undefined;
    this.selfId = publicKey !== undefined ? toHex(publicKey) : `observer:${opts.org}:${opts.name}`;
    this.net = new PeerNetwork(
      {
        self: this.selfId,
        maxFrameBytes: MAX_FRAME_BYTES,
        // Membership changes by governance: a refused peer may be admitted a block later.
        reconnect: { initialMs: 250, maxMs: 3000 },
        ...(opts.listen ? { listen: opts.listen } : {}),
        tls: {
          key: opts.tls.key,
          certificate: opts.tls.certificate,
          caCertificates: this.membership.caPems(),
        },
      },
      {
        authorize: (der) => this.membership.authorizePeer(der),
        onFrame: (peer, frame) => this.onFrame(peer, frame),
        onPeer: () => this.metrics.peers.set(this.net.connectedPeers().length),
        log: (level, msg, fields) => this.log(level, msg, fields),
      },
    );
    this.catchUp = new CatchUp(
      { hash: this.hash },
      {
        store,
        runner: this.runner,
        verifier: this.verifier,
        epochs: this.epochs,
        net: this.net,
        peerHeights: this.peerHeights,
        checkBatch: (batch) => this.admission.checkPeerBatch(batch),
        afterCommit: (block) => this.afterCommit(block),
        addEpoch: (state) => this.addEpoch(state),
        log: this.log,
      },
    );
    const system = () => scopeSystemState(store);
    this.privateData = new PrivateData(
      {
        chainId: opts.genesis.chainId,
        suite: opts.genesis.suite,
        org: opts.org,
        consensusKey:
          publicKey !== undefined && opts.consensusSecretKey !== undefined
            ? { publicKey, secretKey: opts.consensusSecretKey }
            : undefined,
        supervisors: new Map(Object.entries(opts.genesis.supervisors ?? {})),
      },
      {
        store: privateStore,
        hash: this.hash,
        validators: () => readValidators(system()),
        organisations: () => readOrganisations(system()).map((o) => o.id),
        send: (peer, frame) => this.net.send(peer, frame),
        isCommitted: (id) => store.txLocation(id) !== undefined,
        committedTransaction: (id) => this.committedTransaction(id),
        verifyMember: (der) => {
          const view = this.membership.view();
          return verifyMember(der, {
            orgs: view.organisations,
            at: new Date(),
            isRevoked: (org, serial) => view.isRevoked(org, serial),
          }).catch(() => undefined);
        },
        log: this.log,
      },
    );
  }

  /** Opens (or initialises from genesis) the node's data directory. */
  static async open(opts: ChainNodeOptions): Promise<ChainNode> {
    checkSupervisors(opts);
    const store = ChainStore.open({ path: opts.dataDir });
    const known = store.getMeta(META.genesis);
    if (known !== undefined && !equalBytes(known, opts.genesis.digest)) {
      await store.close();
      throw new Error(`${opts.dataDir} holds another chain (genesis digest differs)`);
    }
    if (store.head() === undefined) {
      const suite = getSuite(opts.genesis.suite, 'fast');
      writeGenesis(store, (data) => suite.hash(data), opts.genesis);
    }
    let privateStore: PrivateStore;
    try {
      privateStore = PrivateStore.open({ path: join(opts.dataDir, 'private') });
    } catch (error) {
      await store.close();
      throw error;
    }
    const node = new ChainNode(opts, store, privateStore);
    node.loadEpochs();
    await node.membership.refresh();
    return node;
  }

  private loadEpochs(): void {
    const current = BigInt(new TextDecoder().decode(this.store.getMeta(META.currentEpoch)!));
    for (let e = 0n; e <= current; e++) {
      const bytes = this.store.getMeta(epochKey(e));
      if (bytes === undefined) continue;
      const stored = decodeEpoch(bytes, (h) => blockHash(this.hash, h));
      this.epochs.set(e, stored.state);
      if (stored.endQcOfPrevious) this.epochEndQcs.set(e - 1n, stored.endQcOfPrevious);
    }
  }

  private addEpoch(state: EpochState): void {
    this.epochs.set(state.validators.epoch, state);
    this.metrics.epoch.set(Number(state.validators.epoch));
  }

  private get currentEpoch(): EpochState {
    let best: EpochState | undefined;
    for (const s of this.epochs.values()) {
      if (!best || s.validators.epoch > best.validators.epoch) best = s;
    }
    return best!;
  }

  /** Connects to peers, catches up with them, and (validators) joins consensus. */
  async start(): Promise<void> {
    this.net.setPeers(this.membership.peerAddresses(this.selfId, this.opts.dialAddresses));
    await this.net.start();
    this.statusTimer = setInterval(() => this.tick(), 1000);
    this.metrics.height.set(Number(this.height));
    await new Promise((r) => setTimeout(r, 300));
    await this.resync();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.statusTimer);
    clearTimeout(this.timer);
    clearTimeout(this.batchTimer);
    clearTimeout(this.pendingFlush);
    if (this.payloadWait) clearTimeout(this.payloadWait.timer);
    this.core = undefined;
    await this.net.stop();
    await this.execChain.catch(() => undefined);
    await this.store.close();
    await this.privateStore.close();
  }

  get height(): bigint {
    return this.store.head()?.height ?? 0n;
  }

  get listenAddress(): { host: string; port: number } | undefined {
    return this.net.address;
  }

  status(): Record<string, unknown> {
    const head = this.store.head();
    const epoch = this.currentEpoch;
    return {
      name: this.opts.name,
      org: this.opts.org,
      role: this.opts.role,
      id: this.selfId,
      chainId: this.opts.genesis.chainId,
      height: String(head?.height ?? 0n),
      headHash: head ? toHex(head.hash) : null,
      epoch: String(epoch.validators.epoch),
      round: this.core ? String(this.core.currentRound) : null,
      validators: epoch.validators.ids,
      isValidator: epoch.validators.indexOf(this.selfId) !== undefined,
      peers: this.net.connectedPeers(),
      mempool: this.mempool.size,
      syncing: this.syncing,
    };
  }

  /** True while `txId` waits in this node's pool (admitted, not yet committed). */
  isPending(txId: Uint8Array): boolean {
    return this.mempool.has(txId);
  }

  /** The contracts this node runs, `system` first. */
  get contractNames(): readonly string[] {
    return ['system', ...this.opts.contracts.map((c) => c.name)];
  }

  /**
   * Ready to serve clients: started, not stopping, not catching up, and linked to enough
   * peers that consensus can progress (a quorum of the epoch counting itself, or any peer
   * for an observer).
   */
  readiness(): { ready: boolean; reason: string } {
    if (this.stopped) return { ready: false, reason: 'stopping' };
    if (this.syncing) return { ready: false, reason: 'catching up with peers' };
    const set = this.currentEpoch.validators;
    const peers = this.net.connectedPeers().length;
    const needed = this.opts.role === 'validator' ? set.quorum - 1 : 1;
    if (set.ids.length > 1 && peers < needed) {
      return { ready: false, reason: `linked to ${peers} peers, needs ${needed}` };
    }
    return { ready: true, reason: 'ok' };
  }

  /** Calls `listener` after each block commits (consensus or sync), in height order. */
  onCommitted(listener: (height: bigint) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /** Admits a client's transaction bytes; throws AdmissionError with a typed code. */
  async submit(bytes: Uint8Array): Promise<{ id: Uint8Array }> {
    if (this.opts.role !== 'validator') {
      throw new AdmissionError(
        'not-a-validator',
        'this node is an observer: submit to a validator',
      );
    }
    let admitted: AdmittedTransaction;
    try {
      admitted = await this.admission.admit(bytes);
      this.mempool.add(admitted);
    } catch (error) {
      if (error instanceof AdmissionError) this.metrics.rejected.inc({ reason: error.code });
      throw error;
    }
    this.metrics.admitted.inc();
    this.metrics.mempoolSize.set(this.mempool.size);
    this.admittedAt.set(toHex(admitted.id), Date.now());
    this.scheduleBatch();
    return { id: admitted.id };
  }

  /**
   * A private transaction from a member of this node's organisation: admitted as `submit`
   * would, its payload delivered to every recipient organisation, then submitted.
   * @throws AdmissionError, or PrivateDataError (`forbidden` for another organisation's
   *   member, `not-private`, `recipients-refused`, `hash-mismatch`, `delivery-failed`).
   */
  async submitPrivate(submission: PrivateSubmission): Promise<{ id: Uint8Array }> {
    if (this.opts.role !== 'validator') {
      throw new AdmissionError(
        'not-a-validator',
        'this node is an observer: submit to a validator',
      );
    }
    const admitted = await this.admission.admit(submission.transaction);
    if (admitted.caller.orgId !== this.opts.org) {
      throw new PrivateDataError(
        'forbidden',
        `a member of ${admitted.caller.orgId} sends private data through its own organisation's node, not ${this.opts.org}'s`,
      );
    }
    const commitment = this.privateData.commitmentOf(admitted.tx);
    if (this.store.txLocation(admitted.id) === undefined && !this.mempool.has(admitted.id)) {
      await this.privateData.deliver(
        submission.transaction,
        admitted.id,
        commitment,
        submission.payload,
      );
    }
    return this.submit(submission.transaction);
  }

  /** A member's signed read of a private payload (PrivateDataError when refused). */
  readPrivate(
    txId: Uint8Array,
    headers: IncomingHeaders,
  ): Promise<{ reader: PrivateReader; record: PrivateRecord }> {
    return this.privateData.read(txId, headers);
  }

  /** The committed transaction of that id, from its block's batches. */
  committedTransaction(txId: Uint8Array): Transaction | undefined {
    const at = this.store.txLocation(txId);
    if (at === undefined) return undefined;
    const stored = this.store.blockAt(at.height);
    if (stored === undefined || stored.block.length === 0) return undefined;
    const header = decodeProposal(stored.block).header;
    const txs = header.batchDigests.flatMap((digest) => {
      const bytes = this.store.batch(digest);
      return bytes === undefined ? [] : Batch.decode(bytes).transactions;
    });
    const tx = txs[at.index];
    return tx !== undefined && equalBytes(Transaction.id(this.hash, tx), txId) ? tx : undefined;
  }

  /** Resolves when `txId` commits (or at once if it has). */
  waitForCommit(txId: Uint8Array): Promise<CommitNotice> {
    const at = this.store.txLocation(txId);
    if (at) return Promise.resolve(at);
    const key = toHex(txId);
    return new Promise((resolve) => {
      const list = this.commitWaiters.get(key) ?? [];
      list.push(resolve);
      this.commitWaiters.set(key, list);
    });
  }

  // ---------------------------------------------------------------- consensus core

  private startCore(): void {
    if (this.opts.role !== 'validator' || this.stopped) return;
    const head = this.store.head()!;
    const epoch = this.currentEpoch;
    const committed = [];
    for (let h = epoch.root.header.height + 1n; h <= head.height; h++) {
      if (head.height - h >= 1024n) continue;
      const stored = this.store.blockAt(h)!;
      committed.push({
        proposal: decodeProposal(stored.block),
        hash: stored.hash,
        result: decodeResult(stored.result),
      });
    }
    const proof = this.store.getMeta(META.commitProof);
    const safety = this.store.loadSafety();
    this.core = new ConsensusCore({
      chainId: this.opts.genesis.chainId,
      hash: this.hash,
      publicKey: this.suite.publicKeyFromSecretKey(this.opts.consensusSecretKey!),
      sign: (payload) => this.suite.sign(this.opts.consensusSecretKey!, payload),
      epochs: [...this.epochs.values()].sort((a, b) =>
        a.validators.epoch < b.validators.epoch ? -1 : 1,
      ),
      epochEndQcs: this.epochEndQcs,
      ...(safety ? { safetyData: SafetyDataSchema.decode(safety, 64 * 1024) } : {}),
      committed,
      ...(proof && committed.length > 0 ? { committedQc: decodeCommitProof(proof).qc } : {}),
      pacemaker: this.opts.pacemaker ?? { baseTimeoutMs: 1500, maxBackoffExponent: 4 },
    });
    this.feed({ kind: 'start' });
    this.log('info', 'consensus started', {
      height: String(head.height),
      epoch: String(epoch.validators.epoch),
    });
  }

  private feed(input: Input): void {
    if (this.core === undefined) return;
    this.inputs.push(input);
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.inputs.length > 0 && this.core) {
        const next = this.inputs.shift()!;
        const before = this.core.roundEnteredByTimeout;
        const outputs = this.core.handle(next);
        if (!before && this.core.roundEnteredByTimeout) this.metrics.viewChanges.inc();
        this.carryOut(outputs);
        if (this.core) this.metrics.round.set(Number(this.core.currentRound));
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * A write to the chain store failed (a failing disk): the consensus core is now ahead of what
   * is durable, so the node stops taking part at once (fail-stop) and tells its owner, whose
   * process should exit and be restarted once the disk is sound; restart recovers from the
   * store.
   */
  private failStop(what: string, error: unknown): void {
    if (this.stopped) return;
    this.log('error', 'storage write failed: stopping this node', {
      what,
      error: String(error),
    });
    this.stopped = true;
    this.core = undefined;
    clearTimeout(this.timer);
    clearTimeout(this.batchTimer);
    this.opts.onFatal?.(error);
  }

  /** `byzantine: 'bad-signatures'`: the message with its signature corrupted. */
  private misbehave(message: ConsensusMessage): ConsensusMessage {
    if (this.opts.byzantine !== 'bad-signatures') return message;
    const flip = (signature: Uint8Array) => {
      const bad = signature.slice();
      bad[0]! ^= 0xff;
      return bad;
    };
    switch (message.kind) {
      case 'proposal':
      case 'vote':
        return { ...message, signature: flip(message.signature) };
      case 'timeout':
        return {
          ...message,
          timeout: { ...message.timeout, signature: flip(message.timeout.signature) },
        };
      default:
        return message;
    }
  }

  /**
   * `byzantine: 'equivocate'`: for a vote, a second vote of the same round for another block,
   * validly signed, to every validator.
   */
  private equivocate(message: ConsensusMessage): void {
    const secretKey = this.opts.consensusSecretKey;
    if (message.kind !== 'vote' || secretKey === undefined) return;
    const data = { ...message.data, blockHash: this.hash(message.data.blockHash) };
    const conflicting: ConsensusMessage = {
      kind: 'vote',
      data,
      voter: message.voter,
      signature: this.suite.sign(secretKey, voteSigningPayload(this.hash, data)),
    };
    const frame = consensusFrame(conflicting);
    for (const id of this.currentEpoch.validators.ids) {
      if (id !== this.selfId) this.net.send(id, frame);
    }
  }

  private carryOut(outputs: readonly Output[]): void {
    for (let i = 0; i < outputs.length; i++) {
      const o = outputs[i]!;
      switch (o.kind) {
        case 'persist-safety':
          try {
            this.store.saveSafety(SafetyDataSchema.encode(o.data));
          } catch (error) {
            // Nothing after this output (a vote) may leave: its safety data is not on disk.
            this.failStop('safety data', error);
            throw error;
          }
          break;
        case 'send':
          this.net.send(o.to, consensusFrame(this.misbehave(o.message)));
          if (this.opts.byzantine === 'equivocate') this.equivocate(o.message);
          break;
        case 'broadcast': {
          const frame = consensusFrame(this.misbehave(o.message));
          for (const id of this.currentEpoch.validators.ids) {
            if (id !== this.selfId) this.net.send(id, frame);
          }
          break;
        }
        case 'set-timer': {
          clearTimeout(this.timer);
          const { epoch, round } = o;
          this.log('debug', 'round timer', {
            epoch: String(epoch),
            round: String(round),
            afterMs: o.afterMs,
          });
          this.timer = setTimeout(() => this.feed({ kind: 'timer', epoch, round }), o.afterMs);
          break;
        }
        case 'request-payload':
          this.preparePayload(o);
          break;
        case 'execute':
          this.log('debug', 'execute', {
            height: String(o.block.header.height),
            round: String(o.block.header.round),
            block: toHex(o.hash).slice(0, 12),
            parent: toHex(o.block.header.parentHash).slice(0, 12),
          });
          this.enqueueExecution(o.block, o.hash);
          break;
        case 'commit': {
          this.log('debug', 'commit', {
            heights: o.blocks.map((b) => String(b.header.height)).join(','),
          });
          const next = outputs[i + 1];
          const newEpoch = next?.kind === 'new-epoch' ? next.state : undefined;
          if (newEpoch) i++;
          this.onCommit(o, newEpoch);
          break;
        }
        case 'new-epoch':
          this.addEpoch(o.state);
          break;
        case 'evidence':
          this.metrics.equivocations.inc();
          this.log('warn', 'equivocation', {
            kind: o.evidence.kind,
            validator: o.evidence.validator,
          });
          break;
      }
    }
  }

  private onCommit(o: Extract<Output, { kind: 'commit' }>, newEpoch: EpochState | undefined): void {
    const tail = newEpoch ? this.epochTail(o) : undefined;
    o.blocks.forEach((_, i) => {
      const last = i === o.blocks.length - 1;
      const meta: { key: string; value: Uint8Array | null }[] = [];
      if (last) {
        meta.push({
          key: META.commitProof,
          value: encodeCommitProof({ qc: o.qc, commitQc: o.commitQc }),
        });
        if (newEpoch) {
          meta.push(
            { key: epochKey(newEpoch.validators.epoch), value: encodeEpoch(newEpoch, o.qc) },
            {
              key: META.currentEpoch,
              value: new TextEncoder().encode(String(newEpoch.validators.epoch)),
            },
          );
          if (tail) meta.push({ key: epochTailKey(newEpoch.validators.epoch), value: tail });
        }
      }
      const block = this.runner.commit(o.hashes[i]!, meta);
      this.afterCommit(block);
    });
    if (newEpoch) {
      this.addEpoch(newEpoch);
      this.epochEndQcs.set(newEpoch.validators.epoch - 1n, o.qc);
      this.log('info', 'new epoch', {
        epoch: String(newEpoch.validators.epoch),
        validators: newEpoch.validators.ids.length,
      });
    }
  }

  /**
   * The proof that an epoch's last block committed (docs/spec/proofs.md §6): its header and the
   * blocks above it up to the one the final commit QC certifies. They are never committed, so
   * they are kept now, while the runner still holds them.
   */
  private epochTail(o: Extract<Output, { kind: 'commit' }>): Uint8Array | undefined {
    const last = o.blocks[o.blocks.length - 1]!;
    const lastHash = o.hashes[o.hashes.length - 1]!;
    const above: BlockHeader[] = [];
    let hash = o.commitQc.data.blockHash;
    while (!equalBytes(hash, lastHash) && above.length < MAX_CHAIN_HEADERS) {
      const block = this.runner.get(hash);
      if (block === undefined) {
        this.log('warn', 'epoch tail incomplete: epoch-change proofs unavailable on this node', {
          epoch: String(last.header.epoch),
        });
        return undefined;
      }
      above.unshift(block.proposal.header);
      hash = block.proposal.header.parentHash;
    }
    return encodeEpochTail({ headers: [last.header, ...above], qc: o.commitQc });
  }

  /** What every commit triggers, whether through consensus or block sync. */
  private afterCommit(block: ExecutedBlock): void {
    const height = block.proposal.header.height;
    this.mempool.onCommitted(block.txIds, height);
    this.batches.markCommitted(block.batches.map((b) => b.digest));
    this.batches.prune({ committed: true });
    if (block.result.nextValidators !== null) {
      this.batches.prune({ epochBefore: block.proposal.header.epoch + 1n });
    }
    this.metrics.height.set(Number(height));
    if (block.txIds.length > 0) this.lastTransactionHeight = height;
    for (const listener of this.commitListeners) {
      try {
        listener(height);
      } catch (error) {
        this.log('warn', 'commit listener failed', { error: String(error) });
      }
    }
    this.metrics.mempoolSize.set(this.mempool.size);
    this.metrics.committedTransactions.inc(block.txIds.length);
    block.txIds.forEach((id, index) => {
      const key = toHex(id);
      const at = this.admittedAt.get(key);
      if (at !== undefined) {
        this.metrics.commitLatency.observe((Date.now() - at) / 1000);
        this.admittedAt.delete(key);
      }
      const waiters = this.commitWaiters.get(key);
      if (waiters) {
        this.commitWaiters.delete(key);
        for (const w of waiters) w({ height, index });
      }
    });
    if (block.result.nextValidators !== null || touchesSystem(block)) {
      void this.membership.refresh().then(() => {
        this.net.setPeers(this.membership.peerAddresses(this.selfId, this.opts.dialAddresses));
      });
    }
  }

  // ---------------------------------------------------------------- payloads and batches

  private scheduleBatch(): void {
    if (this.batchTimer !== undefined) return;
    this.batchTimer = setTimeout(() => {
      this.batchTimer = undefined;
      this.cutBatch();
    }, this.opts.batchIntervalMs ?? 20);
  }

  /** Cuts pending transactions into a batch and disseminates it to the validators. */
  private cutBatch(): void {
    const epoch = this.currentEpoch;
    const author = epoch.validators.indexOf(this.selfId);
    if (author === undefined) return;
    for (;;) {
      const txs = this.mempool.takeForBatch(2000, 4 * 1024 * 1024);
      if (txs.length === 0) break;
      const batch: Batch = {
        chainId: this.opts.genesis.chainId,
        epoch: epoch.validators.epoch,
        author: BigInt(author),
        sequence: this.batchSequence++,
        transactions: txs.map((t) => t.tx),
      };
      const bytes = Batch.encode(batch);
      const digest = this.batches.add(batch, bytes);
      this.queuePending(digest, bytes);
      const frame = encodeFrame({ kind: 'batch', batch: bytes });
      for (const id of epoch.validators.ids) if (id !== this.selfId) this.net.send(id, frame);
      this.batchArrived(digest);
    }
  }

  /**
   * A batch is kept with the store's next synced transaction (always before a vote: votes
   * follow a safety-data save), or within `pendingFlushMs` when none comes (an idle chain).
   */
  private queuePending(digest: Uint8Array, bytes: Uint8Array): void {
    this.store.queuePendingBatch(digest, bytes);
    if (this.pendingFlush !== undefined) return;
    this.pendingFlush = setTimeout(() => {
      this.pendingFlush = undefined;
      if (this.stopped) return;
      try {
        this.store.flushPending();
      } catch (error) {
        this.failStop('pending batches', error);
      }
    }, 100);
  }

  private batchArrived(digest: Uint8Array): void {
    const key = toHex(digest);
    const waiters = this.batchWaiters.get(key);
    if (waiters) {
      this.batchWaiters.delete(key);
      for (const w of waiters) w();
    }
    if (this.payloadWait) this.payloadWait.respond();
    this.releaseHeldProposals();
  }

  private async receiveBatch(bytes: Uint8Array): Promise<void> {
    const batch = Batch.decode(bytes);
    if (batch.chainId !== this.opts.genesis.chainId) return;
    const digest = Batch.hash(this.hash, batch);
    if (this.batches.has(digest)) return;
    try {
      await this.admission.checkPeerBatch(batch);
    } catch (error) {
      // A signer registered in a block this node has not committed yet is no proof of a bad
      // batch: execution checks every signature again (through the same cache) in any case.
      if (!(error instanceof AdmissionError && error.code === 'unknown-certificate')) throw error;
    }
    if (this.batches.has(digest)) return;
    this.batches.add(batch, bytes);
    this.queuePending(digest, bytes);
    this.batchArrived(digest);
  }

  private batchBytes(digest: Uint8Array): Uint8Array | undefined {
    return this.batches.get(digest)?.bytes ?? this.store.batch(digest);
  }

  /** The batches of `digests`, asking peers for missing ones until they arrive. */
  private async awaitBatches(
    digests: readonly Uint8Array[],
    preferred: string | undefined,
  ): Promise<BlockBatch[]> {
    for (let attempt = 0; ; attempt++) {
      const missing = digests.filter((d) => this.batchBytes(d) === undefined);
      if (missing.length === 0) break;
      if (this.stopped) throw new Error('stopped');
      this.requestBatches(missing, attempt === 0 ? preferred : undefined);
      await Promise.race([
        Promise.all(missing.map((d) => this.whenBatch(d))),
        new Promise((r) => setTimeout(r, 1000)),
      ]);
    }
    return digests.map((digest) => {
      const held = this.batches.get(digest);
      return held
        ? { digest, bytes: held.bytes, batch: held.batch }
        : { digest, bytes: this.batchBytes(digest)! };
    });
  }

  private whenBatch(digest: Uint8Array): Promise<void> {
    return new Promise((resolve) => {
      const key = toHex(digest);
      const list = this.batchWaiters.get(key) ?? [];
      list.push(resolve);
      this.batchWaiters.set(key, list);
    });
  }

  private requestBatches(digests: readonly Uint8Array[], peer: string | undefined): void {
    const frame = encodeFrame({ kind: 'batch-request', body: { digests: digests.slice(0, 256) } });
    if (peer !== undefined && this.net.send(peer, frame)) return;
    this.net.broadcast(frame);
  }

  private preparePayload(req: Extract<Output, { kind: 'request-payload' }>): void {
    if (this.payloadWait) clearTimeout(this.payloadWait.timer);
    const core = this.core;
    const respond = (): void => {
      if (this.payloadWait) clearTimeout(this.payloadWait.timer);
      this.payloadWait = undefined;
      if (this.core !== core || this.stopped) return;
      this.cutBatch();
      const excluded = this.runner.includedInAncestors(req.parentHash);
      const digests = req.allowed ? this.batches.selectForProposal(excluded, 500, 20_000) : [];
      const ids: Uint8Array[] = [];
      for (const d of digests) {
        for (const tx of this.batches.get(d)!.batch.transactions)
          ids.push(Transaction.id(this.hash, tx));
      }
      this.feed({
        kind: 'payload',
        epoch: req.epoch,
        round: req.round,
        payload: {
          batchDigests: digests,
          txCount: BigInt(ids.length),
          txRoot: merkleRoot(this.hash, ids),
          timestampMs: BigInt(Date.now()),
        },
      });
    };
    const busy =
      this.mempool.size > 0 ||
      this.batches.selectForProposal(this.runner.includedInAncestors(req.parentHash), 1, 1).length >
        0 ||
      this.ancestorsCarryTransactions(req.parentHash) ||
      // The block that carries the QC of a transaction block's child is what tells the other
      // validators (and the clients waiting on them) that those transactions committed.
      req.height <= this.lastTransactionHeight + 2n;
    if (busy || !req.allowed) {
      setImmediate(respond);
      return;
    }
    this.payloadWait = { timer: setTimeout(respond, this.opts.idleBlockMs ?? 500), respond };
  }

  /** Uncommitted ancestors carry transactions: their commits are still to come. */
  private ancestorsCarryTransactions(parentHash: Uint8Array): boolean {
    for (
      let b = this.runner.get(parentHash);
      b;
      b = this.runner.get(b.proposal.header.parentHash)
    ) {
      if (b.proposal.header.txCount > 0n) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- execution

  private enqueueExecution(proposal: Proposal, hash: Uint8Array): void {
    const core = this.core;
    const proposer = this.epochs.get(proposal.header.epoch)?.validators.ids[
      Number(proposal.header.proposer)
    ];
    this.execChain = this.execChain
      .then(async () => {
        if (this.core !== core) return;
        const batches = await this.awaitBatches(proposal.header.batchDigests, proposer);
        if (this.core !== core) return;
        const executed = await this.runner.execute(proposal, hash, batches);
        this.feed({ kind: 'executed', blockHash: hash, result: executed.result });
      })
      .catch((error: unknown) => {
        if (!this.stopped) this.log('error', 'execution failed', { error: String(error) });
      });
  }

  // ---------------------------------------------------------------- network

  private onFrame(peer: string, data: Uint8Array): void {
    let frame: Frame;
    try {
      frame = decodeFrame(data);
    } catch (error) {
      this.log('debug', 'bad frame', { peer, error: String(error) });
      return;
    }
    switch (frame.kind) {
      case 'consensus':
        this.onConsensus(peer, frame.message);
        break;
      case 'batch':
        this.receiveBatch(frame.batch).catch((e: unknown) =>
          this.log('debug', 'batch refused', { peer, error: String(e) }),
        );
        break;
      case 'batch-request': {
        const batches = frame.body.digests
          .map((d) => this.batchBytes(d))
          .filter((b): b is Uint8Array => b !== undefined);
        if (batches.length > 0)
          this.net.send(peer, encodeFrame({ kind: 'batch-response', body: { batches } }));
        break;
      }
      case 'batch-response':
        for (const bytes of frame.body.batches) {
          this.receiveBatch(bytes).catch((e: unknown) =>
            this.log('debug', 'batch refused', { peer, error: String(e) }),
          );
        }
        break;
      case 'sync-request':
        this.net.send(
          peer,
          encodeFrame({ kind: 'sync-response', body: this.catchUp.serve(frame.body) }),
        );
        break;
      case 'sync-response':
        this.catchUp.onResponse(peer, frame.body);
        break;
      case 'status':
        this.peerHeights.set(peer, frame.body.height);
        break;
      case 'private-envelope': {
        let ack;
        try {
          ack = this.privateData.receive(frame.body);
        } catch (error) {
          this.log('debug', 'private envelope dropped', { peer, error: String(error) });
          break;
        }
        this.net.send(peer, encodeFrame({ kind: 'private-ack', body: ack }));
        break;
      }
      case 'private-ack':
        this.privateData.onAck(peer, frame.body);
        break;
    }
  }

  private onConsensus(peer: string, bytes: Uint8Array): void {
    if (this.core === undefined) return;
    let message: ConsensusMessage;
    try {
      message = decodeMessage(bytes);
      this.verifier.verify(message);
    } catch (error) {
      this.log('debug', 'consensus message refused', { peer, error: String(error) });
      return;
    }
    if (message.kind === 'proposal') {
      this.log('debug', 'proposal', {
        peer: peer.slice(0, 8),
        height: String(message.header.height),
        round: String(message.header.round),
        qcRound: String(message.qc.data.round),
        parent: toHex(message.header.parentHash).slice(0, 12),
      });
      const missing = message.header.batchDigests.filter((d) => this.batchBytes(d) === undefined);
      if (missing.length > 0) {
        this.heldProposals.push({ from: peer, message, since: Date.now() });
        this.requestBatches(missing, peer);
        return;
      }
      if (!this.payloadMatches(message)) return;
    }
    this.feed({ kind: 'message', from: peer, message: this.verifier.verify(message) });
  }

  /** A proposal's tx root and count must be those of its batches (else it is not voted on). */
  private payloadMatches(proposal: Proposal): boolean {
    const ids: Uint8Array[] = [];
    for (const d of proposal.header.batchDigests) {
      const batch = this.batches.get(d)?.batch ?? Batch.decode(this.batchBytes(d)!);
      for (const tx of batch.transactions) ids.push(Transaction.id(this.hash, tx));
    }
    const ok =
      BigInt(ids.length) === proposal.header.txCount &&
      equalBytes(merkleRoot(this.hash, ids), proposal.header.txRoot);
    if (!ok)
      this.log('warn', 'proposal tx root does not match its batches', {
        height: String(proposal.header.height),
      });
    return ok;
  }

  private releaseHeldProposals(): void {
    if (this.heldProposals.length === 0) return;
    const now = Date.now();
    const held = this.heldProposals;
    this.heldProposals = [];
    for (const h of held) {
      const missing = h.message.header.batchDigests.some((d) => this.batchBytes(d) === undefined);
      if (missing) {
        if (now - h.since < 10_000) this.heldProposals.push(h);
        continue;
      }
      if (this.payloadMatches(h.message)) {
        this.feed({ kind: 'message', from: h.from, message: this.verifier.verify(h.message) });
      }
    }
  }

  private tick(): void {
    const head = this.store.head();
    if (head === undefined || this.stopped) return;
    this.net.broadcast(
      encodeFrame({
        kind: 'status',
        body: { height: head.height, epoch: this.currentEpoch.validators.epoch },
      }),
    );
    this.metrics.peers.set(this.net.connectedPeers().length);
    this.releaseHeldProposals();
    let best = 0n;
    for (const h of this.peerHeights.values()) if (h > best) best = h;
    const lag = this.opts.role === 'observer' ? 1n : 16n;
    if (!this.syncing && best > head.height + lag) void this.resync();
  }

  /** Stops consensus, catches up with peers by block sync, and starts consensus again. */
  private async resync(): Promise<void> {
    if (this.syncing || this.stopped) return;
    this.syncing = true;
    this.core = undefined;
    clearTimeout(this.timer);
    await this.execChain.catch(() => undefined);
    this.runner.clear();
    try {
      const synced = await this.catchUp.run();
      if (synced > 0) this.metrics.syncedBlocks.inc(synced);
    } catch (error) {
      this.log('warn', 'block sync failed', { error: String(error) });
    } finally {
      this.syncing = false;
    }
    this.startCore();
  }
}

function consensusFrame(message: ConsensusMessage): Uint8Array {
  return encodeFrame({ kind: 'consensus', message: encodeMessage(message) });
}

function touchesSystem(block: ExecutedBlock): boolean {
  return block.outcome.receipts.some(
    (r) => r.status === 'ok' && r.events.some((e) => e.contract === 'system'),
  );
}

/** Block 0: the genesis state as block 0's result, epoch 0, and the genesis digest. */
function writeGenesis(store: ChainStore, hash: HashFn, genesis: NodeGenesis): void {
  const g = buildGenesis(hash, genesis, store);
  const nodeBatch = g.nodes.pendingBatch();
  store.commitBlock({
    height: 0n,
    hash: g.hash,
    block: new Uint8Array(),
    result: encodeResult(g.result),
    batches: [],
    receipts: [],
    txIds: [],
    stateWrites: g.writes,
    ...(nodeBatch ? { nodeBatch } : {}),
    meta: [
      { key: META.genesis, value: genesis.digest },
      { key: epochKey(0n), value: encodeEpoch(g.epoch, null) },
      { key: META.currentEpoch, value: new TextEncoder().encode('0') },
    ],
  });
}

/** The genesis' supervisors must name contracts this node runs and member organisations. */
function checkSupervisors(opts: ChainNodeOptions): void {
  const contracts = new Set(opts.contracts.map((c) => c.name));
  const orgs = new Set(opts.genesis.membership.organisations.map((o) => o.id));
  for (const [contract, org] of Object.entries(opts.genesis.supervisors ?? {})) {
    if (!contracts.has(contract)) {
      throw new Error(
        `genesis: a supervisor is named for ${contract}, a contract this node does not run`,
      );
    }
    if (!orgs.has(org)) {
      throw new Error(`genesis: ${org}, supervisor of ${contract}, is not a member organisation`);
    }
  }
}
