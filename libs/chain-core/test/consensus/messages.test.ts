// The consensus wire format: every message kind round-trips through encodeMessage /
// decodeMessage, untrusted bytes give only CodecError, and ProposalSchema's cross-field rules.
import {
  CodecError,
  type ConsensusMessage,
  MAX_BLOCKS_PER_RESPONSE,
  type Proposal,
  ProposalSchema,
  decodeMessage,
  encodeMessage,
  encodeValue,
  toHex,
} from '@trellis/chain-core';
import {
  type Block,
  block,
  chain,
  epochState,
  fill,
  qcOf,
  rootQc,
  tcOf,
  timeout,
  vote,
} from './fixtures';

const state = epochState(1n);
const root = rootQc(state);
const [b1, b2, b3] = chain(state, 3) as [Block, Block, Block];
/** Round 4 on b2, after a TC of round 3 (so a proposal with a TC). */
const afterTc = block(b2.qc, { tc: tcOf(3n, b2.qc, [0, 2, 3], [2n, 1n, 2n]) });

const messages: [string, ConsensusMessage][] = [
  ['proposal on the root', { kind: 'proposal', ...b1.proposal }],
  ['proposal with a TC', { kind: 'proposal', ...afterTc.proposal }],
  ['vote', { kind: 'vote', ...vote(b2.voteData, 3) }],
  ['timeout', { kind: 'timeout', timeout: timeout(3n, b2.qc, 1), lastTc: null, commitQc: null }],
  [
    'timeout with its last TC and commit QC',
    {
      kind: 'timeout',
      timeout: timeout(4n, b2.qc, 1),
      lastTc: tcOf(3n, b2.qc),
      commitQc: b2.qc,
    },
  ],
  ['block-request', { kind: 'block-request', hash: b3.hash, count: 3n }],
  ['block-response', { kind: 'block-response', blocks: [b3.proposal, b2.proposal, b1.proposal] }],
  ['empty block-response', { kind: 'block-response', blocks: [] }],
  ['sync', { kind: 'sync', qc: b3.qc, tc: null, commitQc: null }],
  ['sync with a TC and commit QC', { kind: 'sync', qc: root, tc: tcOf(1n, root), commitQc: b3.qc }],
];

/** The CodecError `fn` throws (failing the test if it throws nothing or something else). */
function codecError(fn: () => unknown): CodecError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodecError) return error;
    throw error;
  }
  throw new Error('expected a CodecError, but nothing was thrown');
}

/** A well-formed envelope around `body` bytes, for a message `kind` (which may be unknown). */
const envelope = (kind: string, body: Uint8Array) => encodeValue([kind, body]);

describe('consensus messages', () => {
  it.each(messages)('encodeDecode_roundTrips: %s', (_name, message) => {
    const bytes = encodeMessage(message);
    const decoded = decodeMessage(bytes);
    expect(decoded).toEqual(message);
    expect(toHex(encodeMessage(decoded))).toBe(toHex(bytes));
  });

  it('encodeMessage_coversEveryKind_withDistinctBytes', () => {
    const kinds = new Set(messages.map(([, m]) => m.kind));
    expect([...kinds].sort()).toEqual(
      ['block-request', 'block-response', 'proposal', 'sync', 'timeout', 'vote'].sort(),
    );
    const encodings = messages.map(([, m]) => toHex(encodeMessage(m)));
    expect(new Set(encodings).size).toBe(encodings.length);
  });

  describe('decodeMessage of untrusted bytes', () => {
    it.each<[string, Uint8Array]>([
      ['no bytes', new Uint8Array()],
      ['garbage', Uint8Array.from([0xff, 0x00, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef])],
      ['a bare integer', encodeValue(7n)],
      ['an envelope of one field', encodeValue(['vote'])],
      ['an envelope of an unknown kind', envelope('gossip', new Uint8Array())],
      ['a vote envelope around garbage', envelope('vote', fill(0xff, 8))],
      ['a vote envelope around a proposal', envelope('vote', ProposalSchema.encode(b2.proposal))],
      [
        'trailing bytes after a message',
        Uint8Array.from([...encodeMessage(messages[2]![1]), 0x00]),
      ],
    ])('decodeMessage_throwsCodecError: %s', (_name, bytes) => {
      expect(codecError(() => decodeMessage(bytes))).toBeInstanceOf(CodecError);
    });

    it('decodeMessage_ofEveryTruncation_throwsCodecError', () => {
      for (const [name, message] of messages) {
        const bytes = encodeMessage(message);
        for (let n = 0; n < bytes.length; n += Math.max(1, Math.floor(bytes.length / 97))) {
          const error = codecError(() => decodeMessage(bytes.subarray(0, n)));
          expect([name, n, error.name]).toEqual([name, n, 'CodecError']);
        }
      }
    });

    it('decodeMessage_ofAnEnvelopeOfAnUnknownKind_namesTheKind', () => {
      const error = codecError(() => decodeMessage(envelope('gossip', new Uint8Array())));
      expect(error.path).toBe('ConsensusMessage.kind');
    });

    it('decodeMessage_ofABlockRequestForTooManyBlocks_namesTheCount', () => {
      const body = encodeValue([b3.hash, BigInt(MAX_BLOCKS_PER_RESPONSE + 1)]);
      const error = codecError(() => decodeMessage(envelope('block-request', body)));
      expect(error.path).toBe('BlockRequest.count');
    });
  });

  describe('ProposalSchema', () => {
    /** A proposal's fields as decodeMessage would read them, skipping the encoder's checks. */
    const proposalBytes = (p: Proposal) =>
      envelope('proposal', encodeValue(ProposalSchema.toValue(p)));

    it.each<[string, () => Proposal, string, string | RegExp]>([
      [
        'whose qc is not of the parent',
        () => ({ ...b2.proposal, qc: qcOf({ ...b1.voteData, blockHash: fill(0x55) }) }),
        'Proposal.qc',
        'qc is not of the parent',
      ],
      [
        'whose qc is of the grandparent',
        () => ({ ...b3.proposal, qc: b1.qc }),
        'Proposal.qc',
        'qc is not of the parent',
      ],
      [
        'whose tc round is not round − 1',
        () => block(b1.qc, { round: 4n, tc: tcOf(2n, b1.qc) }).proposal,
        'Proposal.tc',
        'tc is of round 2, block of round 4',
      ],
      [
        'whose tc is of the same round',
        () => block(b1.qc, { round: 3n, tc: tcOf(3n, b1.qc) }).proposal,
        'Proposal.tc',
        'tc is of round 3, block of round 3',
      ],
      [
        'whose tc is of another epoch',
        // (its own high QC is then of another epoch than it: the TC's check refuses it first)
        () => ({ ...afterTc.proposal, tc: { ...afterTc.proposal.tc!, epoch: 2n } }),
        'Proposal.tc.highQc',
        'highQc is of another chain or epoch',
      ],
      [
        'whose qc is of another epoch',
        () => ({ ...b2.proposal, qc: { ...b1.qc, data: { ...b1.qc.data, epoch: 2n } } }),
        'Proposal.qc',
        'qc is of epoch 2',
      ],
      [
        'whose qc round is not below its round',
        () => ({ ...b2.proposal, header: { ...b2.header, round: 1n } }),
        'Proposal.qc',
        'qc round 1 is not below round 1',
      ],
      [
        'whose qc height is not its height − 1',
        () => ({ ...b2.proposal, header: { ...b2.header, height: 3n } }),
        'Proposal.qc',
        'qc is of height 1, block of 3',
      ],
      [
        'of the genesis block',
        () => ({
          ...b1.proposal,
          header: { ...state.root.header, round: 1n },
        }),
        'Proposal.header.height',
        'the genesis block is never proposed',
      ],
    ])('proposal_isRejected: %s', (_name, make, path, message) => {
      const proposal = make();
      for (const error of [
        codecError(() => ProposalSchema.check(proposal)),
        codecError(() => encodeMessage({ kind: 'proposal', ...proposal })),
        codecError(() => decodeMessage(proposalBytes(proposal))),
      ]) {
        expect({ path: error.path, message: error.message }).toEqual({
          path,
          message:
            typeof message === 'string'
              ? expect.stringContaining(message)
              : expect.stringMatching(message),
        });
      }
    });

    it('proposal_withTheQcOfItsParent_andATcOfTheRoundBefore_isAccepted', () => {
      expect(() => ProposalSchema.check(b2.proposal)).not.toThrow();
      expect(() => ProposalSchema.check(afterTc.proposal)).not.toThrow();
      expect(afterTc.header.round).toBe(4n);
      expect(afterTc.proposal.tc!.round).toBe(3n);
    });
  });
});
