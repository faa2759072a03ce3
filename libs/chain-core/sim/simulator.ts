/**
 * Deterministic simulator of the consensus core (docs/spec/consensus.md §9): N replicas in one
 * process, a virtual clock, a seeded network that delays, drops, duplicates, reorders and
 * partitions messages, crash-restart from persisted safety data (everything unpersisted is
 * lost), and Byzantine replicas. After every event it checks agreement, validity and that no
 * commit is reverted; at the end, liveness after GST. Signatures use a keyed-hash stand-in
 * (HMAC-SHA-256; only the simulator knows the keys), ~50× cheaper than Ed25519, so thousands
 * of seeds fit in CI; `signatures: 'ed25519'` runs the same thing with real Ed25519.
 */
import { createHash, createHmac } from 'node:crypto';
import {
  BlockHeader,
  blockHash,
  type CommittedBlock,
  ConsensusCore,
  type ConsensusMessage,
  type CoreOptions,
  type EpochState,
  type ExecutionResult,
  MessageVerifier,
  type NodeId,
  type Output,
  type Proposal,
  type QuorumCertificate,
  type SafetyData,
  ValidatorSet,
  type Vote,
  decodeMessage,
  encodeMessage,
  equalBytes,
  getSuite,
  toHex,
  voteSigningPayload,
} from '../src';
import { concatBytes } from '../src/crypto/common/bytes';
import { Prng } from './prng';
import { type Scenario, instanceCount, validatorOf } from './scenario';

const CHAIN_ID = 'sim';
const sha256 = (data: Uint8Array): Uint8Array => createHash('sha256').update(data).digest();
const EMPTY = sha256(new Uint8Array());
/** A batch digest that, once committed in epoch 0, rotates the validator set (next epoch). */
const RECONFIGURE = sha256(new TextEncoder().encode('reconfigure'));

export interface Violation {
  readonly kind: 'agreement' | 'validity' | 'reverted' | 'double-vote' | 'liveness' | 'crash';
  readonly message: string;
  readonly atMs: number;
}

export interface SimResult {
  readonly scenario: Scenario;
  readonly violations: readonly Violation[];
  /** Highest height committed by any correct replica. */
  readonly height: bigint;
  /** Blocks committed (the highest common height). */
  readonly commits: number;
  /** Rounds entered through a timeout certificate, summed over correct replicas. */
  readonly viewChanges: number;
  readonly epochs: number;
  readonly evidence: number;
  readonly messages: number;
  readonly crashesAfterPersist: number;
  readonly virtualMs: number;
  /** Commit height of each correct replica at the end. */
  readonly heights: readonly bigint[];
}

export interface SimOptions {
  readonly signatures?: 'sim' | 'ed25519';
  /** Safety rules for correct replicas (tests break them on purpose). */
  readonly safetyRules?: CoreOptions['safetyRules'];
  /** Stop once every correct replica committed this many blocks after GST. */
  readonly blocksAfterGst?: number;
  /** Hard stop (virtual ms after GST) when liveness is not expected. */
  readonly stopAtMs?: number;
  readonly pacemaker?: CoreOptions['pacemaker'];
  /** Off: do not check that correct replicas never double-vote (to see what else breaks). */
  readonly checkVotes?: boolean;
  /** Receives one line per input and output (debugging a seed). */
  readonly trace?: (line: string) => void;
}

interface Keys {
  readonly secret: Uint8Array;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

type Event =
  | {
      kind: 'deliver';
      to: number;
      from: NodeId;
      message: ConsensusMessage;
      bytes: Uint8Array | null;
    }
  | { kind: 'timer'; to: number; token: number; epoch: bigint; round: bigint }
  | {
      kind: 'input';
      to: number;
      incarnation: number;
      input: Parameters<ConsensusCore['handle']>[0];
    }
  | { kind: 'crash'; to: number; afterPersist: boolean; downMs: number }
  | { kind: 'restart'; to: number }
  | { kind: 'call'; to: number; action: () => void };

interface Queued {
  readonly time: number;
  readonly seq: number;
  readonly event: Event;
}

/** A binary min-heap on (time, seq): equal times keep insertion order. */
class EventQueue {
  private heap: Queued[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: number, event: Event): void {
    const item = { time, seq: this.seq++, event };
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  pop(): Queued | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: Queued, b: Queued) => a.time < b.time || (a.time === b.time && a.seq < b.seq);

/** What a replica's runtime keeps on disk: survives a crash. */
interface Persisted {
  safety: SafetyData | undefined;
  ledger: CommittedBlock[];
  committedQc: QuorumCertificate | undefined;
  epochs: EpochState[];
  epochEndQcs: Map<bigint, QuorumCertificate>;
  lastCommitQc: QuorumCertificate | undefined;
}

interface Instance {
  readonly id: number;
  readonly validator: number;
  readonly keys: Keys;
  readonly nodeId: NodeId;
  readonly correct: boolean;
  alive: boolean;
  incarnation: number;
  /** The pending timer's token (a new timer replaces it; a crash cancels it). */
  timer: number;
  crashAfterPersist: boolean;
  /** How long the pending or current crash lasts. */
  downMs: number;
  crashedForGood: boolean;
  core: ConsensusCore;
  verifier: MessageVerifier;
  readonly persisted: Persisted;
  /** Proposals a forking replica has seen, by block id. */
  readonly seen: Map<string, Proposal>;
  /** Execution results by block id (the runtime's execution layer; recomputed after restart). */
  results: Map<string, ExecutionResult>;
}

export class Simulation {
  private readonly rng: Prng;
  private readonly queue = new EventQueue();
  private readonly instances: Instance[] = [];
  private readonly byNode = new Map<NodeId, Instance[]>();
  private readonly keys: Keys[] = [];
  private readonly verifySignature: (k: Uint8Array, m: Uint8Array, s: Uint8Array) => boolean;
  private readonly genesis: EpochState;
  private now = 0;
  private readonly violations: Violation[] = [];
  /** height → block id, as first committed by anyone (agreement). */
  private readonly committedAt = new Map<bigint, string>();
  /** Ids of every block any replica proposed (validity). */
  private readonly proposed = new Set<string>();
  /** `${validator}/${epoch}/${round}` → block id voted by a correct replica. */
  private readonly votesCast = new Map<string, string>();
  private readonly timedOut = new Set<string>();
  private messages = 0;
  /** Crashes that struck right after a safety-data write (the signature may not have left). */
  private crashesAfterPersist = 0;
  private timers = 0;
  private viewChanges = 0;
  private evidence = 0;
  private maxEpoch = 0n;
  private heightAtGst: bigint | null = null;

  constructor(
    readonly scenario: Scenario,
    private readonly options: SimOptions = {},
  ) {
    this.rng = new Prng(scenario.seed);
    const suite = options.signatures === 'ed25519' ? getSuite('ed25519', 'fast') : undefined;
    const secrets = new Map<string, Uint8Array>();
    for (let v = 0; v < scenario.n; v++) {
      const secret = this.rng.bytes(32);
      if (suite) {
        const publicKey = suite.publicKeyFromSecretKey(secret);
        this.keys.push({ secret, publicKey, sign: (m) => suite.sign(secret, m) });
      } else {
        const publicKey = sha256(secret);
        secrets.set(toHex(publicKey), secret);
        this.keys.push({ secret, publicKey, sign: (m) => simSign(secret, m) });
      }
    }
    this.verifySignature = suite
      ? (k, m, s) => suite.verify(k, m, s)
      : (k, m, s) => {
          const secret = secrets.get(toHex(k));
          return secret !== undefined && s.length === 64 && equalBytes(simSign(secret, m), s);
        };
    const header: BlockHeader = {
      chainId: CHAIN_ID,
      height: 0n,
      epoch: 0n,
      round: 0n,
      parentHash: new Uint8Array(32),
      proposer: 0n,
      batchDigests: [],
      txCount: 0n,
      txRoot: EMPTY,
      receiptCount: 0n,
      receiptRoot: EMPTY,
      stateRoot: EMPTY,
      timestampMs: 0n,
    };
    this.genesis = {
      validators: new ValidatorSet(
        0n,
        this.keys.map((k) => k.publicKey),
      ),
      root: {
        header,
        hash: BlockHeader.hash(sha256, header),
        result: { stateRoot: EMPTY, receiptRoot: EMPTY, receiptCount: 0n, nextValidators: null },
      },
    };
    const count = instanceCount(scenario.behaviours);
    for (let id = 0; id < count; id++) {
      const validator = validatorOf(scenario.behaviours, id);
      const keys = this.keys[validator]!;
      const behaviour = scenario.behaviours[validator]!;
      const persisted: Persisted = {
        safety: undefined,
        ledger: [],
        committedQc: undefined,
        epochs: [this.genesis],
        epochEndQcs: new Map(),
        lastCommitQc: undefined,
      };
      const instance = {
        id,
        validator,
        keys,
        nodeId: toHex(keys.publicKey),
        correct: behaviour === 'honest',
        alive: behaviour !== 'silent',
        incarnation: 0,
        timer: -1,
        crashAfterPersist: false,
        downMs: 0,
        crashedForGood: false,
        persisted,
        seen: new Map(),
        results: new Map(),
      } as unknown as Instance;
      this.boot(instance);
      this.instances.push(instance);
      const list = this.byNode.get(instance.nodeId) ?? [];
      list.push(instance);
      this.byNode.set(instance.nodeId, list);
    }
    for (const c of scenario.crashes) {
      this.queue.push(c.atMs, {
        kind: 'crash',
        to: c.validator,
        afterPersist: c.afterPersist,
        downMs: c.downMs,
      });
    }
  }

  /** (Re)creates an instance's core from what it persisted. */
  private boot(instance: Instance): void {
    const p = instance.persisted;
    const results = new Map<string, ExecutionResult>();
    results.set(toHex(this.genesis.root.hash), this.genesis.root.result);
    for (const e of p.epochs) results.set(toHex(e.root.hash), e.root.result);
    for (const c of p.ledger) results.set(toHex(c.hash), c.result);
    instance.results = results;
    const committed = p.ledger.slice(-1024);
    instance.core = new ConsensusCore({
      chainId: CHAIN_ID,
      hash: sha256,
      publicKey: instance.keys.publicKey,
      sign: instance.keys.sign,
      epochs: p.epochs,
      epochEndQcs: p.epochEndQcs,
      safetyData: p.safety,
      committed,
      committedQc: p.committedQc,
      reputation: { enabled: this.scenario.reputation, window: 10, lag: 6n },
      pacemaker: this.options.pacemaker ?? { baseTimeoutMs: 500, maxBackoffExponent: 4 },
      safetyRules: instance.correct ? this.options.safetyRules : undefined,
    });
    instance.verifier = new MessageVerifier({
      chainId: CHAIN_ID,
      hash: sha256,
      verifySignature: this.verifySignature,
      epoch: (e) => instance.core.epochState(e),
    });
    instance.incarnation++;
    if (instance.alive) {
      this.queue.push(this.now, {
        kind: 'input',
        to: instance.id,
        incarnation: instance.incarnation,
        input: { kind: 'start' },
      });
    }
  }

  // ---------------------------------------------------------------- running

  run(): SimResult {
    const s = this.scenario;
    const stopAt = this.options.stopAtMs ?? s.gstMs + s.livenessBoundMs;
    const wanted = BigInt(this.options.blocksAfterGst ?? 3);
    for (;;) {
      const next = this.queue.pop();
      if (next === undefined || next.time > stopAt) break;
      this.now = next.time;
      if (this.heightAtGst === null && this.now >= s.gstMs) this.heightAtGst = this.maxHeight();
      try {
        this.dispatch(next.event);
      } catch (error) {
        this.violation('crash', `replica threw: ${(error as Error).stack ?? String(error)}`);
      }
      if (this.violations.length > 0) break;
      if (this.heightAtGst !== null && this.options.stopAtMs === undefined) {
        const target = this.heightAtGst + wanted;
        if (this.correct().every((i) => i.core.committedHeight >= target)) break;
      }
    }
    if (this.heightAtGst === null) this.heightAtGst = this.maxHeight();
    if (this.violations.length === 0 && this.options.stopAtMs === undefined)
      this.checkLiveness(wanted);
    const heights = this.correct().map((i) => i.core.committedHeight);
    return {
      scenario: s,
      violations: this.violations,
      height: this.maxHeight(),
      commits: Number(heights.reduce((a, b) => (a < b ? a : b), heights[0] ?? 0n)),
      viewChanges: this.viewChanges,
      epochs: Number(this.maxEpoch) + 1,
      evidence: this.evidence,
      messages: this.messages,
      crashesAfterPersist: this.crashesAfterPersist,
      virtualMs: this.now,
      heights,
    };
  }

  /** Correct replicas: honest and not crashed for good (liveness is owed to these). */
  private correct(): Instance[] {
    return this.instances.filter((i) => i.correct && !i.crashedForGood);
  }

  private maxHeight(): bigint {
    return this.correct().reduce(
      (m, i) => (i.core.committedHeight > m ? i.core.committedHeight : m),
      0n,
    );
  }

  private checkLiveness(wanted: bigint): void {
    const target = this.heightAtGst! + wanted;
    const lagging = this.correct().filter((i) => i.core.committedHeight < target);
    if (lagging.length > 0) {
      const detail = lagging.map(
        (i) => `replica ${i.id} at ${i.core.committedHeight} round ${i.core.currentRound}`,
      );
      this.violation(
        'liveness',
        `${this.scenario.livenessBoundMs} ms after GST (height ${this.heightAtGst} then), not every correct replica reached height ${target}: ${detail.join(', ')}`,
      );
    }
  }

  private dispatch(event: Event): void {
    const instance = this.instances[event.to]!;
    switch (event.kind) {
      case 'call':
        event.action();
        return;
      case 'crash':
        if (!instance.alive) return;
        instance.downMs = event.downMs;
        if (event.afterPersist) instance.crashAfterPersist = true;
        else this.crash(instance);
        return;
      case 'restart':
        if (instance.alive) return;
        instance.alive = true;
        this.boot(instance);
        return;
      case 'timer':
        if (!instance.alive || event.token !== instance.timer) return;
        this.apply(instance, { kind: 'timer', epoch: event.epoch, round: event.round });
        return;
      case 'input':
        if (!instance.alive || event.incarnation !== instance.incarnation) return;
        this.apply(instance, event.input);
        return;
      case 'deliver': {
        if (!instance.alive) return;
        this.messages++;
        let message = event.message;
        try {
          if (event.bytes !== null) message = decodeMessage(event.bytes);
          const verified = instance.verifier.verify(message);
          if (
            message.kind === 'proposal' &&
            this.scenario.behaviours[instance.validator] === 'fork'
          ) {
            instance.seen.set(toHex(blockHash(sha256, message.header)), message);
          }
          if (this.scenario.behaviours[instance.validator] === 'vote-all')
            this.voteAll(instance, message);
          this.apply(instance, { kind: 'message', from: event.from, message: verified });
        } catch (error) {
          if ((error as { name?: string }).name === 'ConsensusError') return; // refused at the edge
          if ((error as { name?: string }).name === 'CodecError') return;
          throw error;
        }
        return;
      }
    }
  }

  private crash(instance: Instance): void {
    instance.alive = false;
    instance.crashAfterPersist = false;
    instance.incarnation++;
    instance.timer = -1;
    // downMs = Infinity: crashed for good (then it counts among the f faulty).
    if (Number.isFinite(instance.downMs)) {
      this.queue.push(this.now + instance.downMs, { kind: 'restart', to: instance.id });
    } else {
      instance.crashedForGood = true;
    }
  }

  private apply(instance: Instance, input: Parameters<ConsensusCore['handle']>[0]): void {
    const round = instance.core.currentRound;
    const epoch = instance.core.currentEpoch.validators.epoch;
    const outputs = instance.core.handle(input);
    if (this.options.trace) {
      const t = this.options.trace;
      const e = instance.core.currentEpoch.validators.epoch;
      t(
        `${this.now} #${instance.id} e${e} r${instance.core.currentRound} h${instance.core.committedHeight} <- ${describe(input)}`,
      );
      for (const o of outputs) t(`${this.now} #${instance.id}    -> ${describeOutput(o)}`);
    }
    const after = instance.core.currentRound;
    if (
      instance.correct &&
      instance.core.currentEpoch.validators.epoch === epoch &&
      after > round
    ) {
      // entered through a TC?
      if (instance.core.roundEnteredByTimeout) this.viewChanges++;
    }
    for (const output of outputs) {
      if (!instance.alive) return;
      this.carryOut(instance, output);
      if (output.kind === 'persist-safety' && instance.crashAfterPersist) {
        this.crashesAfterPersist++;
        this.crash(instance);
        return;
      }
    }
  }

  private carryOut(instance: Instance, output: Output): void {
    switch (output.kind) {
      case 'persist-safety': {
        const vote = output.data.lastVote;
        const before = instance.persisted.safety?.lastVote;
        // every signed vote passes through here, also one a leader casts for itself
        if (vote && vote !== before && instance.correct && this.options.checkVotes !== false) {
          this.checkHonestSignature(instance, { kind: 'vote', ...vote });
        }
        instance.persisted.safety = output.data;
        return;
      }
      case 'send':
        this.send(instance, [output.to], output.message);
        return;
      case 'broadcast': {
        const ids = instance.core.currentEpoch.validators.ids.filter(
          (id) => id !== instance.nodeId,
        );
        this.send(instance, ids, output.message);
        return;
      }
      case 'set-timer':
        instance.timer = ++this.timers;
        this.queue.push(this.now + output.afterMs, {
          kind: 'timer',
          to: instance.id,
          token: instance.timer,
          epoch: output.epoch,
          round: output.round,
        });
        return;
      case 'request-payload': {
        const wantReconfigure =
          output.epoch === 0n &&
          this.scenario.reconfigureAtHeight !== null &&
          output.height >= this.scenario.reconfigureAtHeight;
        const digest = wantReconfigure ? RECONFIGURE : this.rng.bytes(32);
        const payload = output.allowed
          ? {
              batchDigests: [digest],
              txCount: 1n,
              txRoot: sha256(digest),
              timestampMs: BigInt(this.now),
            }
          : { batchDigests: [], txCount: 0n, txRoot: EMPTY, timestampMs: BigInt(this.now) };
        this.queue.push(this.now + 1, {
          kind: 'input',
          to: instance.id,
          incarnation: instance.incarnation,
          input: { kind: 'payload', epoch: output.epoch, round: output.round, payload },
        });
        return;
      }
      case 'execute': {
        const parent = instance.results.get(toHex(output.block.header.parentHash));
        if (parent === undefined) throw new Error('execute before the parent was executed');
        const result = execute(output.block, output.hash, parent, this.keys);
        instance.results.set(toHex(output.hash), result);
        this.queue.push(this.now, {
          kind: 'input',
          to: instance.id,
          incarnation: instance.incarnation,
          input: { kind: 'executed', blockHash: output.hash, result },
        });
        return;
      }
      case 'commit':
        this.onCommit(instance, output);
        return;
      case 'new-epoch':
        instance.persisted.epochs.push(output.state);
        instance.persisted.epochEndQcs.set(
          output.state.validators.epoch - 1n,
          instance.persisted.lastCommitQc!,
        );
        instance.persisted.committedQc = undefined;
        if (output.state.validators.epoch > this.maxEpoch)
          this.maxEpoch = output.state.validators.epoch;
        return;
      case 'evidence':
        this.evidence++;
        return;
    }
  }

  private onCommit(instance: Instance, output: Extract<Output, { kind: 'commit' }>): void {
    const ledger = instance.persisted.ledger;
    const last = ledger[ledger.length - 1];
    const lastHeight = last?.proposal.header.height ?? 0n;
    const lastHash = last?.hash ?? this.genesis.root.hash;
    output.blocks.forEach((proposal, i) => {
      const hash = output.hashes[i]!;
      const id = toHex(hash);
      const { height } = proposal.header;
      const expectedHeight = lastHeight + 1n + BigInt(i);
      const parent = i === 0 ? lastHash : output.hashes[i - 1]!;
      if (height !== expectedHeight || !equalBytes(proposal.header.parentHash, parent)) {
        this.violation(
          'reverted',
          `replica ${instance.id} committed height ${height} after height ${expectedHeight - 1n} (not its child)`,
        );
      }
      if (!this.proposed.has(id)) {
        this.violation(
          'validity',
          `replica ${instance.id} committed block ${id.slice(0, 12)} that nobody proposed`,
        );
      }
      if (instance.correct) {
        const first = this.committedAt.get(height);
        if (first === undefined) this.committedAt.set(height, id);
        else if (first !== id) {
          this.violation(
            'agreement',
            `replica ${instance.id} committed ${id.slice(0, 12)} at height ${height}, another replica ${first.slice(0, 12)}`,
          );
        }
      }
      ledger.push({ proposal, hash, result: instance.results.get(id)! });
    });
    instance.persisted.committedQc = output.qc;
    instance.persisted.lastCommitQc = output.commitQc;
  }

  private violation(kind: Violation['kind'], message: string): void {
    this.violations.push({ kind, message, atMs: this.now });
  }

  // ---------------------------------------------------------------- network

  private send(from: Instance, to: readonly NodeId[], message: ConsensusMessage): void {
    const behaviour = this.scenario.behaviours[from.validator];
    if (message.kind === 'proposal') this.proposed.add(toHex(blockHash(sha256, message.header)));
    if (from.correct && this.options.checkVotes !== false) this.checkHonestSignature(from, message);
    if (behaviour === 'bad-signatures') message = this.corrupt(message);
    if (behaviour === 'fork' && message.kind === 'proposal') message = this.fork(from, message);
    if (behaviour === 'equivocate' && message.kind === 'proposal' && to.length > 1) {
      // Half get one block first, half the other; every replica gets both in the end.
      const other = this.variant(from, message);
      const half = Math.ceil(to.length / 2);
      this.transmit(from, to.slice(0, half), message);
      this.transmit(from, to.slice(half), other);
      this.later(() => this.transmit(from, to.slice(0, half), other));
      this.later(() => this.transmit(from, to.slice(half), message));
      return;
    }
    this.transmit(from, to, message);
  }

  /** Runs `action` a little later (a Byzantine sender's second wave). */
  private later(action: () => void): void {
    this.queue.push(this.now + this.rng.range(10, 300), { kind: 'call', to: 0, action });
  }

  private transmit(from: Instance, to: readonly NodeId[], message: ConsensusMessage): void {
    const s = this.scenario;
    const bytes = s.wire ? this.encode(message) : null;
    const stable = this.now >= s.gstMs;
    for (const nodeId of to) {
      for (const target of this.byNode.get(nodeId) ?? []) {
        if (target === from) continue;
        if (!stable && (this.partitioned(from.id, target.id) || this.rng.chance(s.dropRate)))
          continue;
        const copies = !stable && this.rng.chance(s.duplicateRate) ? 2 : 1;
        for (let c = 0; c < copies; c++) {
          const delay = this.rng.range(s.minDelayMs, s.maxDelayMs);
          this.queue.push(this.now + delay, {
            kind: 'deliver',
            to: target.id,
            from: from.nodeId,
            message,
            bytes,
          });
        }
      }
    }
  }

  /** A message's bytes; what a Byzantine sender cannot encode goes out as garbage. */
  private encode(message: ConsensusMessage): Uint8Array {
    try {
      return encodeMessage(message);
    } catch (error) {
      if ((error as { name?: string }).name !== 'CodecError') throw error;
      return this.rng.bytes(this.rng.range(1, 200));
    }
  }

  private partitioned(a: number, b: number): boolean {
    for (const p of this.scenario.partitions) {
      if (this.now < p.fromMs || this.now >= p.toMs) continue;
      const ga = p.groups.findIndex((g) => g.includes(a));
      const gb = p.groups.findIndex((g) => g.includes(b));
      if (ga !== gb) return true;
    }
    return false;
  }

  /** A correct replica never votes for two blocks in a round, nor after timing out in it. */
  private checkHonestSignature(from: Instance, message: ConsensusMessage): void {
    if (message.kind === 'vote') {
      const key = `${from.validator}/${message.data.epoch}/${message.data.round}`;
      const id = toHex(message.data.blockHash);
      const previous = this.votesCast.get(key);
      if (previous !== undefined && previous !== id) {
        this.violation(
          'double-vote',
          `correct validator ${from.validator} voted for two blocks in epoch ${message.data.epoch} round ${message.data.round}`,
        );
      }
      if (this.timedOut.has(key) && previous === undefined) {
        this.violation(
          'double-vote',
          `correct validator ${from.validator} voted in round ${message.data.round} after timing out in it`,
        );
      }
      this.votesCast.set(key, id);
    } else if (message.kind === 'timeout') {
      this.timedOut.add(
        `${from.validator}/${message.timeout.data.epoch}/${message.timeout.data.round}`,
      );
    }
  }

  // ---------------------------------------------------------------- Byzantine behaviour

  private corrupt(message: ConsensusMessage): ConsensusMessage {
    const garbage = this.rng.bytes(64);
    switch (message.kind) {
      case 'proposal':
        return { ...message, signature: garbage };
      case 'vote':
        return { ...message, signature: garbage };
      case 'timeout':
        return { ...message, timeout: { ...message.timeout, signature: garbage } };
      default:
        return message;
    }
  }

  /** The equivocating leader's second block: another payload, signed with the same key. */
  private variant(from: Instance, proposal: Extract<ConsensusMessage, { kind: 'proposal' }>) {
    const digest = this.rng.bytes(32);
    const header: BlockHeader = {
      ...proposal.header,
      batchDigests: [digest],
      txCount: 1n,
      txRoot: sha256(digest),
    };
    const signature = from.keys.sign(BlockHeader.hash(sha256, header));
    const other: Proposal = { header, qc: proposal.qc, tc: proposal.tc, signature };
    this.proposed.add(toHex(BlockHeader.hash(sha256, header)));
    return { kind: 'proposal' as const, ...other };
  }

  /**
   * The forking leader's block: instead of extending its high QC's block P, it extends P's
   * grandparent, so the block conflicts with P's parent, which the QC of P may have committed.
   */
  private fork(from: Instance, proposal: Extract<ConsensusMessage, { kind: 'proposal' }>) {
    const parent = from.seen.get(toHex(proposal.qc.data.blockHash));
    const grandparent = parent && from.seen.get(toHex(parent.qc.data.blockHash));
    if (grandparent === undefined) return proposal;
    const qc = grandparent.qc;
    if (qc.data.epoch !== proposal.header.epoch) return proposal;
    const base = from.results.get(toHex(qc.data.blockHash));
    if (base === undefined) return proposal;
    const header: BlockHeader = {
      ...proposal.header,
      height: qc.data.height + 1n,
      parentHash: qc.data.blockHash,
      stateRoot: base.stateRoot,
      receiptRoot: base.receiptRoot,
      receiptCount: base.receiptCount,
    };
    const hash = blockHash(sha256, header);
    this.proposed.add(toHex(hash));
    const tc = proposal.tc;
    return { kind: 'proposal' as const, header, qc, tc, signature: from.keys.sign(hash) };
  }

  /** Votes for every proposal seen, with no safety rule, to the round's next leader. */
  private voteAll(instance: Instance, message: ConsensusMessage): void {
    if (message.kind !== 'proposal') return;
    const core = instance.core;
    const { header } = message;
    if (header.epoch !== core.currentEpoch.validators.epoch) return;
    const index = core.currentEpoch.validators.indexOf(instance.nodeId);
    if (index === undefined) return;
    const data = {
      chainId: CHAIN_ID,
      epoch: header.epoch,
      round: header.round,
      // sometimes the right block with a wrong height: it must not spoil the QC
      height: this.rng.chance(0.3) ? header.height + 1n : header.height,
      blockHash: blockHash(sha256, header),
    };
    const vote: Vote = {
      data,
      voter: BigInt(index),
      signature: instance.keys.sign(voteSigningPayload(sha256, data)),
    };
    const next = core.currentEpoch.validators.ids[core.leader(header.round + 1n)]!;
    this.transmit(instance, [next], { kind: 'vote', ...vote });
  }
}

function describeMessage(m: ConsensusMessage): string {
  switch (m.kind) {
    case 'proposal':
      return `proposal e${m.header.epoch} r${m.header.round} h${m.header.height} by ${m.header.proposer} qc r${m.qc.data.round}${m.tc ? ` tc r${m.tc.round}` : ''}`;
    case 'vote':
      return `vote e${m.data.epoch} r${m.data.round} h${m.data.height} by ${m.voter}`;
    case 'timeout':
      return `timeout e${m.timeout.data.epoch} r${m.timeout.data.round} hqc ${m.timeout.data.highQcRound} by ${m.timeout.voter}${m.lastTc ? ` lastTc r${m.lastTc.round}` : ''}`;
    case 'sync':
      return `sync qc e${m.qc.data.epoch} r${m.qc.data.round} h${m.qc.data.height}${m.tc ? ` tc r${m.tc.round}` : ''}`;
    case 'block-request':
      return `block-request ${toHex(m.hash).slice(0, 8)} x${m.count}`;
    case 'block-response':
      return `block-response ${m.blocks.map((b) => `h${b.header.height}`).join(',')}`;
  }
}

function describe(input: Parameters<ConsensusCore['handle']>[0]): string {
  switch (input.kind) {
    case 'message':
      return `${describeMessage(input.message)} from ${input.from.slice(0, 6)}`;
    case 'timer':
      return `timer e${input.epoch} r${input.round}`;
    case 'executed':
      return `executed ${toHex(input.blockHash).slice(0, 8)}`;
    default:
      return input.kind;
  }
}

function describeOutput(o: Output): string {
  switch (o.kind) {
    case 'send':
      return `send ${describeMessage(o.message)} to ${o.to.slice(0, 6)}`;
    case 'broadcast':
      return `broadcast ${describeMessage(o.message)}`;
    case 'commit':
      return `commit ${o.blocks.map((b) => `h${b.header.height}`).join(',')}`;
    case 'set-timer':
      return `set-timer r${o.round} ${o.afterMs}ms`;
    case 'persist-safety':
      return `persist lastVoted ${o.data.lastVotedRound} preferred ${o.data.preferredRound}`;
    case 'new-epoch':
      return `new-epoch ${o.state.validators.epoch}`;
    case 'execute':
      return `execute h${o.block.header.height} ${toHex(o.hash).slice(0, 8)}`;
    default:
      return o.kind;
  }
}

/** The stand-in signature: HMAC-SHA-256 under the secret, twice, for 64 bytes. */
function simSign(secret: Uint8Array, message: Uint8Array): Uint8Array {
  const out = new Uint8Array(64);
  out.set(createHmac('sha256', secret).update(message).digest(), 0);
  out.set(
    createHmac('sha256', secret)
      .update(message)
      .update(new Uint8Array([1]))
      .digest(),
    32,
  );
  return out;
}

/**
 * A deterministic stand-in for execution: every replica derives the same roots. A block of
 * epoch 0 carrying the RECONFIGURE digest rotates the validator order by one (every index
 * changes), which takes effect in epoch 1 once the block commits.
 */
function execute(
  block: Proposal,
  hash: Uint8Array,
  parent: ExecutionResult,
  keys: readonly Keys[],
): ExecutionResult {
  const stateRoot = sha256(concatBytes(parent.stateRoot, hash));
  const receiptRoot = sha256(concatBytes(block.header.txRoot, hash));
  const reconfigure =
    block.header.epoch === 0n && block.header.batchDigests.some((d) => equalBytes(d, RECONFIGURE));
  return {
    stateRoot,
    receiptRoot,
    receiptCount: block.header.txCount,
    nextValidators: reconfigure ? [...keys.slice(1), keys[0]!].map((k) => k.publicKey) : null,
  };
}

/** Runs one seed's scenario. */
export function simulate(scenario: Scenario, options?: SimOptions): SimResult {
  return new Simulation(scenario, options).run();
}
