import { CodecError, HASH_TAGS, RecordSchema, bytes, list } from '../codec';
import { type ChainType, chainType } from './chain-type';
import { MAX_VALIDATORS, SIGNATURE_BYTES } from './limits';
import { checkSigners, signerBitmap } from './signer-bitmap';
import { type VoteData, VoteDataSchema } from './vote';

/**
 * Votes of a quorum (≥ 2f + 1 of the epoch's validators, checked against the validator set by
 * consensus, not here) for one block: the signer bitmap and their signatures in bitmap order,
 * each over `voteSigningPayload(data)`. An epoch's root QC (round 0: the genesis block, or the
 * block that ended the previous epoch) has no signers; consensus accepts it only for that root.
 */
export interface QuorumCertificate {
  readonly data: VoteData;
  readonly signers: Uint8Array;
  readonly signatures: readonly Uint8Array[];
}

export const QuorumCertificateSchema = new RecordSchema<QuorumCertificate>(
  'QuorumCertificate',
  {
    data: VoteDataSchema.asField(),
    signers: bytes(0, MAX_VALIDATORS / 8),
    signatures: list(bytes(SIGNATURE_BYTES), MAX_VALIDATORS),
  },
  (qc, path) => {
    if (qc.signers.length === 0) {
      if (qc.data.round !== 0n || qc.signatures.length > 0) {
        throw new CodecError(
          'invalid',
          "only an epoch's root QC (round 0) has no signers",
          `${path}.signers`,
        );
      }
      return;
    }
    signerBitmap.check(qc.signers, `${path}.signers`);
    checkSigners(qc.signers, qc.signatures.length, path);
  },
);

export const QuorumCertificate: ChainType<QuorumCertificate> = chainType(QuorumCertificateSchema, {
  tag: HASH_TAGS.quorumCertificate,
  maxBytes: 32 * 1024,
});
