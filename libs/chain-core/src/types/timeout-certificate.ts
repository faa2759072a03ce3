import { CodecError, HASH_TAGS, RecordSchema, bytes, list, text, u64 } from '../codec';
import { type ChainType, chainType } from './chain-type';
import { MAX_VALIDATORS, NAME, SIGNATURE_BYTES } from './limits';
import { type QuorumCertificate, QuorumCertificateSchema } from './quorum-certificate';
import { checkSigners, signerBitmap } from './signer-bitmap';

/**
 * Timeouts of a quorum for one round. Signer i (in bitmap order) signed
 * `timeoutSigningPayload({ chainId, epoch, round, highQcRound: highQcRounds[i] })`;
 * `highQc` is the highest of their QCs, so the next leader can extend it.
 */
export interface TimeoutCertificate {
  readonly chainId: string;
  readonly epoch: bigint;
  readonly round: bigint;
  readonly signers: Uint8Array;
  readonly highQcRounds: readonly bigint[];
  readonly signatures: readonly Uint8Array[];
  readonly highQc: QuorumCertificate;
}

export const TimeoutCertificate: ChainType<TimeoutCertificate> = chainType(
  new RecordSchema<TimeoutCertificate>(
    'TimeoutCertificate',
    {
      chainId: text(NAME),
      epoch: u64,
      round: u64,
      signers: signerBitmap,
      highQcRounds: list(u64, MAX_VALIDATORS),
      signatures: list(bytes(SIGNATURE_BYTES), MAX_VALIDATORS),
      highQc: QuorumCertificateSchema.asField(),
    },
    (tc, path) => {
      checkSigners(tc.signers, tc.signatures.length, path);
      if (tc.highQc.data.chainId !== tc.chainId || tc.highQc.data.epoch !== tc.epoch) {
        throw new CodecError('invalid', 'highQc is of another chain or epoch', `${path}.highQc`);
      }
      if (tc.highQcRounds.length !== tc.signatures.length) {
        throw new CodecError(
          'invalid',
          'one high QC round per signature is required',
          `${path}.highQcRounds`,
        );
      }
      const highest = tc.highQcRounds.reduce((a, b) => (a > b ? a : b), 0n);
      if (tc.highQcRounds.some((r) => r >= tc.round)) {
        throw new CodecError(
          'invalid',
          `every high QC round must be below round ${tc.round}`,
          `${path}.highQcRounds`,
        );
      }
      if (tc.highQc.data.round !== highest) {
        throw new CodecError(
          'invalid',
          `highQc is of round ${tc.highQc.data.round}, not the highest ${highest}`,
          `${path}.highQc`,
        );
      }
    },
  ),
  { tag: HASH_TAGS.timeoutCertificate, maxBytes: 64 * 1024 },
);
