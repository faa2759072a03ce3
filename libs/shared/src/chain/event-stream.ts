/**
 * The committed blocks of the chain, in height order, from a WebSocket subscription to a node
 * (`GET /v1/events?fromHeight&contract&type`), as an async iterator.
 *
 * Invariant: the iterator yields strictly consecutive heights, each exactly once, starting at
 * `fromHeight` when given. The node promises the same; the client does not rely on it: a
 * message whose height is not `last + 1` (a gap or a repeat) is a protocol error, and like a
 * dropped connection, a silent node (no message or ping for `idleTimeoutMs`) or an unreadable
 * message it makes the stream reconnect — to the next node, after a jittered backoff — asking
 * for `last + 1`, the first height it has not received in full.
 *
 * A subscription the node refuses (`{"kind":"error"}`, close 1008: a bad query) is final: the
 * iterator ends by throwing ChainError `stream-rejected` after the blocks already received.
 *
 * Backpressure: when `highWaterMark` blocks wait to be consumed, the socket is paused (TCP
 * flow control then slows the node), and resumed once the consumer has taken half of them.
 *
 * Without `fromHeight`, the node starts at its next block, and a reconnection before the first
 * block again asks for "the next block": blocks committed in between are not seen. Pass
 * `fromHeight` whenever every block matters (projections do).
 */
import { Backoff, type BackoffOptions } from '@trellis/chain-core';
import WebSocket from 'ws';
import { type ChainBlock, type EventFilter, checkEventFilter, parseStreamMessage } from './blocks';
import { ChainError, invalidArgument, messageOf } from './errors';
import { checkBackoff, checkInteger, checkNodes } from './options';
import { ResponseProblem } from './responses';

export interface EventStreamOptions extends EventFilter {
  /** Base URLs of the nodes (http(s)://…; the stream uses ws(s)://… on the same address). */
  readonly nodes: readonly string[];
  /** The first height to yield; default: the node's next block. */
  readonly fromHeight?: bigint;
  /** Delays between reconnections (default 250 ms … 10 s, equal jitter). */
  readonly backoff?: BackoffOptions;
  /** A node silent for this long (no block, no ping) is dropped, ms (default 45 000: 3 pings). */
  readonly idleTimeoutMs?: number;
  /** WebSocket opening handshake timeout, ms (default 10 000). */
  readonly connectTimeoutMs?: number;
  /** Received blocks buffered before the socket is paused (default 64). */
  readonly highWaterMark?: number;
  /** Largest message accepted, bytes (default 64 MiB); a larger one drops the connection. */
  readonly maxMessageBytes?: number;
  /** Connection facts, for logs and metrics. Must not throw. */
  readonly onNotice?: (notice: StreamNotice) => void;
}

export type StreamNotice =
  | { readonly kind: 'connected'; readonly node: string; readonly fromHeight: bigint | undefined }
  | {
      readonly kind: 'disconnected';
      readonly node: string;
      readonly reason: string;
      readonly retryInMs: number;
    }
  | { readonly kind: 'protocol-error'; readonly node: string; readonly problem: string };

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 10_000 };
const U64_MAX = (1n << 64n) - 1n;

interface Waiter {
  resolve(result: IteratorResult<ChainBlock>): void;
  reject(error: Error): void;
}

export class EventStream implements AsyncIterableIterator<ChainBlock> {
  readonly nodes: readonly string[];
  readonly filter: EventFilter;
  readonly #fromHeight: bigint | undefined;
  readonly #backoff: Backoff;
  readonly #idleTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #highWaterMark: number;
  readonly #maxMessageBytes: number;
  readonly #onNotice: (notice: StreamNotice) => void;

  readonly #queue: ChainBlock[] = [];
  readonly #waiters: Waiter[] = [];
  #socket: WebSocket | undefined;
  #nodeIndex = 0;
  #last: bigint | undefined;
  #started = false;
  #closed = false;
  #failure: Error | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #reconnects = 0;
  #protocolErrors = 0;
  /** Drops the current connection, recording why (for the `disconnected` notice). */
  #drop: (why: string) => void = () => undefined;

  constructor(options: EventStreamOptions) {
    if (typeof options !== 'object' || options === null) {
      throw invalidArgument('options', 'expected { nodes, … }');
    }
    this.nodes = checkNodes(options.nodes, 'options.nodes');
    this.filter = checkEventFilter(
      { contracts: options.contracts, types: options.types },
      'options',
    );
    if (
      options.fromHeight !== undefined &&
      (typeof options.fromHeight !== 'bigint' ||
        options.fromHeight < 0n ||
        options.fromHeight > U64_MAX)
    ) {
      throw invalidArgument('options.fromHeight', 'expected a bigint in [0, 2^64-1]');
    }
    this.#fromHeight = options.fromHeight;
    this.#backoff = new Backoff(checkBackoff(options.backoff, 'options.backoff', DEFAULT_BACKOFF));
    this.#idleTimeoutMs = checkInteger(
      options.idleTimeoutMs,
      'options.idleTimeoutMs',
      10,
      3_600_000,
      45_000,
    );
    this.#connectTimeoutMs = checkInteger(
      options.connectTimeoutMs,
      'options.connectTimeoutMs',
      10,
      600_000,
      10_000,
    );
    this.#highWaterMark = checkInteger(
      options.highWaterMark,
      'options.highWaterMark',
      1,
      100_000,
      64,
    );
    this.#maxMessageBytes = checkInteger(
      options.maxMessageBytes,
      'options.maxMessageBytes',
      1024,
      1024 * 1024 * 1024,
      64 * 1024 * 1024,
    );
    if (options.onNotice !== undefined && typeof options.onNotice !== 'function') {
      throw invalidArgument('options.onNotice', 'expected a function');
    }
    this.#onNotice = options.onNotice ?? (() => undefined);
  }

  /** The last height received in full (yielded or buffered), if any. */
  get lastHeight(): bigint | undefined {
    return this.#last;
  }

  /** Connections opened after the first. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** Messages that broke the contract (gaps, repeats, unreadable), each followed by a reconnect. */
  get protocolErrors(): number {
    return this.#protocolErrors;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ChainBlock>> {
    const block = this.#queue.shift();
    if (block !== undefined) {
      this.#resumeIfDrained();
      return Promise.resolve({ value: block, done: false });
    }
    if (this.#failure !== undefined) {
      const failure = this.#failure;
      this.close();
      return Promise.reject(failure);
    }
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    if (!this.#started) {
      this.#started = true;
      this.#connect();
    }
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Ends the iteration (`for await … break` calls this): closes the connection. */
  return(): Promise<IteratorResult<ChainBlock>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Closes the connection and ends the iteration; pending `next()` calls resolve done. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    clearTimeout(this.#idleTimer);
    clearTimeout(this.#reconnectTimer);
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.terminate();
    for (const waiter of this.#waiters.splice(0)) waiter.resolve({ value: undefined, done: true });
  }

  #url(node: string, fromHeight: bigint | undefined): string {
    const url = new URL(`${node}/v1/events`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (fromHeight !== undefined) url.searchParams.set('fromHeight', fromHeight.toString());
    if (this.filter.contracts) url.searchParams.set('contract', this.filter.contracts.join(','));
    if (this.filter.types) url.searchParams.set('type', this.filter.types.join(','));
    return url.toString();
  }

  #connect(): void {
    if (this.#closed) return;
    const node = this.nodes[this.#nodeIndex]!;
    const fromHeight = this.#last !== undefined ? this.#last + 1n : this.#fromHeight;
    const socket = new WebSocket(this.#url(node, fromHeight), {
      handshakeTimeout: this.#connectTimeoutMs,
      maxPayload: this.#maxMessageBytes,
      perMessageDeflate: false,
    });
    this.#socket = socket;
    let reason = 'closed';
    let received = 0;
    const current = () => this.#socket === socket;
    let dropped = false;
    const drop = (why: string) => {
      // Frames already read may still be emitted after terminate(): they are ignored.
      dropped = true;
      reason = why;
      socket.terminate();
    };
    socket.on('open', () => {
      if (!current()) return;
      this.#armIdle(socket, drop);
      this.#notice({ kind: 'connected', node, fromHeight });
    });
    socket.on('ping', () => current() && this.#armIdle(socket, drop));
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (!current() || dropped || this.#failure !== undefined) return;
      this.#armIdle(socket, drop);
      const problem = this.#receive(node, socket, data, isBinary);
      if (problem === undefined) {
        received += 1;
        if (received === 1) this.#backoff.reset();
      } else if (problem !== 'rejected') {
        this.#protocolErrors += 1;
        this.#notice({ kind: 'protocol-error', node, problem });
        drop(`protocol error: ${problem}`);
      }
    });
    this.#drop = drop;
    socket.on('error', (error: Error) => {
      reason = messageOf(error);
    });
    socket.on('close', (code: number) => {
      if (!current()) return;
      this.#socket = undefined;
      clearTimeout(this.#idleTimer);
      if (this.#failure !== undefined) {
        this.#failWaiters();
        return;
      }
      if (this.#closed) return;
      this.#scheduleReconnect(node, reason === 'closed' ? `closed (${code})` : reason);
    });
  }

  /** Handles one message: undefined when it was a block in order, else what was wrong. */
  #receive(
    node: string,
    socket: WebSocket,
    data: WebSocket.RawData,
    isBinary: boolean,
  ): string | undefined {
    if (isBinary) return 'a binary message (the stream sends JSON text)';
    let message: ReturnType<typeof parseStreamMessage>;
    try {
      message = parseStreamMessage(rawText(data));
    } catch (error) {
      if (error instanceof ResponseProblem) return error.message;
      throw error;
    }
    if (message.kind === 'error') {
      this.#failure = new ChainError(
        'stream-rejected',
        { node, code: message.code, detail: message.detail },
        `chain: ${node} refused the event subscription: ${message.code}: ${message.detail}`,
      );
      socket.close();
      return 'rejected';
    }
    const { height } = message.block;
    const expected = this.#last !== undefined ? this.#last + 1n : this.#fromHeight;
    if (expected !== undefined && height !== expected) {
      return height < expected
        ? `height ${height} again (expected ${expected})`
        : `height ${height} skips ${expected}..${height - 1n}`;
    }
    this.#last = height;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      waiter.resolve({ value: message.block, done: false });
    } else {
      this.#queue.push(message.block);
      if (this.#queue.length >= this.#highWaterMark && !socket.isPaused) {
        socket.pause();
        clearTimeout(this.#idleTimer); // a paused socket reads no pings
      }
    }
    return undefined;
  }

  #resumeIfDrained(): void {
    const socket = this.#socket;
    if (socket?.isPaused && this.#queue.length <= this.#highWaterMark / 2) {
      socket.resume();
      this.#armIdle(socket, this.#drop);
    }
  }

  #armIdle(socket: WebSocket, drop: (why: string) => void): void {
    clearTimeout(this.#idleTimer);
    if (socket.isPaused) return;
    this.#idleTimer = setTimeout(() => {
      if (this.#socket === socket) drop(`no message or ping for ${this.#idleTimeoutMs} ms`);
    }, this.#idleTimeoutMs);
  }

  #scheduleReconnect(node: string, reason: string): void {
    const retryInMs = this.#backoff.next();
    this.#notice({ kind: 'disconnected', node, reason, retryInMs });
    this.#nodeIndex = (this.#nodeIndex + 1) % this.nodes.length;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnects += 1;
      this.#connect();
    }, retryInMs);
  }

  /** After a final failure: pending `next()` calls reject once the queue is consumed. */
  #failWaiters(): void {
    const failure = this.#failure!;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(failure);
  }

  #notice(notice: StreamNotice): void {
    try {
      this.#onNotice(notice);
    } catch (_error) {
      // A logging callback must not break the stream.
    }
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
