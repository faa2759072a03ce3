/**
 * The configuration of a `PeerNetwork`: its public types, their defaults, and the checks that
 * turn what a caller passes into a validated, complete `NetConfig` (each bad value named).
 */
import { createSecureContext } from 'node:tls';
import { type BackoffOptions, checkBackoffOptions } from './backoff';
import { FRAME_HEADER_BYTES } from './frame-codec';
import { invalidArgument } from './net-error';

/** Where to dial a peer. `id` is the node's name for it (e.g. hex of its consensus key). */
export interface PeerAddress {
  readonly id: string;
  readonly host: string;
  readonly port: number;
}

/** The node's verdict on a peer certificate: the peer's id, or why it may not connect. */
export type AuthorizeResult = { readonly id: string } | { readonly refused: string };

/**
 * Called with the DER of every peer certificate that passed OpenSSL's chain validation, on both
 * sides of every connection. The node checks membership, revocation, kind `node` and that the
 * certificate names a current validator or observer.
 */
export type Authorizer = (peerCertificateDer: Uint8Array) => Promise<AuthorizeResult>;

/** Log levels: `debug` for routine connection churn, `info` for peers up and down, `warn` for refusals. */
export type NetLogLevel = 'debug' | 'info' | 'warn';
/** A structured log sink (e.g. a pino logger's methods behind one function). */
export type NetLog = (level: NetLogLevel, msg: string, fields?: Record<string, unknown>) => void;

/** PEM texts: our node key and certificate, and the member organisations' root CAs. */
export interface NetTlsOptions {
  readonly key: string;
  readonly certificate: string;
  readonly caCertificates: readonly string[];
}

/** What a `PeerNetwork` is (first constructor argument); checked and completed by `resolveConfig`. */
export interface PeerNetworkOptions {
  /** Our peer id. */
  readonly self: string;
  /** Where to accept connections; observers may leave it out (they only dial). */
  readonly listen?: { readonly host: string; readonly port: number };
  readonly tls: NetTlsOptions;
  /**
   * Largest payload, either way (default 16 MiB, at least 64). A larger received frame closes
   * the link (logged); a larger frame to send is not sent (`send` returns false, logged).
   */
  readonly maxFrameBytes?: number;
  /** Bound of one peer's unsent bytes (default 4 × (maxFrameBytes + 4)); at least one frame. */
  readonly maxQueuedBytesPerPeer?: number;
  /** Reconnection backoff (default 250 ms doubling to 30 s). */
  readonly reconnect?: BackoffOptions;
  /** From TCP connection to both hellos exchanged (default 10 s). */
  readonly handshakeTimeoutMs?: number;
}

/** What a `PeerNetwork` calls (second constructor argument). Exceptions thrown by the callbacks are logged, never propagated. */
export interface PeerNetworkDeps {
  readonly authorize: Authorizer;
  /** A frame from an authorised peer. The bytes are the receiver's to keep. */
  readonly onFrame: (peerId: string, frame: Uint8Array) => void;
  /** A peer became reachable (`up`) or unreachable. */
  readonly onPeer?: (peerId: string, up: boolean) => void;
  readonly log?: NetLog;
}

/** Counters since `start`; `queueBytes` holds each linked peer's unsent bytes. */
export interface NetStats {
  readonly connected: number;
  /** Refusals by reason: `tls:<OpenSSL code>`, an authorizer's reason, `unexpected-peer`, … */
  readonly refused: Record<string, number>;
  readonly framesIn: number;
  readonly framesOut: number;
  /** Payload bytes (length prefixes not counted). */
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly queueBytes: Record<string, number>;
}

/** Default `maxFrameBytes`: 16 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** Default reconnection backoff: 250 ms doubling up to 30 s. */
export const DEFAULT_RECONNECT: BackoffOptions = Object.freeze({ initialMs: 250, maxMs: 30_000 });
/** Default time from TCP connection to both hellos exchanged. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
const MAX_ID_LENGTH = 256;

/** The node:tls options both the server and the dialler use. */
export interface NetTlsContext {
  readonly key: string;
  readonly cert: string;
  readonly ca: string[];
  readonly minVersion: 'TLSv1.3';
  readonly maxVersion: 'TLSv1.3';
}

/** Smallest `maxFrameBytes` (a hello must fit). */
export const MIN_FRAME_BYTES = 64;

/** A validated configuration with every default applied. */
export interface NetConfig {
  readonly self: string;
  readonly listen: { readonly host: string; readonly port: number } | undefined;
  /** Options for node:tls (server and client alike): TLS 1.3 only, the member CAs as anchors. */
  readonly tls: NetTlsContext;
  readonly maxFrameBytes: number;
  readonly maxQueuedBytesPerPeer: number;
  readonly reconnect: BackoffOptions;
  readonly handshakeTimeoutMs: number;
}

/** Checks `opts` (each bad value named) and applies the defaults. */
export function resolveConfig(opts: PeerNetworkOptions): NetConfig {
  if (typeof opts !== 'object' || opts === null)
    throw invalidArgument('opts', 'expected an object');
  const self = checkPeerId(opts.self, 'opts.self');
  const listen =
    opts.listen === undefined
      ? undefined
      : {
          host: checkHost(opts.listen?.host, 'opts.listen.host'),
          port: checkPort(opts.listen?.port, 'opts.listen.port', 0),
        };
  const maxFrameBytes = checkInteger(
    opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    'opts.maxFrameBytes',
    MIN_FRAME_BYTES,
    0xffff_ffff,
  );
  const minQueue = maxFrameBytes + FRAME_HEADER_BYTES;
  const maxQueuedBytesPerPeer = checkInteger(
    opts.maxQueuedBytesPerPeer ?? 4 * minQueue,
    'opts.maxQueuedBytesPerPeer',
    minQueue,
    Number.MAX_SAFE_INTEGER,
  );
  return {
    self,
    listen,
    tls: tlsContextOf(opts.tls),
    maxFrameBytes,
    maxQueuedBytesPerPeer,
    reconnect: checkBackoffOptions(opts.reconnect ?? DEFAULT_RECONNECT, 'opts.reconnect'),
    handshakeTimeoutMs: checkInteger(
      opts.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      'opts.handshakeTimeoutMs',
      1,
      2 ** 31 - 1,
    ),
  };
}

/** Checks that the callbacks are functions. */
export function checkDeps(deps: PeerNetworkDeps): PeerNetworkDeps {
  if (typeof deps !== 'object' || deps === null)
    throw invalidArgument('deps', 'expected an object');
  for (const name of ['authorize', 'onFrame'] as const) {
    if (typeof deps[name] !== 'function')
      throw invalidArgument(`deps.${name}`, 'expected a function');
  }
  for (const name of ['onPeer', 'log'] as const) {
    if (deps[name] !== undefined && typeof deps[name] !== 'function') {
      throw invalidArgument(`deps.${name}`, 'expected a function or undefined');
    }
  }
  return deps;
}

/** A list of peers to keep links to: each entry checked, ids unique. */
export function checkPeers(peers: unknown): PeerAddress[] {
  if (!Array.isArray(peers))
    throw invalidArgument('peers', 'expected an array of { id, host, port }');
  const seen = new Set<string>();
  return peers.map((peer: unknown, index) => {
    const field = `peers[${index}]`;
    if (typeof peer !== 'object' || peer === null)
      throw invalidArgument(field, 'expected { id, host, port }');
    const { id, host, port } = peer as Partial<PeerAddress>;
    const address = {
      id: checkPeerId(id, `${field}.id`),
      host: checkHost(host, `${field}.host`),
      port: checkPort(port, `${field}.port`, 1),
    };
    if (seen.has(address.id))
      throw invalidArgument(`${field}.id`, `${JSON.stringify(address.id)} is listed twice`);
    seen.add(address.id);
    return address;
  });
}

/** A peer id: a string of 1..256 characters. */
export function checkPeerId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
    throw invalidArgument(
      field,
      `expected a string of 1..${MAX_ID_LENGTH} characters, got ${describe(value)}`,
    );
  }
  return value;
}

function checkHost(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253) {
    throw invalidArgument(field, `expected a host name or IP address, got ${describe(value)}`);
  }
  return value;
}

function checkPort(value: unknown, field: string, min: number): number {
  return checkInteger(value, field, min, 65_535);
}

function checkInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalidArgument(field, `${describe(value)} is not an integer in ${min}..${max}`);
  }
  return value;
}

/**
 * TLS 1.3 only, our key and certificate, and the member CAs as the only trust anchors (not the
 * system store). Building the context here reports a bad PEM or a key that does not match the
 * certificate at construction rather than at the first connection.
 */
function tlsContextOf(tls: NetTlsOptions | undefined): NetTlsContext {
  if (typeof tls !== 'object' || tls === null) {
    throw invalidArgument('opts.tls', 'expected { key, certificate, caCertificates }');
  }
  for (const name of ['key', 'certificate'] as const) {
    if (typeof tls[name] !== 'string' || !tls[name].includes('-----BEGIN')) {
      throw invalidArgument(`opts.tls.${name}`, 'expected PEM text');
    }
  }
  const cas = tls.caCertificates;
  if (!Array.isArray(cas) || cas.length === 0) {
    throw invalidArgument(
      'opts.tls.caCertificates',
      'expected a non-empty array of PEM certificates',
    );
  }
  cas.forEach((ca: unknown, index) => {
    if (typeof ca !== 'string' || !ca.includes('-----BEGIN CERTIFICATE-----')) {
      throw invalidArgument(`opts.tls.caCertificates[${index}]`, 'expected a PEM certificate');
    }
  });
  const context: NetTlsContext = {
    key: tls.key,
    cert: tls.certificate,
    ca: [...cas],
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
  };
  try {
    createSecureContext(context);
    return context;
  } catch (error) {
    throw invalidArgument(
      'opts.tls',
      `OpenSSL refused the key, certificate or CAs: ${(error as Error).message}`,
    );
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'number' ? String(value) : typeof value;
}
