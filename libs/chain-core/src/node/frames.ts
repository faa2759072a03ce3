/**
 * The node-to-node protocol over a `PeerNetwork` link (docs/spec/node.md §3): one frame is one
 * CBOR envelope `{ kind, body }`. Consensus messages travel as their own encoding; batches
 * ahead of consensus; committed blocks for block sync. Every frame is untrusted input:
 * `decodeFrame` checks sizes and shapes, and the node verifies signatures before use.
 */
import { RecordSchema, bytes, hash32, list, oneOf, optional, text, u64 } from '../codec';
import { MAX_ENVELOPE_BYTES } from '../private';
import { MAX_MESSAGE_BYTES } from '../consensus';
import { limits } from '../types';

export const FRAME_KINDS = [
  'consensus',
  'batch',
  'batch-request',
  'batch-response',
  'sync-request',
  'sync-response',
  'status',
  'private-envelope',
  'private-ack',
] as const;
export type FrameKind = (typeof FRAME_KINDS)[number];

/** The largest frame: a sync response of blocks with their batches. */
export const MAX_FRAME_BYTES = 32 * 1024 * 1024;
/** Most batch digests asked for in one request. */
export const MAX_BATCH_REQUEST = 256;
/** Most committed blocks in one sync response. */
export const MAX_SYNC_BLOCKS = 64;

interface Envelope {
  readonly kind: FrameKind;
  readonly body: Uint8Array;
}
const EnvelopeSchema = new RecordSchema<Envelope>('Frame', {
  kind: oneOf(...FRAME_KINDS),
  body: bytes(0, MAX_FRAME_BYTES),
});

export interface BatchRequest {
  readonly digests: readonly Uint8Array[];
}
const BatchRequestSchema = new RecordSchema<BatchRequest>('BatchRequest', {
  digests: list(hash32, MAX_BATCH_REQUEST),
});

export interface BatchResponse {
  readonly batches: readonly Uint8Array[];
}
const BatchResponseSchema = new RecordSchema<BatchResponse>('BatchResponse', {
  batches: list(bytes(0, limits.MAX_BATCH_BYTES), MAX_BATCH_REQUEST),
});

export interface SyncRequest {
  /** The first height wanted. */
  readonly from: bigint;
  readonly count: bigint;
}
const SyncRequestSchema = new RecordSchema<SyncRequest>('SyncRequest', {
  from: u64,
  count: u64,
});

/** A committed block as served to a syncing peer: the proposal and the batches it names. */
export interface SyncedBlock {
  readonly proposal: Uint8Array;
  readonly batches: readonly Uint8Array[];
}
const SyncedBlockSchema = new RecordSchema<SyncedBlock>('SyncedBlock', {
  proposal: bytes(0, 4 * 1024 * 1024),
  batches: list(bytes(0, limits.MAX_BATCH_BYTES), limits.MAX_BLOCK_BATCHES),
});

export interface SyncResponse {
  readonly blocks: readonly SyncedBlock[];
  /** The server's committed height. */
  readonly head: bigint;
  /** The QC of the server's newest committed block (present when `blocks` reaches it). */
  readonly headQc: Uint8Array | null;
}
const SyncResponseSchema = new RecordSchema<SyncResponse>('SyncResponse', {
  blocks: list(SyncedBlockSchema.asField(), MAX_SYNC_BLOCKS),
  head: u64,
  headQc: optional(bytes(0, 64 * 1024)),
});

export interface Status {
  readonly height: bigint;
  readonly epoch: bigint;
}
const StatusSchema = new RecordSchema<Status>('Status', { height: u64, epoch: u64 });

/** A private payload's envelope for a recipient validator, with the transaction it is for. */
export interface PrivateEnvelopeFrame {
  readonly transaction: Uint8Array;
  readonly envelope: Uint8Array;
}
const PrivateEnvelopeFrameSchema = new RecordSchema<PrivateEnvelopeFrame>('PrivateEnvelopeFrame', {
  transaction: bytes(1, limits.MAX_TRANSACTION_BYTES),
  envelope: bytes(1, MAX_ENVELOPE_BYTES),
});

/** A recipient's answer: stored (error null), or the PrivateDataError code it refused with. */
export interface PrivateAck {
  readonly txId: Uint8Array;
  readonly error: string | null;
}
const PrivateAckSchema = new RecordSchema<PrivateAck>('PrivateAck', {
  txId: hash32,
  error: optional(text(/^[a-z-]{1,40}$/, 40)),
});

export type Frame =
  | { readonly kind: 'consensus'; readonly message: Uint8Array }
  | { readonly kind: 'batch'; readonly batch: Uint8Array }
  | { readonly kind: 'batch-request'; readonly body: BatchRequest }
  | { readonly kind: 'batch-response'; readonly body: BatchResponse }
  | { readonly kind: 'sync-request'; readonly body: SyncRequest }
  | { readonly kind: 'sync-response'; readonly body: SyncResponse }
  | { readonly kind: 'status'; readonly body: Status }
  | { readonly kind: 'private-envelope'; readonly body: PrivateEnvelopeFrame }
  | { readonly kind: 'private-ack'; readonly body: PrivateAck };

export function encodeFrame(frame: Frame): Uint8Array {
  const body = (() => {
    switch (frame.kind) {
      case 'consensus':
        return frame.message;
      case 'batch':
        return frame.batch;
      case 'batch-request':
        return BatchRequestSchema.encode(frame.body);
      case 'batch-response':
        return BatchResponseSchema.encode(frame.body);
      case 'sync-request':
        return SyncRequestSchema.encode(frame.body);
      case 'sync-response':
        return SyncResponseSchema.encode(frame.body);
      case 'status':
        return StatusSchema.encode(frame.body);
      case 'private-envelope':
        return PrivateEnvelopeFrameSchema.encode(frame.body);
      case 'private-ack':
        return PrivateAckSchema.encode(frame.body);
    }
  })();
  return EnvelopeSchema.encode({ kind: frame.kind, body });
}

/** Untrusted bytes → a frame whose structure is checked (CodecError otherwise). */
export function decodeFrame(data: Uint8Array): Frame {
  const { kind, body } = EnvelopeSchema.decode(data, MAX_FRAME_BYTES + 64);
  switch (kind) {
    case 'consensus':
      if (body.length > MAX_MESSAGE_BYTES) throw new RangeError('consensus message too large');
      return { kind, message: body };
    case 'batch':
      return { kind, batch: body };
    case 'batch-request':
      return { kind, body: BatchRequestSchema.decode(body, body.length) };
    case 'batch-response':
      return { kind, body: BatchResponseSchema.decode(body, body.length) };
    case 'sync-request':
      return { kind, body: SyncRequestSchema.decode(body, body.length) };
    case 'sync-response':
      return { kind, body: SyncResponseSchema.decode(body, body.length) };
    case 'status':
      return { kind, body: StatusSchema.decode(body, body.length) };
    case 'private-envelope':
      return { kind, body: PrivateEnvelopeFrameSchema.decode(body, body.length) };
    case 'private-ack':
      return { kind, body: PrivateAckSchema.decode(body, body.length) };
  }
}
