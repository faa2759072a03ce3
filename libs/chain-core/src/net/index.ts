// Public face of the net layer (docs/architecture.md): opaque frames between peers over TCP with
// mutual TLS 1.3, each peer authorised by the node.
export { Backoff } from './backoff';
export type { BackoffOptions } from './backoff';
export { FRAME_HEADER_BYTES, FrameDecoder, frameHeader } from './frame-codec';
export { decideIncoming } from './link-choice';
export type { IncomingDecision, IncomingFacts } from './link-choice';
export { NetError } from './net-error';
export type { NetErrorCode, NetErrorMeta } from './net-error';
export {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_RECONNECT,
  MIN_FRAME_BYTES,
} from './net-options';
export type {
  AuthorizeResult,
  Authorizer,
  NetLog,
  NetLogLevel,
  NetStats,
  NetTlsOptions,
  PeerAddress,
  PeerNetworkDeps,
  PeerNetworkOptions,
} from './net-options';
export { HELLO_MAGIC } from './peer-link';
export { PeerNetwork } from './peer-network';
