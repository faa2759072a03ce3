import {
  CodecError,
  RecordSchema,
  bytes,
  equalBytes,
  hash32,
  list,
  oneOf,
  optional,
  u16,
} from '../codec';
import {
  BlockHeader,
  QuorumCertificate,
  Timeout,
  TimeoutCertificate,
  limits,
  type BlockHeader as BlockHeaderT,
  type QuorumCertificate as QuorumCertificateT,
  type Timeout as TimeoutT,
  type TimeoutCertificate as TimeoutCertificateT,
  type Vote as VoteT,
  Vote,
} from '../types';

/**
 * A block as its leader proposes it: the header, the QC of its parent, the TC that let the
 * leader enter the round when the previous round failed, and the leader's signature over
 * the block hash (`BlockHeader.hash`, tag `trellis/block-header/v1`).
 */
export interface Proposal {
  readonly header: BlockHeaderT;
  readonly qc: QuorumCertificateT;
  readonly tc: TimeoutCertificateT | null;
  readonly signature: Uint8Array;
}

export const ProposalSchema = new RecordSchema<Proposal>(
  'Proposal',
  {
    header: BlockHeader.schema.asField(),
    qc: QuorumCertificate.schema.asField(),
    tc: optional(TimeoutCertificate.schema.asField()),
    signature: bytes(limits.SIGNATURE_BYTES),
  },
  (p, path) => {
    const { header, qc, tc } = p;
    const bad = (message: string, field: string): never => {
      throw new CodecError('invalid', message, `${path}.${field}`);
    };
    if (header.height === 0n) bad('the genesis block is never proposed', 'header.height');
    if (qc.data.chainId !== header.chainId) bad('qc is of another chain', 'qc');
    if (qc.data.epoch !== header.epoch) bad(`qc is of epoch ${qc.data.epoch}`, 'qc');
    if (!equalBytes(qc.data.blockHash, header.parentHash)) bad('qc is not of the parent', 'qc');
    if (qc.data.height + 1n !== header.height) {
      bad(`qc is of height ${qc.data.height}, block of ${header.height}`, 'qc');
    }
    if (qc.data.round >= header.round) {
      bad(`qc round ${qc.data.round} is not below round ${header.round}`, 'qc');
    }
    if (tc !== null) {
      if (tc.chainId !== header.chainId || tc.epoch !== header.epoch)
        bad('tc of another epoch', 'tc');
      if (tc.round + 1n !== header.round) {
        bad(`tc is of round ${tc.round}, block of round ${header.round}`, 'tc');
      }
    }
  },
);

/** A validator's timeout, with the TC that made it enter the round (so laggards catch up). */
export interface TimeoutMessage {
  readonly timeout: TimeoutT;
  readonly lastTc: TimeoutCertificateT | null;
  /** The QC that proved the sender's last commit: a replica behind in commits catches up. */
  readonly commitQc: QuorumCertificateT | null;
}

/** Asks a peer for `count` blocks: the block `hash` and then its ancestors, newest first. */
export interface BlockRequest {
  readonly hash: Uint8Array;
  readonly count: bigint;
}

/** Blocks answering a `BlockRequest`, newest first, each a child of the next. */
export interface BlockResponse {
  readonly blocks: readonly Proposal[];
}

/** The sender's highest certificates: sent to a replica that is behind (another epoch or round). */
export interface SyncInfo {
  readonly qc: QuorumCertificateT;
  readonly tc: TimeoutCertificateT | null;
  /** The QC that proved the sender's last commit (see TimeoutMessage). */
  readonly commitQc: QuorumCertificateT | null;
}

/** The most blocks a `BlockResponse` carries. */
export const MAX_BLOCKS_PER_RESPONSE = 64;

export type ConsensusMessage =
  | ({ readonly kind: 'proposal' } & Proposal)
  | ({ readonly kind: 'vote' } & VoteT)
  | ({ readonly kind: 'timeout' } & TimeoutMessage)
  | ({ readonly kind: 'block-request' } & BlockRequest)
  | ({ readonly kind: 'block-response' } & BlockResponse)
  | ({ readonly kind: 'sync' } & SyncInfo);

export type MessageKind = ConsensusMessage['kind'];

const bodies = {
  proposal: ProposalSchema,
  vote: Vote.schema,
  timeout: new RecordSchema<TimeoutMessage>('TimeoutMessage', {
    timeout: Timeout.schema.asField(),
    lastTc: optional(TimeoutCertificate.schema.asField()),
    commitQc: optional(QuorumCertificate.schema.asField()),
  }),
  'block-request': new RecordSchema<BlockRequest>(
    'BlockRequest',
    {
      hash: hash32,
      count: u16,
    },
    (r, path) => {
      if (r.count < 1n || r.count > BigInt(MAX_BLOCKS_PER_RESPONSE)) {
        throw new CodecError(
          'invalid',
          `count must be in [1, ${MAX_BLOCKS_PER_RESPONSE}]`,
          `${path}.count`,
        );
      }
    },
  ),
  'block-response': new RecordSchema<BlockResponse>('BlockResponse', {
    blocks: list(ProposalSchema.asField(), MAX_BLOCKS_PER_RESPONSE),
  }),
  sync: new RecordSchema<SyncInfo>('SyncInfo', {
    qc: QuorumCertificate.schema.asField(),
    tc: optional(TimeoutCertificate.schema.asField()),
    commitQc: optional(QuorumCertificate.schema.asField()),
  }),
} as unknown as { readonly [K in MessageKind]: RecordSchema<object> };

const KINDS = Object.keys(bodies) as MessageKind[];

const Envelope = new RecordSchema<{ kind: MessageKind; body: Uint8Array }>('ConsensusMessage', {
  kind: oneOf(...KINDS),
  body: bytes(0, 16 * 1024 * 1024),
});

/** Largest encoded consensus message (a full block response). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024 + 64;

/** Stateless checks of a message's fields; throws CodecError naming the bad field. */
export function validateMessageBasic(message: ConsensusMessage): void {
  const { kind, ...body } = message;
  const schema: RecordSchema<object> | undefined = Object.hasOwn(bodies, kind)
    ? bodies[kind]
    : undefined;
  if (schema === undefined) throw new CodecError('invalid', `unknown message kind`, 'kind');
  const check: (value: unknown, path?: string) => void = schema.check;
  check(body);
}

export function encodeMessage(message: ConsensusMessage): Uint8Array {
  const { kind, ...body } = message;
  return Envelope.encode({ kind, body: bodies[kind].encode(body) });
}

/** Untrusted bytes → a message that passed its stateless checks, or CodecError. */
export function decodeMessage(data: Uint8Array): ConsensusMessage {
  const { kind, body } = Envelope.decode(data, MAX_MESSAGE_BYTES);
  return { kind, ...bodies[kind].decode(body, body.length) } as ConsensusMessage;
}
