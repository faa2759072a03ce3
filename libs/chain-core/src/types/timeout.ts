import {
  CodecError,
  HASH_TAGS,
  type HashFn,
  RecordSchema,
  bytes,
  taggedHash,
  text,
  u16,
  u64,
} from '../codec';
import { type ChainType, chainType } from './chain-type';
import { NAME, SIGNATURE_BYTES } from './limits';
import { type QuorumCertificate, QuorumCertificateSchema } from './quorum-certificate';

/** What a timeout says: "round `round` of `epoch` failed for me; my highest QC is of `highQcRound`". */
export interface TimeoutData {
  readonly chainId: string;
  readonly epoch: bigint;
  readonly round: bigint;
  readonly highQcRound: bigint;
}

export const TimeoutDataSchema = new RecordSchema<TimeoutData>(
  'TimeoutData',
  { chainId: text(NAME), epoch: u64, round: u64, highQcRound: u64 },
  (data, path) => {
    if (data.highQcRound >= data.round) {
      throw new CodecError(
        'invalid',
        `high QC round ${data.highQcRound} is not below round ${data.round}`,
        `${path}.highQcRound`,
      );
    }
  },
);

/** The message a validator signs to time out: `taggedHash(H, "trellis/timeout-data/v1", encode(data))`. */
export function timeoutSigningPayload(hash: HashFn, data: TimeoutData): Uint8Array {
  return taggedHash(hash, HASH_TAGS.timeoutData, TimeoutDataSchema.encode(data));
}

/** A signed timeout carrying the sender's highest QC (Jolteon), so a TC can carry the highest. */
export interface Timeout {
  readonly data: TimeoutData;
  readonly highQc: QuorumCertificate;
  readonly voter: bigint;
  readonly signature: Uint8Array;
}

export const Timeout: ChainType<Timeout> = chainType(
  new RecordSchema<Timeout>(
    'Timeout',
    {
      data: TimeoutDataSchema.asField(),
      highQc: QuorumCertificateSchema.asField(),
      voter: u16,
      signature: bytes(SIGNATURE_BYTES),
    },
    (timeout, path) => {
      if (timeout.highQc.data.round !== timeout.data.highQcRound) {
        throw new CodecError('invalid', 'highQc is not of data.highQcRound', `${path}.highQc`);
      }
      if (timeout.highQc.data.chainId !== timeout.data.chainId) {
        throw new CodecError('invalid', 'highQc is of another chain', `${path}.highQc`);
      }
      if (timeout.highQc.data.epoch !== timeout.data.epoch) {
        throw new CodecError('invalid', 'highQc is of another epoch', `${path}.highQc`);
      }
    },
  ),
  { tag: HASH_TAGS.timeout, maxBytes: 40 * 1024 },
);
