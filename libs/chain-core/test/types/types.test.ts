import fc from 'fast-check';
import { CodecError, HASH_TAGS, toHex } from '../../src/codec';
import {
  BlockHeader,
  QuorumCertificate,
  Receipt,
  Timeout,
  TimeoutCertificate,
  Transaction,
  bitmapOf,
  signersOf,
  voteSigningPayload,
} from '../../src/types';
import { fill, quorumCertificate, samples, sha256, sm3, transaction } from './samples';

/** The CodecError's path, or a marker when something else (or nothing) was thrown. */
function rejection(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodecError) return error.path;
    throw error;
  }
  return 'accepted';
}

describe('chain types', () => {
  describe.each(Object.entries(samples))('%s', (_name, [type, sample]) => {
    it('validSample_passesValidateBasic_andRoundTrips', () => {
      expect(() => type.validateBasic(sample)).not.toThrow();
      const bytes = type.encode(sample);
      expect(type.decode(bytes)).toEqual(sample);
      expect(toHex(type.encode(type.decode(bytes)))).toBe(toHex(bytes));
    });

    it('hash_isDeterministic_and32Bytes_underEitherHash', () => {
      expect(toHex(type.hash(sha256, sample))).toBe(
        toHex(type.hash(sha256, structuredClone(sample))),
      );
      expect(type.hash(sm3, sample)).toHaveLength(32);
      expect(toHex(type.hash(sm3, sample))).not.toBe(toHex(type.hash(sha256, sample)));
    });

    it('fuzz_decodingRandomOrMutatedBytes_givesOnlyCodecErrors', () => {
      const valid = type.encode(sample);
      const mutated = fc
        .array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        })
        .map((edits) => {
          const bytes = valid.slice();
          for (const [at, byte] of edits) bytes[at] = byte;
          return bytes;
        });
      const truncated = fc.nat(valid.length - 1).map((n) => valid.slice(0, n));
      fc.assert(
        fc.property(fc.oneof(mutated, truncated, fc.uint8Array({ maxLength: 256 })), (bytes) => {
          try {
            const decoded = type.decode(bytes);
            const validateBasic: (value: unknown) => void = type.validateBasic;
            validateBasic(decoded); // anything accepted is valid and canonical
            expect(toHex(type.encode(decoded))).toBe(toHex(bytes));
          } catch (error) {
            expect(error).toBeInstanceOf(CodecError);
          }
        }),
        { numRuns: 400 },
      );
    });
  });

  it('hashTags_areDistinct', () => {
    const tags = Object.values(HASH_TAGS);
    expect(new Set(tags).size).toBe(tags.length);
  });

  it('transactionId_coversTheBody_notTheSignature', () => {
    const resigned = { ...transaction, signature: fill(0x99, 64) };
    expect(toHex(Transaction.id(sha256, resigned))).toBe(
      toHex(Transaction.id(sha256, transaction)),
    );
    const otherNonce = { ...transaction, body: { ...transaction.body, nonce: 8n } };
    expect(toHex(Transaction.id(sha256, otherNonce))).not.toBe(
      toHex(Transaction.id(sha256, transaction)),
    );
  });

  it('votePayload_dependsOnEveryVotedField', () => {
    const base = quorumCertificate.data;
    const payload = toHex(voteSigningPayload(sha256, base));
    for (const changed of [
      { ...base, chainId: 'other-chain' },
      { ...base, epoch: 2n },
      { ...base, round: 10n },
      { ...base, height: 42n },
      { ...base, blockHash: fill(0x43) },
    ]) {
      expect(toHex(voteSigningPayload(sha256, changed))).not.toBe(payload);
    }
  });

  it.each<[string, () => unknown, string]>([
    [
      'bad method name',
      () =>
        Transaction.validateBasic({
          ...transaction,
          body: { ...transaction.body, method: 'Issue-It' },
        }),
      'Transaction.body.method',
    ],
    [
      'short signature',
      () => Transaction.validateBasic({ ...transaction, signature: fill(1, 63) }),
      'Transaction.signature',
    ],
    [
      'oversized args',
      () =>
        Transaction.validateBasic({
          ...transaction,
          body: { ...transaction.body, args: 'x'.repeat(70_000) },
        }),
      'Transaction.body.args',
    ],
    [
      'negative nonce',
      () =>
        Transaction.validateBasic({ ...transaction, body: { ...transaction.body, nonce: -1n } }),
      'Transaction.body.nonce',
    ],
    [
      'float in args',
      () =>
        Transaction.validateBasic({
          ...transaction,
          body: { ...transaction.body, args: { x: 0.5 } },
        }),
      'Transaction.body.args',
    ],
    [
      'genesis with a parent',
      () => BlockHeader.validateBasic({ ...samples['BlockHeader']![1], height: 0n }),
      'BlockHeader.parentHash',
    ],
    [
      'child with zero parent',
      () => BlockHeader.validateBasic({ ...samples['BlockHeader']![1], parentHash: fill(0) }),
      'BlockHeader.parentHash',
    ],
    [
      'repeated batch digest',
      () =>
        BlockHeader.validateBasic({
          ...samples['BlockHeader']![1],
          batchDigests: [fill(1), fill(1)],
        }),
      'BlockHeader.batchDigests',
    ],
    [
      'QC signer count mismatch',
      () => QuorumCertificate.validateBasic({ ...quorumCertificate, signatures: [fill(1, 64)] }),
      'QuorumCertificate',
    ],
    [
      'QC bitmap trailing zero',
      () =>
        QuorumCertificate.validateBasic({
          ...quorumCertificate,
          signers: new Uint8Array([0b1011, 0]),
        }),
      'QuorumCertificate.signers',
    ],
    [
      'QC without signers',
      () =>
        QuorumCertificate.validateBasic({
          ...quorumCertificate,
          signers: new Uint8Array(),
          signatures: [],
        }),
      'QuorumCertificate.signers',
    ],
    [
      'timeout highQc round mismatch',
      () =>
        Timeout.validateBasic({
          ...samples['Timeout']![1],
          data: { chainId: 'trellis-local', epoch: 1n, round: 11n, highQcRound: 8n },
        }),
      'Timeout.highQc',
    ],
    [
      'timeout highQcRound not below round',
      () =>
        Timeout.validateBasic({
          ...samples['Timeout']![1],
          data: { chainId: 'trellis-local', epoch: 1n, round: 9n, highQcRound: 9n },
        }),
      'Timeout.data.highQcRound',
    ],
    [
      'TC highQc not the highest',
      () =>
        TimeoutCertificate.validateBasic({
          ...samples['TimeoutCertificate']![1],
          highQcRounds: [9n, 10n, 9n],
        }),
      'TimeoutCertificate.highQc',
    ],
    [
      'TC rounds count mismatch',
      () =>
        TimeoutCertificate.validateBasic({
          ...samples['TimeoutCertificate']![1],
          highQcRounds: [9n],
        }),
      'TimeoutCertificate.highQcRounds',
    ],
    [
      'ok receipt with an error',
      () =>
        Receipt.validateBasic({ ...samples['Receipt']![1], error: { code: 'x', message: 'y' } }),
      'Receipt.error',
    ],
    [
      'failed receipt with events',
      () =>
        Receipt.validateBasic({
          ...samples['Receipt']![1],
          status: 'failed',
          error: { code: 'rule-broken', message: 'no' },
        }),
      'Receipt.events',
    ],
  ])('%s_isRejected_namingTheField', (_name, fn, path) => {
    expect(rejection(fn)).toBe(path);
  });

  it('genesisQc_hasNoSigners', () => {
    const genesis = {
      data: { ...quorumCertificate.data, height: 0n, round: 0n },
      signers: new Uint8Array(),
      signatures: [],
    };
    expect(() => QuorumCertificate.validateBasic(genesis)).not.toThrow();
    const epochRoot = { ...genesis, data: { ...genesis.data, height: 41n } };
    expect(() => QuorumCertificate.validateBasic(epochRoot)).not.toThrow();
    const unsigned = { ...genesis, data: { ...genesis.data, round: 1n } };
    expect(() => QuorumCertificate.validateBasic(unsigned)).toThrow(/round 0/);
  });

  it('signerBitmaps_roundTrip', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(255), { minLength: 1, maxLength: 64 }), (indexes) => {
        expect(signersOf(bitmapOf(indexes))).toEqual([...indexes].sort((a, b) => a - b));
      }),
    );
  });
});
