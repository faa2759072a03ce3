/**
 * One TLS connection to a peer, from the TCP connection to its close: the hello exchange, the
 * frame decoder, and the bounded send queue with back-pressure.
 *
 * Wire protocol, after TLS 1.3 and authorization on each side: the dialler sends its hello, the
 * acceptor answers with its own once it has decided to keep the connection (it may close it as a
 * duplicate instead), then both send frames. A hello is a frame holding `HELLO_MAGIC` and the
 * sender's 16-byte instance nonce (random per `PeerNetwork`), so a peer that restarted is told
 * from a second connection of the same process. A link is `up` — usable for frames both ways —
 * only once each side has the other's hello, which proves that each side authorised the other.
 *
 * Invariants: no frame is read from the socket before the network authorised the peer (the
 * socket is not flowing until `authorised`); no application frame is delivered before `up`;
 * at most `maxQueuedBytes` (plus the socket's own buffer, at most its high-water mark and one
 * frame) are held for the peer; after `close` nothing is delivered or sent.
 */
import type { TLSSocket } from 'node:tls';
import { FRAME_HEADER_BYTES, FrameDecoder, frameHeader } from './frame-codec';
import { NetError } from './net-error';

/** The protocol name and version at the start of every hello. */
export const HELLO_MAGIC: Uint8Array = new TextEncoder().encode('trellis-net/1');
/** Length of the random instance nonce in a hello. */
export const INSTANCE_NONCE_BYTES = 16;
const HELLO_BYTES = HELLO_MAGIC.length + INSTANCE_NONCE_BYTES;

/** `handshake` until both hellos are through, then `up`, then `closed` for good. */
export type LinkPhase = 'handshake' | 'up' | 'closed';

/** Totals shared by every link of a network (`PeerNetwork.stats`). */
export interface LinkCounters {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
}

/** Why a link closed, as handed to `PeerLinkDeps.onClosed`. */
export interface LinkClose {
  readonly reason: string;
  readonly detail: string;
  /** A refusal of the peer (counted in `stats().refused`), not just a failure. */
  readonly refusal: boolean;
}

/** One connection's socket and limits. */
export interface PeerLinkOptions {
  readonly socket: TLSSocket;
  /** `out`: we dialled; `in`: the peer did. */
  readonly direction: 'out' | 'in';
  /** Known in advance for `out` links (the id we dialled). */
  readonly peerId?: string;
  /** Our instance nonce, sent in our hello. */
  readonly instance: Uint8Array;
  readonly maxFrameBytes: number;
  readonly maxQueuedBytes: number;
  readonly handshakeTimeoutMs: number;
}

/** What a link reports to its network; called synchronously from socket events. */
export interface PeerLinkDeps {
  /** The peer's hello arrived; the network now marks the link up or closes it. */
  readonly onHello: (link: PeerLink) => void;
  readonly onFrame: (link: PeerLink, frame: Uint8Array) => void;
  readonly onClosed: (link: PeerLink, close: LinkClose) => void;
  readonly counters: LinkCounters;
}

/** One connection to one peer; see the file comment for its protocol and invariants. */
export class PeerLink {
  readonly direction: 'out' | 'in';
  readonly remote: string;
  private id: string | undefined;
  private instance: string | undefined;
  private state: LinkPhase = 'handshake';
  private readonly decoder: FrameDecoder;
  private readonly queue: Uint8Array[] = [];
  private queued = 0;
  private waitingDrain = false;
  private reading = false;
  private lastError: string | undefined;
  private deadline: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: PeerLinkOptions,
    private readonly deps: PeerLinkDeps,
  ) {
    const { socket } = opts;
    this.direction = opts.direction;
    this.id = opts.peerId;
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.decoder = new FrameDecoder({ maxFrameBytes: opts.maxFrameBytes });
    this.deadline = setTimeout(
      () =>
        this.close(
          'handshake-timeout',
          `no authorised hello within ${opts.handshakeTimeoutMs} ms`,
          false,
        ),
      opts.handshakeTimeoutMs,
    );
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.lastError = error.code ?? error.message;
    });
    socket.on('close', () =>
      this.close(
        this.lastError === undefined ? 'peer-closed' : 'socket-error',
        this.lastError ?? 'the connection closed',
        false,
      ),
    );
    socket.on('drain', () => {
      this.waitingDrain = false;
      this.flush();
    });
  }

  /** Where the link is in its life; `closed` is final. */
  get phase(): LinkPhase {
    return this.state;
  }

  /** The authorised peer id (the dialled id for `out` links before authorization). */
  get peerId(): string | undefined {
    return this.id;
  }

  /** The peer's instance nonce (hex) from its hello. */
  get peerInstance(): string | undefined {
    return this.instance;
  }

  /** Bytes accepted by `send` and not yet handed to the kernel. */
  get queueBytes(): number {
    return this.state === 'closed' ? 0 : this.queued + this.opts.socket.writableLength;
  }

  /** The network authorised the peer as `peerId`: read its frames from now on. */
  authorised(peerId: string): void {
    if (this.state !== 'handshake' || this.reading) return;
    this.id = peerId;
    this.reading = true;
    this.opts.socket.setNoDelay(true);
    this.opts.socket.setKeepAlive(true, 10_000);
    this.opts.socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** Writes our hello (the dialler right after authorising, the acceptor on deciding to keep). */
  sendHello(): void {
    if (this.state !== 'handshake') return;
    const hello = new Uint8Array(HELLO_BYTES);
    hello.set(HELLO_MAGIC, 0);
    hello.set(this.opts.instance, HELLO_MAGIC.length);
    this.opts.socket.write(frameHeader(hello.length));
    this.opts.socket.write(hello);
  }

  /** Both hellos are through: frames flow. */
  markUp(): void {
    if (this.state !== 'handshake') return;
    this.state = 'up';
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  /** Queues `frame` (by reference: the caller must not change it). False: not up, or queue full. */
  send(frame: Uint8Array): boolean {
    if (this.state !== 'up') return false;
    const size = FRAME_HEADER_BYTES + frame.length;
    if (this.queued + this.opts.socket.writableLength + size > this.opts.maxQueuedBytes) {
      return false;
    }
    this.queue.push(frame);
    this.queued += size;
    this.flush();
    return true;
  }

  /** Destroys the connection; `deps.onClosed` runs once, synchronously, on the first call. */
  close(reason: string, detail: string, refusal: boolean): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.deadline);
    this.deadline = undefined;
    this.queue.length = 0;
    this.queued = 0;
    this.opts.socket.destroy();
    this.deps.onClosed(this, { reason, detail, refusal });
  }

  /**
   * Hands queued frames to the socket until it asks us to wait ('drain'). Corked, so that many
   * small frames leave in few TLS records.
   */
  private flush(): void {
    if (this.waitingDrain || this.state !== 'up' || this.queue.length === 0) return;
    const { socket } = this.opts;
    const counters = this.deps.counters;
    socket.cork();
    let frame: Uint8Array | undefined;
    while (!this.waitingDrain && (frame = this.queue.shift()) !== undefined) {
      let room = socket.write(frameHeader(frame.length));
      if (frame.length > 0) room = socket.write(frame);
      this.queued -= FRAME_HEADER_BYTES + frame.length;
      counters.framesOut += 1;
      counters.bytesOut += frame.length;
      if (!room) this.waitingDrain = true;
    }
    socket.uncork();
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    let frames: Uint8Array[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      if (error instanceof NetError && error.code === 'frame-too-large') {
        this.close('frame-too-large', error.message, false);
        return;
      }
      throw error;
    }
    for (const frame of frames) {
      // A callback (onHello, onFrame) may have closed the link: re-read the phase.
      if (this.phase === 'closed') return;
      if (this.instance === undefined) this.onHello(frame);
      else if (this.state === 'up') this.deliver(frame);
      else
        this.close('protocol-violation', 'a frame arrived before the hello exchange ended', true);
    }
  }

  private onHello(frame: Uint8Array): void {
    const magic = frame.subarray(0, HELLO_MAGIC.length);
    if (frame.length !== HELLO_BYTES || !magic.every((byte, i) => byte === HELLO_MAGIC[i])) {
      this.close('bad-hello', `the first frame (${frame.length} bytes) is not a hello`, true);
      return;
    }
    this.instance = Buffer.from(frame.subarray(HELLO_MAGIC.length)).toString('hex');
    this.deps.onHello(this);
  }

  private deliver(frame: Uint8Array): void {
    this.deps.counters.framesIn += 1;
    this.deps.counters.bytesIn += frame.length;
    this.deps.onFrame(this, frame);
  }
}
