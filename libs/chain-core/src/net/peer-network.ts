/**
 * `PeerNetwork`: opaque frames between authenticated peers over TCP with mutual TLS 1.3.
 *
 * Every connection, accepted or dialled, is validated by OpenSSL against the member CAs and then
 * always by the node's authorizer, which names the peer. The node decides what frames mean.
 *
 * At most one link per peer is up, and both ends agree which (see `onHello`): when both sides
 * dial at once the connection dialled by the smaller id (code-unit order) is kept, decided by
 * the acceptor before it answers the dialler's hello, so no frame ever travels on a connection
 * that is then dropped and order per peer is the order of the one link. A second connection
 * from a peer whose hello carries another instance nonce means the peer restarted: it replaces
 * the old link. Peers in the list are dialled and redialled forever with exponential backoff
 * and jitter; peers not in the list may still connect if the authorizer lets them (observers).
 */
import { randomBytes } from 'node:crypto';
import { connect, type TLSSocket } from 'node:tls';
import { authenticatePeer } from './authenticate';
import { Backoff } from './backoff';
import { decideIncoming } from './link-choice';
import { type Listener, openListener } from './listener';
import { NetError, frameTooLarge, invalidArgument } from './net-error';
import {
  checkDeps,
  checkPeers,
  type NetConfig,
  type NetLog,
  type NetStats,
  type PeerAddress,
  type PeerNetworkDeps,
  type PeerNetworkOptions,
  resolveConfig,
} from './net-options';
import { INSTANCE_NONCE_BYTES, type LinkClose, type LinkCounters, PeerLink } from './peer-link';

interface PeerEntry {
  readonly id: string;
  /** Set while the peer is in the list given to `setPeers`: we keep dialling it. */
  address: PeerAddress | undefined;
  active: PeerLink | undefined;
  /** Our outgoing connection in progress (at most one). */
  dialling: PeerLink | undefined;
  timer: NodeJS.Timeout | undefined;
  readonly backoff: Backoff;
  upSince: number;
}

type Lifecycle = 'new' | 'starting' | 'running' | 'stopped';

const NO_LOG: NetLog = () => undefined;

/**
 * Links to the listed peers (and to whoever else the authorizer admits), frames in and out.
 * Lifecycle: construct (options checked) → `setPeers` any time → `start` once → `stop`.
 */
export class PeerNetwork {
  private readonly config: NetConfig;
  private readonly deps: PeerNetworkDeps;
  private readonly log: NetLog;
  private readonly instance = randomBytes(INSTANCE_NONCE_BYTES);
  private readonly entries = new Map<string, PeerEntry>();
  private readonly links = new Set<PeerLink>();
  private readonly counters: LinkCounters = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0 };
  private readonly refusals = new Map<string, number>();
  private lifecycle: Lifecycle = 'new';
  private listener: Listener | undefined;
  private bound: { host: string; port: number } | undefined;

  constructor(opts: PeerNetworkOptions, deps: PeerNetworkDeps) {
    this.config = resolveConfig(opts);
    this.deps = checkDeps(deps);
    this.log = deps.log ?? NO_LOG;
  }

  /** The actual listening address (port 0 resolved), once started; undefined for a dialler only. */
  get address(): { host: string; port: number } | undefined {
    return this.bound === undefined ? undefined : { ...this.bound };
  }

  /** Listens (if configured), then dials every listed peer. Once only. */
  async start(): Promise<void> {
    this.requireLifecycle('new', 'start');
    this.lifecycle = 'starting';
    if (this.config.listen !== undefined) {
      try {
        await this.listen(this.config.listen);
      } catch (error) {
        this.lifecycle = 'new';
        throw error;
      }
    }
    if (this.lifecycle !== 'starting') return;
    this.lifecycle = 'running';
    for (const entry of this.entries.values()) this.dial(entry);
  }

  /** Closes every connection and the listener and stops reconnecting. Idempotent. */
  async stop(): Promise<void> {
    if (this.lifecycle === 'stopped') return;
    this.lifecycle = 'stopped';
    for (const entry of this.entries.values()) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    for (const link of [...this.links]) link.close('stopped', 'the network is stopping', false);
    await this.listener?.close();
  }

  /**
   * The peers to keep links to (our own id, if listed, is skipped). Peers no longer listed have
   * their links closed and are no longer dialled; new ones are dialled at once.
   */
  setPeers(peers: readonly PeerAddress[]): void {
    const listed = checkPeers(peers).filter((peer) => peer.id !== this.config.self);
    const ids = new Set(listed.map((peer) => peer.id));
    for (const entry of [...this.entries.values()]) {
      if (entry.address === undefined || ids.has(entry.id)) continue;
      entry.address = undefined;
      clearTimeout(entry.timer);
      entry.timer = undefined;
      for (const link of [...this.links]) {
        if (link.peerId === entry.id) link.close('removed', 'no longer in the peer list', false);
      }
      this.forgetIfIdle(entry);
    }
    for (const peer of listed) {
      const entry = this.entryFor(peer.id);
      entry.address = peer;
      this.dial(entry);
    }
  }

  /**
   * Queues `frame` for `peerId` (by reference: do not change it afterwards). False, with nothing
   * queued, when the peer is not connected or its queue would pass `maxQueuedBytesPerPeer`.
   * A frame over `maxFrameBytes` is not sent either (false, and a warning naming the sizes):
   * the peer would close the link on it. Throws only for arguments of the wrong type.
   */
  send(peerId: string, frame: Uint8Array): boolean {
    if (typeof peerId !== 'string') throw invalidArgument('peerId', 'expected a string');
    if (!this.sendable(frame, peerId)) return false;
    return this.entries.get(peerId)?.active?.send(frame) ?? false;
  }

  /** `send` to every connected peer but those in `except`; a full queue skips that peer. */
  broadcast(frame: Uint8Array, except: readonly string[] = []): void {
    if (!Array.isArray(except) || except.some((id) => typeof id !== 'string')) {
      throw invalidArgument('except', 'expected an array of peer ids');
    }
    if (!this.sendable(frame, 'broadcast')) return;
    for (const entry of this.entries.values()) {
      if (entry.active !== undefined && !except.includes(entry.id)) entry.active.send(frame);
    }
  }

  /** Ids of the peers with a link up, sorted. */
  connectedPeers(): string[] {
    return [...this.entries.values()]
      .filter((entry) => entry.active !== undefined)
      .map((entry) => entry.id)
      .sort();
  }

  /** Counters since construction, and each connected peer's unsent bytes. */
  stats(): NetStats {
    const queueBytes: Record<string, number> = {};
    for (const entry of this.entries.values()) {
      if (entry.active !== undefined) queueBytes[entry.id] = entry.active.queueBytes;
    }
    return {
      connected: this.connectedPeers().length,
      refused: Object.fromEntries(this.refusals),
      ...this.counters,
      queueBytes,
    };
  }

  private async listen(at: { host: string; port: number }): Promise<void> {
    const listener = await openListener(at, this.config.tls, this.config.handshakeTimeoutMs, {
      onSecure: (socket) => this.accept(socket),
      onHandshakeFailed: (reason, detail, remote) =>
        this.countRefusal(reason, detail, { remote, direction: 'in' }),
      log: this.log,
    });
    this.listener = listener;
    this.bound = { host: at.host, port: listener.port };
    if (this.lifecycle === 'stopped') await listener.close();
  }

  private accept(socket: TLSSocket): void {
    if (this.lifecycle !== 'running') {
      socket.destroy();
      return;
    }
    const link = this.newLink(socket, 'in', undefined);
    this.authenticateLater(link, socket, undefined);
  }

  /** Dials a listed peer now, unless it is linked, being dialled, or waiting for its backoff. */
  private dial(entry: PeerEntry): void {
    const address = entry.address;
    if (this.lifecycle !== 'running' || address === undefined) return;
    if (entry.active !== undefined || entry.dialling !== undefined || entry.timer !== undefined)
      return;
    const socket = connect({
      ...this.config.tls,
      host: address.host,
      port: address.port,
      rejectUnauthorized: false,
      // Authorization replaces host-name checks: the authorizer must name the dialled peer.
      checkServerIdentity: () => undefined,
    });
    const link = this.newLink(socket, 'out', entry.id);
    entry.dialling = link;
    this.log('debug', 'dialling', { peer: entry.id, host: address.host, port: address.port });
    socket.once('secureConnect', () => this.authenticateLater(link, socket, entry.id));
  }

  private newLink(
    socket: TLSSocket,
    direction: 'in' | 'out',
    peerId: string | undefined,
  ): PeerLink {
    const link = new PeerLink(
      {
        socket,
        direction,
        peerId,
        instance: this.instance,
        maxFrameBytes: this.config.maxFrameBytes,
        maxQueuedBytes: this.config.maxQueuedBytesPerPeer,
        handshakeTimeoutMs: this.config.handshakeTimeoutMs,
      },
      {
        onHello: (l) => this.onHello(l),
        onFrame: (l, frame) => this.onFrame(l, frame),
        onClosed: (l, close) => this.onClosed(l, close),
        counters: this.counters,
      },
    );
    this.links.add(link);
    return link;
  }

  private authenticateLater(link: PeerLink, socket: TLSSocket, expected: string | undefined): void {
    this.authenticate(link, socket, expected).catch((error: unknown) =>
      link.close('internal-error', `authentication failed: ${String(error)}`, false),
    );
  }

  private async authenticate(
    link: PeerLink,
    socket: TLSSocket,
    expected: string | undefined,
  ): Promise<void> {
    const verdict = await authenticatePeer(socket, this.deps.authorize, this.config.self, expected);
    if (link.phase !== 'handshake') return;
    if (this.lifecycle !== 'running') {
      link.close('stopped', 'the network is stopping', false);
    } else if (!verdict.ok) {
      link.close(verdict.reason, verdict.detail, true);
    } else {
      link.authorised(verdict.peerId);
      if (link.direction === 'in') return;
      // The dialler: an incoming link from the peer may have come up meanwhile.
      if (this.entries.get(verdict.peerId)?.active !== undefined) {
        link.close('duplicate', `already linked to ${verdict.peerId}`, false);
      } else {
        link.sendHello();
      }
    }
  }

  /**
   * The peer's hello arrived. Dialler: the acceptor kept the connection, it is up. Acceptor:
   * decide now, before answering, which connection both ends keep (`decideIncoming`).
   */
  private onHello(link: PeerLink): void {
    const peerId = link.peerId as string;
    const entry = this.entryFor(peerId);
    if (link.direction === 'out') {
      if (entry.dialling !== link || entry.active !== undefined) {
        link.close('duplicate', `no longer dialling ${peerId}`, false);
        return;
      }
      entry.dialling = undefined;
      this.activate(entry, link);
      return;
    }
    const active = entry.active;
    const decision = decideIncoming({
      self: this.config.self,
      peerId,
      instance: link.peerInstance as string,
      dialling: entry.dialling !== undefined,
      active:
        active === undefined
          ? undefined
          : { direction: active.direction, instance: active.peerInstance as string },
    });
    if (!decision.keep) {
      link.close('duplicate', decision.detail, false);
      return;
    }
    if (decision.dropDial !== undefined)
      entry.dialling?.close('duplicate', decision.dropDial, false);
    if (decision.dropActive !== undefined) active?.close('superseded', decision.dropActive, false);
    link.sendHello();
    // The closes above may have dropped the entry of an unlisted peer: look it up again.
    this.activate(this.entryFor(peerId), link);
  }

  private activate(entry: PeerEntry, link: PeerLink): void {
    link.markUp();
    entry.active = link;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.upSince = Date.now();
    this.log('info', 'peer up', { peer: entry.id, remote: link.remote, direction: link.direction });
    this.notifyPeer(entry.id, true);
  }

  private onFrame(link: PeerLink, frame: Uint8Array): void {
    try {
      this.deps.onFrame(link.peerId as string, frame);
    } catch (error) {
      this.log('warn', 'onFrame threw', { peer: link.peerId, error: String(error) });
    }
  }

  private onClosed(link: PeerLink, close: LinkClose): void {
    this.links.delete(link);
    const fields = {
      peer: link.peerId,
      remote: link.remote,
      reason: close.reason,
      detail: close.detail,
    };
    if (close.refusal) {
      this.countRefusal(close.reason, close.detail, {
        remote: link.remote,
        direction: link.direction,
        peer: link.peerId,
      });
    }
    const entry = link.peerId === undefined ? undefined : this.entries.get(link.peerId);
    if (entry === undefined) return;
    if (entry.dialling === link) entry.dialling = undefined;
    if (entry.active === link) {
      entry.active = undefined;
      if (Date.now() - entry.upSince >= this.config.reconnect.maxMs) entry.backoff.reset();
      this.log(close.reason === 'frame-too-large' ? 'warn' : 'info', 'peer down', fields);
      this.notifyPeer(entry.id, false);
    } else if (!close.refusal) {
      this.log('debug', 'connection closed', fields);
    }
    this.scheduleDial(entry);
    this.forgetIfIdle(entry);
  }

  private scheduleDial(entry: PeerEntry): void {
    if (this.lifecycle !== 'running' || entry.address === undefined) return;
    if (entry.active !== undefined || entry.dialling !== undefined || entry.timer !== undefined)
      return;
    const attempt = entry.backoff.attempts;
    const delayMs = entry.backoff.next();
    this.log('debug', 'redial scheduled', { peer: entry.id, attempt, delayMs });
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      this.dial(entry);
    }, delayMs);
  }

  private entryFor(id: string): PeerEntry {
    let entry = this.entries.get(id);
    if (entry === undefined) {
      entry = {
        id,
        address: undefined,
        active: undefined,
        dialling: undefined,
        timer: undefined,
        backoff: new Backoff(this.config.reconnect),
        upSince: 0,
      };
      this.entries.set(id, entry);
    }
    return entry;
  }

  /** Drops the entry of an unlisted peer with nothing left (observers that went away). */
  private forgetIfIdle(entry: PeerEntry): void {
    if (entry.address === undefined && entry.active === undefined && entry.dialling === undefined) {
      clearTimeout(entry.timer);
      this.entries.delete(entry.id);
    }
  }

  private countRefusal(reason: string, detail: string, where: Record<string, unknown>): void {
    this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1);
    this.log('warn', 'connection refused', { reason, detail, ...where });
  }

  private notifyPeer(peerId: string, up: boolean): void {
    try {
      this.deps.onPeer?.(peerId, up);
    } catch (error) {
      this.log('warn', 'onPeer threw', { peer: peerId, up, error: String(error) });
    }
  }

  /** A Uint8Array (else throws) within `maxFrameBytes` (else logs why it is not sent). */
  private sendable(frame: unknown, to: string): frame is Uint8Array {
    if (!(frame instanceof Uint8Array)) throw invalidArgument('frame', 'expected a Uint8Array');
    if (frame.length <= this.config.maxFrameBytes) return true;
    const error = frameTooLarge(frame.length, this.config.maxFrameBytes);
    this.log('warn', 'frame not sent', { to, ...error.meta, detail: error.message });
    return false;
  }

  private requireLifecycle(expected: Lifecycle, operation: string): void {
    if (this.lifecycle !== expected) {
      throw new NetError(
        'invalid-state',
        { state: this.lifecycle, operation },
        `net: cannot ${operation} a network that is ${this.lifecycle} (expected ${expected})`,
      );
    }
  }
}
