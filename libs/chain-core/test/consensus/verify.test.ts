// MessageVerifier, the network edge: what it accepts (every kind, with real certificates of
// 3 of 4 validators) and what it rejects, with the error code and a message that says why.
import {
  type ConsensusMessage,
  type QuorumCertificate,
  type TimeoutCertificate,
  bitmapOf,
  timeoutSigningPayload,
} from '@trellis/chain-core';
import {
  type Block,
  CHAIN_ID,
  block,
  chain,
  epochState,
  expectRefused,
  fill,
  hash,
  qcOf,
  rootQc,
  signerOf,
  tcOf,
  timeout,
  verifier,
  vote,
} from './fixtures';

const state = epochState(1n);
const root = rootQc(state);
const [b1, b2, b3] = chain(state, 3) as [Block, Block, Block];

/** A copy of `signature` with one bit flipped. */
const flipped = (signature: Uint8Array) => {
  const copy = signature.slice();
  copy[10]! ^= 0x01;
  return copy;
};

const proposalOf = (b: Block): ConsensusMessage => ({ kind: 'proposal', ...b.proposal });

const syncOf = (qc: QuorumCertificate, tc: TimeoutCertificate | null = null): ConsensusMessage => ({
  kind: 'sync',
  qc,
  tc,
  commitQc: null,
});

describe('MessageVerifier', () => {
  describe('accepts', () => {
    it.each<[string, () => ConsensusMessage]>([
      ['a proposal on the epoch root (unsigned root QC)', () => proposalOf(b1)],
      ['a proposal with a QC of 3 of 4 validators', () => proposalOf(b2)],
      [
        'a proposal with a QC of all 4 validators and a TC',
        () => proposalOf(block(qcOf(b1.voteData, [0, 1, 2, 3]), { tc: tcOf(2n, b1.qc) })),
      ],
      ['a vote', () => ({ kind: 'vote', ...vote(b2.voteData, 3) })],
      [
        'a timeout without a TC',
        () => ({ kind: 'timeout', timeout: timeout(3n, b2.qc, 1), lastTc: null, commitQc: null }),
      ],
      [
        'a timeout with the TC of the previous round',
        () => ({
          kind: 'timeout',
          timeout: timeout(4n, b2.qc, 1),
          lastTc: tcOf(3n, b2.qc, [0, 2, 3], [2n, 1n, 2n]),
          commitQc: null,
        }),
      ],
      ['a sync with a QC', () => syncOf(b3.qc)],
      ['a sync with a QC and a TC', () => syncOf(b3.qc, tcOf(4n, b3.qc))],
      ['a sync with the root QC', () => syncOf(root)],
      ['a block request', () => ({ kind: 'block-request', hash: b3.hash, count: 3n })],
      [
        'a block response of parent-linked blocks, newest first',
        () => ({ kind: 'block-response', blocks: [b3.proposal, b2.proposal, b1.proposal] }),
      ],
      ['an empty block response', () => ({ kind: 'block-response', blocks: [] })],
    ])('verify_accepts: %s', (_name, make) => {
      const message = make();
      expect(verifier().verify(message)).toBe(message);
    });

    it('verify_sameQcTwice_isAcceptedBothTimes', () => {
      const v = verifier();
      v.verify(syncOf(b2.qc));
      expect(() => v.verify(proposalOf(b3))).not.toThrow();
    });
  });

  describe("rejects as 'invalid-message'", () => {
    it.each<[string, () => ConsensusMessage, string | RegExp]>([
      [
        'a proposal with a bad signature',
        () => ({ kind: 'proposal', ...b2.proposal, signature: flipped(b2.proposal.signature) }),
        'proposal: invalid signature',
      ],
      [
        'a proposal signed by a validator other than its proposer',
        () => ({
          kind: 'proposal',
          ...b2.proposal,
          signature: signerOf(Number(b2.header.proposer) + 1)(b2.hash),
        }),
        'proposal: invalid signature',
      ],
      [
        'a proposal whose proposer is not a validator',
        () => ({ kind: 'proposal', ...b2.proposal, header: { ...b2.header, proposer: 9n } }),
        'no validator 9',
      ],
      [
        'a vote with a bad signature',
        () => {
          const v = vote(b2.voteData, 1);
          return { kind: 'vote', ...v, signature: flipped(v.signature) };
        },
        'vote: invalid signature',
      ],
      [
        'a vote signed by another validator than its voter',
        () => ({ kind: 'vote', ...vote(b2.voteData, 1), voter: 2n }),
        'vote: invalid signature',
      ],
      [
        'a vote of a voter outside the set',
        () => ({ kind: 'vote', ...vote(b2.voteData, 1), voter: 4n }),
        'no validator 4',
      ],
      [
        'a timeout with a bad signature',
        () => {
          const t = timeout(3n, b2.qc, 1);
          return {
            kind: 'timeout',
            timeout: { ...t, signature: flipped(t.signature) },
            lastTc: null,
            commitQc: null,
          };
        },
        'timeout: invalid signature',
      ],
      [
        'a QC with fewer signers than the quorum',
        () => proposalOf(block(qcOf(b1.voteData, [0, 3]))),
        'QC has 2 signers, fewer than the quorum 3',
      ],
      [
        'a QC naming a signer index outside the set',
        () => {
          const qc = qcOf(b1.voteData, [0, 1, 2]);
          const outside = {
            ...qc,
            signers: bitmapOf([0, 1, 2, 5]),
            signatures: [...qc.signatures, fill(7, 64)],
          };
          return syncOf(outside);
        },
        'QC names a signer outside the 4 validators',
      ],
      [
        'a QC with one forged signature',
        () => {
          const qc = b2.qc;
          const forged = {
            ...qc,
            signatures: [qc.signatures[0]!, qc.signatures[1]!, flipped(qc.signatures[2]!)],
          };
          return proposalOf(block(forged));
        },
        'QC signature 2: invalid signature',
      ],
      [
        'a QC whose signatures are of another block',
        () => syncOf({ ...b2.qc, data: b3.voteData }),
        'QC signature 0: invalid signature',
      ],
      [
        'an unsigned QC that is not the epoch root',
        () => syncOf({ ...root, data: { ...root.data, blockHash: b1.hash } }),
        'an unsigned QC must certify the root of epoch 1',
      ],
      [
        'an unsigned QC of the root hash at another height',
        () => syncOf({ ...root, data: { ...root.data, height: 1n } }),
        'an unsigned QC must certify the root of epoch 1',
      ],
      [
        'a vote of another chain',
        () => ({ kind: 'vote', ...vote({ ...b2.voteData, chainId: 'other-chain' }, 1) }),
        `chain other-chain is not ${CHAIN_ID}`,
      ],
      [
        'a proposal of another chain',
        () => {
          const otherRoot = { ...root, data: { ...root.data, chainId: 'other-chain' } };
          return proposalOf(block(otherRoot));
        },
        `chain other-chain is not ${CHAIN_ID}`,
      ],
      [
        'a TC with a bad signature',
        () => {
          const tc = tcOf(3n, b2.qc);
          return syncOf(b2.qc, {
            ...tc,
            signatures: [tc.signatures[0]!, flipped(tc.signatures[1]!), tc.signatures[2]!],
          });
        },
        'TC signature 1: invalid signature',
      ],
      [
        'a TC claiming high QC rounds its signers did not sign',
        () => {
          const tc = tcOf(3n, b2.qc, [0, 1, 2], [2n, 1n, 2n]);
          return syncOf(b2.qc, { ...tc, highQcRounds: [2n, 0n, 2n] });
        },
        'TC signature 1: invalid signature',
      ],
      [
        'a TC with fewer signers than the quorum',
        () => syncOf(b2.qc, tcOf(3n, b2.qc, [1, 3])),
        'TC has 2 signers, fewer than the quorum 3',
      ],
      [
        'a TC whose high QC is forged',
        () =>
          syncOf(
            b1.qc,
            tcOf(3n, { ...b2.qc, signatures: [fill(1, 64), fill(2, 64), fill(3, 64)] }),
          ),
        'QC signature 0: invalid signature',
      ],
      [
        'a timeout whose high QC is short of the quorum',
        () => ({
          kind: 'timeout',
          timeout: timeout(3n, qcOf(b2.voteData, [2]), 1),
          lastTc: null,
          commitQc: null,
        }),
        'QC has 1 signers, fewer than the quorum 3',
      ],
      [
        'a timeout whose last TC has a bad signature',
        () => {
          const tc = tcOf(2n, b1.qc);
          return {
            kind: 'timeout',
            timeout: timeout(3n, b1.qc, 0),
            lastTc: { ...tc, signatures: [flipped(tc.signatures[0]!), ...tc.signatures.slice(1)] },
            commitQc: null,
          };
        },
        'TC signature 0: invalid signature',
      ],
      [
        'a block response whose blocks are not parent-linked',
        () => ({ kind: 'block-response', blocks: [b3.proposal, b1.proposal] }),
        'block 1 of the response is not the parent of block 0',
      ],
      [
        'a block response oldest first',
        () => ({ kind: 'block-response', blocks: [b1.proposal, b2.proposal] }),
        'block 1 of the response is not the parent of block 0',
      ],
      [
        'a block response carrying a badly signed block',
        () => ({
          kind: 'block-response',
          blocks: [b2.proposal, { ...b1.proposal, signature: flipped(b1.proposal.signature) }],
        }),
        'proposal: invalid signature',
      ],
    ])('verify_rejects: %s', (_name, make, message) => {
      expectRefused(() => verifier().verify(make()), 'invalid-message', message);
    });

    it.each<[string, () => unknown, string | RegExp]>([
      [
        'a vote whose voter is a number, not a bigint',
        () => ({ kind: 'vote', ...vote(b2.voteData, 1), voter: 1 }),
        /Vote\.voter.*must be uint/,
      ],
      [
        'a proposal whose round is a string',
        () => ({ kind: 'proposal', ...b2.proposal, header: { ...b2.header, round: '2' } }),
        /Proposal\.header\.round.*must be uint/,
      ],
      [
        'a proposal whose signature is too short',
        () => ({ kind: 'proposal', ...b2.proposal, signature: fill(1, 63) }),
        /Proposal\.signature.*must be bytes\(64\)/,
      ],
      ['a sync without a tc field', () => ({ kind: 'sync', qc: b2.qc }), /SyncInfo\.tc/],
      [
        'a block request for no blocks',
        () => ({ kind: 'block-request', hash: b2.hash, count: 0n }),
        /BlockRequest\.count.*count must be in \[1, 64\]/,
      ],
      ['a message of an unknown kind', () => ({ kind: 'gossip' }), /kind.*unknown message kind/],
    ])('verify_malformed_isInvalidNamingTheField: %s', (_name, make, message) => {
      expectRefused(
        () => verifier().verify(make() as ConsensusMessage),
        'invalid-message',
        message,
      );
    });
  });

  describe("rejects as 'unknown-epoch'", () => {
    const epoch2 = epochState(2n);
    const [e2b1, e2b2] = chain(epoch2, 2) as [Block, Block];

    it.each<[string, () => ConsensusMessage]>([
      ['a vote of an unknown epoch', () => ({ kind: 'vote', ...vote(e2b1.voteData, 0) })],
      ['a proposal of an unknown epoch', () => proposalOf(e2b2)],
      ['a sync whose QC is of an unknown epoch', () => syncOf(e2b1.qc)],
      [
        'a timeout of an unknown epoch',
        () => ({ kind: 'timeout', timeout: timeout(2n, e2b1.qc, 0), lastTc: null, commitQc: null }),
      ],
    ])('verify_rejects: %s', (_name, make) => {
      expectRefused(() => verifier().verify(make()), 'unknown-epoch', 'epoch 2 is not known');
    });

    it('verify_acceptsThem_onceTheEpochIsKnown', () => {
      const v = verifier([state, epoch2]);
      expect(() => v.verify(proposalOf(e2b2))).not.toThrow();
      expect(() => v.verify({ kind: 'vote', ...vote(e2b1.voteData, 0) })).not.toThrow();
    });
  });
});

describe('MessageVerifier across epochs', () => {
  const e1 = epochState(1n);
  const e2 = epochState(2n);
  const [old] = chain(e1, 1) as [Block];
  const root2 = rootQc(e2);
  const both = verifier([e1, e2]);

  it('timeout_carryingAHighQcOfAnotherEpoch_isInvalidMessage', () => {
    // A Byzantine validator re-using an epoch-1 QC in an epoch-2 timeout would otherwise put
    // an unreachable high QC round into epoch 2's TCs and stall it (S2 could never hold).
    const data = { chainId: CHAIN_ID, epoch: 2n, round: 2n, highQcRound: old.qc.data.round };
    const forged = {
      data,
      highQc: old.qc,
      voter: 3n,
      signature: signerOf(3)(timeoutSigningPayload(hash, data)),
    };
    expectRefused(
      () => both.verify({ kind: 'timeout', timeout: forged, lastTc: null, commitQc: null }),
      'invalid-message',
      'highQc is of another epoch',
    );
  });

  it('tc_whoseHighQcIsOfAnotherEpoch_isInvalidMessage', () => {
    const tc = { ...tcOf(2n, root2), highQc: old.qc, highQcRounds: [1n, 1n, 1n] };
    expectRefused(
      () => both.verify({ kind: 'sync', qc: root2, tc, commitQc: null }),
      'invalid-message',
      'highQc is of another chain or epoch',
    );
  });

  it('message_ofAnObjectPrototypeKind_isInvalidMessage', () => {
    expectRefused(
      () => both.verify({ kind: 'toString' } as unknown as ConsensusMessage),
      'invalid-message',
      'unknown message kind',
    );
  });
});
