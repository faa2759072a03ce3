/**
 * Private data in the node (docs/spec/private-data.md §7): a member's node seals the payload of
 * a private transaction to every validator of its recipient organisations, sends each its
 * envelope, and submits the transaction only once every recipient organisation has stored it
 * (acknowledged by at least one of its validators). A recipient validator opens the envelope,
 * checks it against the commitment the signed transaction carries (payload hash, recipients,
 * the vertical's supervisor among them), stores the plaintext durably, then acknowledges.
 * Reads are signed by a member and served only by a node of a recipient organisation to its
 * own members, once the transaction has committed.
 */
import { type HashFn, equalBytes, toHex } from '../codec';
import type { SuiteId } from '../crypto';
import {
  type CheckReaderMembership,
  type IncomingHeaders,
  type PrivateCommitment,
  PrivateDataError,
  type PrivateReader,
  type PrivateRecord,
  type PrivateStore,
  authorizePrivateRead,
  openPrivatePayload,
  readPrivateCommitment,
  sealPrivatePayload,
  verifyPrivateRead,
} from '../private';
import { Transaction } from '../types';
import type { Log } from './chain-node';
import { encodeFrame, type PrivateAck, type PrivateEnvelopeFrame } from './frames';

export interface PrivateDataOptions {
  readonly chainId: string;
  readonly suite: SuiteId;
  /** The node's organisation. */
  readonly org: string;
  /** A validator's consensus key pair (recipients' envelopes are sealed to it). */
  readonly consensusKey:
    { readonly publicKey: Uint8Array; readonly secretKey: Uint8Array } | undefined;
  /** contract → the organisation that supervises its vertical (always a recipient). */
  readonly supervisors: ReadonlyMap<string, string>;
  /** How long a delivery waits for the recipients' acknowledgements (default 10 s). */
  readonly ackTimeoutMs?: number;
  /** Largest clock difference accepted on a read request (default 5 min). */
  readonly readSkewMs?: number;
}

export interface PrivateDataDeps {
  readonly store: PrivateStore;
  readonly hash: HashFn;
  /** The current validators, in set order. */
  validators(): readonly { readonly org: string; readonly publicKey: Uint8Array }[];
  /** The member organisations' ids. */
  organisations(): readonly string[];
  /** Sends a frame to a peer validator (by its id, the consensus key's hex). */
  send(peerId: string, frame: Uint8Array): boolean;
  isCommitted(txId: Uint8Array): boolean;
  /** The committed transaction of that id, if any. */
  committedTransaction(txId: Uint8Array): Transaction | undefined;
  readonly verifyMember: CheckReaderMembership;
  readonly log: Log;
}

interface Delivery {
  /** Recipient organisations not yet acknowledged. */
  readonly waiting: Set<string>;
  /** The org of each validator the envelope went to (peer id → org). */
  readonly peers: Map<string, string>;
  readonly refusals: string[];
  resolve(): void;
  reject(error: PrivateDataError): void;
}

const DEFAULT_ACK_TIMEOUT_MS = 10_000;
const DEFAULT_READ_SKEW_MS = 5 * 60_000;

export class PrivateData {
  private readonly deliveries = new Map<string, Delivery>();
  private readonly selfId: string | undefined;

  constructor(
    private readonly opts: PrivateDataOptions,
    private readonly deps: PrivateDataDeps,
  ) {
    this.selfId = opts.consensusKey ? toHex(opts.consensusKey.publicKey) : undefined;
  }

  /**
   * The commitment of a transaction submitted as private, checked against the consortium: it
   * names known organisations, each with a validator, and the vertical's supervisor.
   */
  commitmentOf(tx: Transaction): PrivateCommitment {
    const commitment = readPrivateCommitment(tx.body.args);
    if (commitment === undefined) {
      throw new PrivateDataError(
        'not-private',
        'the transaction carries no private commitment: args.private = { payloadHash, recipients }',
        { field: 'args.private' },
      );
    }
    const known = new Set(this.deps.organisations());
    const holders = new Set(this.deps.validators().map((v) => v.org));
    for (const org of commitment.recipients) {
      if (!known.has(org)) throw recipientsRefused(`${org} is not a member organisation`);
      if (!holders.has(org)) {
        throw recipientsRefused(`${org} runs no validator to hold the payload`);
      }
    }
    const supervisor = this.opts.supervisors.get(tx.body.contract);
    if (supervisor !== undefined && !commitment.recipients.includes(supervisor)) {
      throw recipientsRefused(
        `the supervisor of ${tx.body.contract}, ${supervisor}, must be a recipient`,
      );
    }
    return commitment;
  }

  /**
   * Seals `payload` to every validator of the recipient organisations, delivers the envelopes
   * and resolves once each organisation has stored it; `delivery-failed` otherwise.
   */
  async deliver(
    txBytes: Uint8Array,
    txId: Uint8Array,
    commitment: PrivateCommitment,
    payload: Uint8Array,
  ): Promise<void> {
    const targets = this.deps.validators().filter((v) => commitment.recipients.includes(v.org));
    const sealed = sealPrivatePayload({
      suite: this.opts.suite,
      chainId: this.opts.chainId,
      plaintext: payload,
      recipients: targets.map((v) => ({ org: v.org, publicKey: v.publicKey })),
    });
    if (!equalBytes(sealed.payloadHash, commitment.payloadHash)) {
      throw new PrivateDataError(
        'hash-mismatch',
        `the payload hashes to ${toHex(sealed.payloadHash)}, the transaction commits to ${toHex(commitment.payloadHash)}`,
        { field: 'payload' },
      );
    }
    const key = toHex(txId);
    if (this.deliveries.has(key)) {
      throw new PrivateDataError('delivery-failed', `tx ${key} is being delivered already`);
    }
    const body: PrivateEnvelopeFrame = { transaction: txBytes, envelope: sealed.envelope };
    const frame = encodeFrame({ kind: 'private-envelope', body });
    const done = new Promise<void>((resolve, reject) => {
      this.deliveries.set(key, {
        waiting: new Set(commitment.recipients),
        peers: new Map(targets.map((v) => [toHex(v.publicKey), v.org])),
        refusals: [],
        resolve,
        reject,
      });
    });
    const timeoutMs = this.opts.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    const timer = setTimeout(() => this.finish(key, 'timed out'), timeoutMs);
    try {
      for (const target of targets) {
        const peer = toHex(target.publicKey);
        if (peer === this.selfId) {
          this.onAck(peer, this.receive(body));
        } else if (!this.deps.send(peer, frame)) {
          this.onAck(peer, { txId, error: 'unreachable' });
        }
      }
      await done;
    } finally {
      clearTimeout(timer);
      this.deliveries.delete(key);
    }
  }

  /** A peer's envelope: checked, opened, stored; the answer to send back. */
  receive(frame: PrivateEnvelopeFrame): PrivateAck {
    let txId: Uint8Array | undefined;
    try {
      const tx = Transaction.decode(frame.transaction);
      txId = Transaction.id(this.deps.hash, tx);
      if (tx.body.chainId !== this.opts.chainId) {
        throw new PrivateDataError('malformed', `a transaction of chain ${tx.body.chainId}`);
      }
      if (this.opts.consensusKey === undefined) {
        throw new PrivateDataError('not-a-recipient', 'this node holds no consensus key');
      }
      const commitment = this.commitmentOf(tx);
      if (!commitment.recipients.includes(this.opts.org)) {
        throw recipientsRefused(`${this.opts.org} is not among the recipients`);
      }
      const opened = openPrivatePayload(frame.envelope, {
        chainId: this.opts.chainId,
        suite: this.opts.suite,
        publicKey: this.opts.consensusKey.publicKey,
        secretKey: this.opts.consensusKey.secretKey,
      });
      if (!equalBytes(opened.payloadHash, commitment.payloadHash)) {
        throw new PrivateDataError('hash-mismatch', 'the envelope is for another payload');
      }
      if (opened.recipients.join(',') !== commitment.recipients.join(',')) {
        throw recipientsRefused(
          `the envelope is sealed to ${opened.recipients.join(', ')}, the transaction names ${commitment.recipients.join(', ')}`,
        );
      }
      this.deps.store.put(txId, {
        payloadHash: commitment.payloadHash,
        recipients: commitment.recipients,
        plaintext: opened.plaintext,
        receivedAtMs: Date.now(),
      });
      return { txId, error: null };
    } catch (error) {
      const code = error instanceof PrivateDataError ? error.code : 'malformed';
      this.deps.log('warn', 'private envelope refused', { code, error: String(error) });
      if (txId === undefined) throw error; // not even a transaction: nobody to answer
      return { txId, error: code };
    }
  }

  /** A recipient's answer to a delivery of ours. */
  onAck(peer: string, ack: PrivateAck): void {
    const key = toHex(ack.txId);
    const delivery = this.deliveries.get(key);
    const org = delivery?.peers.get(peer);
    if (delivery === undefined || org === undefined) return;
    delivery.peers.delete(peer);
    if (ack.error === null) delivery.waiting.delete(org);
    else delivery.refusals.push(`${org} (${peer.slice(0, 12)}…): ${ack.error}`);
    if (delivery.waiting.size === 0) this.finish(key, undefined);
    else if (delivery.peers.size === 0) this.finish(key, 'every recipient answered');
  }

  private finish(key: string, failure: string | undefined): void {
    const delivery = this.deliveries.get(key);
    if (delivery === undefined) return;
    this.deliveries.delete(key);
    if (failure === undefined) {
      delivery.resolve();
      return;
    }
    const refusals = delivery.refusals.length > 0 ? `; ${delivery.refusals.join('; ')}` : '';
    delivery.reject(
      new PrivateDataError(
        'delivery-failed',
        `${failure} without a stored copy at ${[...delivery.waiting].join(', ')}${refusals}; the transaction was not submitted`,
      ),
    );
  }

  /**
   * A member's signed read: the record, if this node holds it for a committed transaction and
   * the reader is a member of this node's organisation, itself a recipient.
   */
  async read(
    txId: Uint8Array,
    headers: IncomingHeaders,
  ): Promise<{ reader: PrivateReader; record: PrivateRecord }> {
    const reader = await verifyPrivateRead(headers, {
      suite: this.opts.suite,
      chainId: this.opts.chainId,
      txId,
      nowMs: Date.now(),
      skewMs: this.opts.readSkewMs ?? DEFAULT_READ_SKEW_MS,
      verifyMember: this.deps.verifyMember,
    });
    const notFound = (why: string) =>
      new PrivateDataError('not-found', `no private payload of tx ${toHex(txId)} here: ${why}`);
    if (!this.deps.isCommitted(txId)) throw notFound('no such committed transaction');
    const record = this.deps.store.get(txId);
    if (record !== undefined) {
      authorizePrivateRead(reader, { nodeOrg: this.opts.org, recipients: record.recipients });
      return { reader, record };
    }
    const tx = this.deps.committedTransaction(txId);
    const commitment = tx === undefined ? undefined : safeCommitment(tx);
    if (commitment === undefined) throw notFound('the transaction is not private');
    authorizePrivateRead(reader, { nodeOrg: this.opts.org, recipients: commitment.recipients });
    throw notFound('the envelope was not delivered to this node');
  }
}

function safeCommitment(tx: Transaction): PrivateCommitment | undefined {
  try {
    return readPrivateCommitment(tx.body.args);
  } catch {
    return undefined;
  }
}

function recipientsRefused(message: string): PrivateDataError {
  return new PrivateDataError('recipients-refused', message, { field: 'args.private.recipients' });
}
