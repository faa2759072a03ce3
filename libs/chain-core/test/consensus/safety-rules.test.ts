// The safety rules S1–S6 of safety-rules.ts, each accepted and refused, with real ed25519
// signatures; idempotent votes; restarts from the persisted (encoded) safety data; epochs.
import {
  BlockHeader,
  type SafetyData,
  SafetyDataSchema,
  SafetyRules,
  type VoteProposal,
  initialSafetyData,
  timeoutSigningPayload,
  toHex,
  voteSigningPayload,
} from '@trellis/chain-core';
import {
  type Block,
  block,
  chain,
  consensusError,
  epochState,
  expectRefused,
  hash,
  keys,
  rootQc,
  signerOf,
  suite,
  tcOf,
} from './fixtures';

const state = epochState(1n);
const root = rootQc(state);
/** Rounds 1–4 in a row: b1 extends the root, each next one its parent's QC. */
const [b1, b2, b3, b4] = chain(state, 4) as [Block, Block, Block, Block];

const ME = 0;
const deps = { hash, sign: signerOf(ME) };

/** Safety rules of validator 0, fresh in epoch 1 unless given persisted data. */
const rules = (data: SafetyData = initialSafetyData(1n)) => new SafetyRules(deps, data);

const offer = (b: Block): VoteProposal => ({
  header: b.header,
  blockHash: b.hash,
  qc: b.proposal.qc,
  tc: b.proposal.tc,
});

/** Persisted and read back, as after a crash. */
const reloaded = (data: SafetyData): SafetyData =>
  SafetyDataSchema.decode(SafetyDataSchema.encode(data));

describe('SafetyRules', () => {
  describe('S1 vote: round > lastVotedRound', () => {
    it('signVote_whenRoundAboveLastVoted_isSignedAndRecorded', () => {
      const r = rules();
      const { vote, data } = r.signVote(offer(b1), BigInt(ME));
      expect(vote.data).toEqual(b1.voteData);
      expect(vote.voter).toBe(0n);
      expect(
        suite.verify(keys[ME]!.publicKey, voteSigningPayload(hash, vote.data), vote.signature),
      ).toBe(true);
      expect(data).toEqual({
        ...initialSafetyData(1n),
        lastVotedRound: 1n,
        preferredRound: 0n,
        lastVote: vote,
        highQc: root,
      });
      expect(r.data).toBe(data);
    });

    it('signVote_whenRoundNotAboveLastVoted_isRefused_andDataUnchanged', () => {
      const r = rules();
      r.signVote(offer(b1), 0n);
      r.signVote(offer(b3), 0n); // round 3 extends b2's QC of round 2: S2 holds
      const before = r.data;
      expectRefused(
        () => r.signVote(offer(b2), 0n),
        'unsafe',
        'round 2 is not above last voted round 3',
      );
      expect(r.data).toBe(before);
    });
  });

  describe('S2 vote: round = qc.round + 1, or round = tc.round + 1 and qc.round ≥ max(tc.highQcRounds)', () => {
    it('signVote_whenRoundFollowsTheQc_raisesPreferredRound', () => {
      const r = rules();
      r.signVote(offer(b1), 0n);
      const { data } = r.signVote(offer(b2), 0n);
      expect(data.preferredRound).toBe(1n);
      expect(data.highQc).toEqual(b1.qc);
    });

    it('signVote_whenRoundFollowsATc_andQcIsTheTcsHighest_isSigned', () => {
      const tc = tcOf(2n, b1.qc, [0, 1, 3], [1n, 0n, 1n]);
      const after = block(b1.qc, { tc }); // round 3 on b1
      expect(after.header.round).toBe(3n);
      const { vote, data } = rules().signVote(offer(after), 0n);
      expect(vote.data.round).toBe(3n);
      expect(data.lastTc).toEqual(tc);
      expect(data.lastVotedRound).toBe(3n);
    });

    it('signVote_whenRoundSkipsAheadWithoutATc_isRefused', () => {
      const skipping = block(b1.qc, { round: 3n });
      expectRefused(
        () => rules().signVote(offer(skipping), 0n),
        'unsafe',
        'round 3 extends QC of round 1 without a TC that allows it',
      );
    });

    it('signVote_whenQcIsBelowTheTcsHighQcRounds_isRefused', () => {
      // The TC says a quorum member holds a QC of round 1, yet the block extends the root.
      const tc = tcOf(2n, b1.qc, [0, 1, 2], [1n, 0n, 0n]);
      const stale = block(root, { tc });
      expect(stale.header.round).toBe(3n);
      expectRefused(
        () => rules().signVote(offer(stale), 0n),
        'unsafe',
        'round 3 extends QC of round 0 without a TC that allows it',
      );
    });

    it('signVote_whenTheTcIsNotOfThePreviousRound_isRefused', () => {
      const tc = tcOf(1n, root);
      const late = block(root, { round: 3n, tc });
      expectRefused(
        () => rules().signVote(offer(late), 0n),
        'unsafe',
        'round 3 extends QC of round 0 without a TC that allows it',
      );
    });
  });

  describe('S3 timeout: round ≥ lastVotedRound', () => {
    it('signTimeout_inTheRoundLastVotedIn_isSigned', () => {
      const r = rules();
      r.signVote(offer(b1), 0n);
      const { timeout, data } = r.signTimeout(1n, 1n, root, null, 0n);
      expect(timeout.data).toEqual({
        chainId: b1.header.chainId,
        epoch: 1n,
        round: 1n,
        highQcRound: 0n,
      });
      expect(timeout.highQc).toEqual(root);
      expect(
        suite.verify(
          keys[ME]!.publicKey,
          timeoutSigningPayload(hash, timeout.data),
          timeout.signature,
        ),
      ).toBe(true);
      expect(data.lastVotedRound).toBe(1n);
      expect(data.highestTimeoutRound).toBe(1n);
    });

    it('signTimeout_aboveLastVotedRound_raisesLastVotedRound', () => {
      const r = rules();
      r.signVote(offer(b1), 0n);
      const { data } = r.signTimeout(1n, 2n, b1.qc, null, 0n);
      expect(data.lastVotedRound).toBe(2n);
      expect(data.highestTimeoutRound).toBe(2n);
      expect(data.highQc).toEqual(b1.qc);
    });

    it('signTimeout_belowLastVotedRound_isRefused', () => {
      const r = rules();
      for (const b of [b1, b2, b3]) r.signVote(offer(b), 0n);
      expectRefused(
        () => r.signTimeout(1n, 2n, b1.qc, null, 0n),
        'unsafe',
        'round 2 is below last voted round 3',
      );
    });
  });

  describe('S4 timeout: round follows highQc or a TC, and highQc.round ≥ preferredRound', () => {
    it('signTimeout_whenRoundFollowsATc_isSigned_andRemembersTheTc', () => {
      const tc = tcOf(2n, b1.qc);
      const { timeout, data } = rules().signTimeout(1n, 3n, b1.qc, tc, 0n);
      expect(timeout.data).toMatchObject({ round: 3n, highQcRound: 1n });
      expect(data.lastTc).toEqual(tc);
      expect(data.lastVotedRound).toBe(3n);
    });

    it('signTimeout_whenRoundFollowsNeitherTheQcNorATc_isRefused', () => {
      expectRefused(
        () => rules().signTimeout(1n, 3n, b1.qc, null, 0n),
        'unsafe',
        'round 3 follows neither QC round 1 nor a TC of round 2',
      );
    });

    it('signTimeout_whenTheTcIsNotOfThePreviousRound_isRefused', () => {
      expectRefused(
        () => rules().signTimeout(1n, 4n, b1.qc, tcOf(2n, b1.qc), 0n),
        'unsafe',
        'round 4 follows neither QC round 1 nor a TC of round 3',
      );
    });

    it('signTimeout_whenHighQcIsBelowPreferredRound_isRefused', () => {
      const r = rules();
      for (const b of [b1, b2, b3]) r.signVote(offer(b), 0n); // b3 carries b2's QC: preferred 2
      expect(r.data.preferredRound).toBe(2n);
      expectRefused(
        () => r.signTimeout(1n, 4n, b1.qc, tcOf(3n, b1.qc), 0n),
        'unsafe',
        'high QC round 1 is below preferred round 2',
      );
      // With its lock's QC (or a higher one) it may time out.
      expect(r.signTimeout(1n, 4n, b3.qc, null, 0n).timeout.data.highQcRound).toBe(3n);
    });
  });

  describe('S5 epoch: nothing is signed for another epoch', () => {
    const [other] = chain(epochState(2n), 1) as [Block];

    it('signVote_forAnotherEpoch_isRefused', () => {
      expectRefused(
        () => rules().signVote(offer(other), 0n),
        'unsafe',
        'epoch 2 is not the safety epoch 1',
      );
    });

    it('signTimeout_forAnotherEpoch_isRefused', () => {
      expectRefused(
        () => rules().signTimeout(2n, 1n, rootQc(epochState(2n)), null, 0n),
        'unsafe',
        'epoch 2 is not the safety epoch 1',
      );
    });

    it('signProposal_forAnotherEpoch_isRefused', () => {
      expectRefused(
        () => rules().signProposal(other.header, other.hash),
        'unsafe',
        'epoch 2 is not the safety epoch 1',
      );
    });

    it('signVote_forAnOlderEpoch_isRefused', () => {
      expectRefused(
        () => rules(initialSafetyData(2n)).signVote(offer(b1), 0n),
        'unsafe',
        'epoch 1 is not the safety epoch 2',
      );
    });
  });

  describe('S6 propose: round > lastProposedRound', () => {
    it('signProposal_inANewRound_signsTheBlockHash', () => {
      const r = rules();
      const { signature, data } = r.signProposal(b1.header, b1.hash);
      expect(toHex(BlockHeader.hash(hash, b1.header))).toBe(toHex(b1.hash));
      expect(suite.verify(keys[ME]!.publicKey, b1.hash, signature)).toBe(true);
      expect(data.lastProposedRound).toBe(1n);
      expect(data.lastVotedRound).toBe(0n);
      // The leader then votes for its own block in that round.
      expect(r.signVote(offer(b1), 0n).vote.data.round).toBe(1n);
    });

    it('signProposal_aSecondBlockInTheSameRound_isRefused', () => {
      const r = rules();
      r.signProposal(b1.header, b1.hash);
      const twin = block(root, { variant: 1 });
      expectRefused(
        () => r.signProposal(twin.header, twin.hash),
        'unsafe',
        'round 1 is not above last proposed round 1',
      );
    });

    it('signProposal_inAnEarlierRound_isRefused', () => {
      const r = rules();
      r.signProposal(b3.header, b3.hash);
      expectRefused(
        () => r.signProposal(b2.header, b2.hash),
        'unsafe',
        'round 2 is not above last proposed round 3',
      );
    });
  });

  describe('one vote per round', () => {
    it('signVote_forTheSameBlockTwice_returnsTheIdenticalVote_andUnchangedData', () => {
      const r = rules();
      const first = r.signVote(offer(b1), 0n);
      const second = r.signVote(offer(b1), 0n);
      expect(second.vote).toBe(first.vote);
      expect(second.data).toBe(first.data);
      expect(r.data).toBe(first.data);
    });

    it('signVote_forASecondBlockInTheSameRound_isRefused', () => {
      const r = rules();
      r.signVote(offer(b1), 0n);
      const twin = block(root, { variant: 1 });
      expect(toHex(twin.hash)).not.toBe(toHex(b1.hash));
      expectRefused(
        () => r.signVote(offer(twin), 0n),
        'unsafe',
        'already voted for another block in round 1',
      );
    });

    it('signVote_afterATimeoutInThatRound_isRefused', () => {
      const r = rules();
      r.signTimeout(1n, 1n, root, null, 0n);
      expectRefused(
        () => r.signVote(offer(b1), 0n),
        'unsafe',
        'round 1 is not above last voted round 1',
      );
    });
  });

  describe('restart from the persisted data', () => {
    /** Proposed in round 1, voted in rounds 1 and 2, timed out in round 3. */
    function history(): SafetyRules {
      const r = rules();
      r.signProposal(b1.header, b1.hash);
      r.signVote(offer(b1), 0n);
      r.signVote(offer(b2), 0n);
      r.signTimeout(1n, 3n, b2.qc, null, 0n);
      return r;
    }

    it.each<[string, (r: SafetyRules) => unknown, string]>([
      [
        'another block of the round voted in',
        (r) => r.signVote(offer(block(b1.qc, { variant: 1 })), 0n),
        'already voted for another block in round 2',
      ],
      [
        'a block of an earlier round',
        (r) => r.signVote(offer(b1), 0n),
        'not above last voted round 3',
      ],
      [
        'a vote in the round timed out in',
        (r) => r.signVote(offer(b3), 0n),
        'round 3 is not above last voted round 3',
      ],
      [
        'a timeout below the last voted round',
        (r) => r.signTimeout(1n, 2n, b1.qc, null, 0n),
        'round 2 is below last voted round 3',
      ],
      [
        'a timeout on a QC below the lock',
        (r) => r.signTimeout(1n, 4n, root, tcOf(3n, b1.qc), 0n),
        'high QC round 0 is below preferred round 1',
      ],
      [
        'a second proposal in the round proposed in',
        (r) => r.signProposal(block(root, { variant: 1 }).header, block(root, { variant: 1 }).hash),
        'round 1 is not above last proposed round 1',
      ],
    ])('rebuiltFromPersistedData_refusesWhatTheOldOneRefuses: %s', (_name, attempt, message) => {
      const old = history();
      const rebuilt = rules(reloaded(old.data));
      const before = consensusError(() => attempt(old));
      expect(before.code).toBe('unsafe');
      expect(before.message).toContain(message);
      expectRefused(() => attempt(rebuilt), 'unsafe', before.message);
    });

    it('rebuiltFromPersistedData_repeatsItsLastVote_andContinuesSafely', () => {
      const old = history();
      const rebuilt = rules(reloaded(old.data));
      const again = rebuilt.signVote(offer(b2), 0n);
      expect(again.vote).toEqual(old.data.lastVote);
      expect(again.data).toEqual(old.data);
      // Round 4 after the TC of round 3 on b2's QC: allowed before and after the restart.
      const tc = tcOf(3n, b2.qc);
      const next = block(b2.qc, { tc });
      expect(rebuilt.signVote(offer(next), 0n).vote).toEqual(old.signVote(offer(next), 0n).vote);
    });
  });

  describe('SafetyDataSchema', () => {
    it('encodeDecode_roundTripsFullData', () => {
      const r = rules();
      r.signProposal(b1.header, b1.hash);
      r.signVote(offer(b1), 0n);
      r.signVote(offer(b2), 0n);
      const tc = tcOf(3n, b2.qc, [1, 2, 3], [2n, 1n, 2n]);
      r.signTimeout(1n, 4n, b2.qc, tc, 0n);
      const data = r.data;
      expect(data.lastVote).not.toBeNull();
      expect(data.highQc).not.toBeNull();
      expect(data.lastTc).not.toBeNull();
      const bytes = SafetyDataSchema.encode(data);
      expect(SafetyDataSchema.decode(bytes)).toEqual(data);
      expect(toHex(SafetyDataSchema.encode(SafetyDataSchema.decode(bytes)))).toBe(toHex(bytes));
    });

    it('encodeDecode_roundTripsInitialData', () => {
      const data = initialSafetyData(7n);
      expect(data).toEqual({
        epoch: 7n,
        lastVotedRound: 0n,
        preferredRound: 0n,
        highestTimeoutRound: 0n,
        lastVote: null,
        lastProposedRound: 0n,
        highQc: null,
        lastTc: null,
      });
      expect(reloaded(data)).toEqual(data);
    });
  });

  describe('enterEpoch', () => {
    it('enterEpoch_later_resetsTheRounds_andClosesTheOldEpoch', () => {
      const r = rules();
      r.signVote(offer(b1), 0n);
      r.signVote(offer(b2), 0n);
      expect(r.enterEpoch(2n)).toEqual(initialSafetyData(2n));
      expect(r.data).toEqual(initialSafetyData(2n));
      // Round 1 of epoch 2 can be voted again; epoch 1 is closed (S5).
      const [first] = chain(epochState(2n), 1) as [Block];
      expect(r.signVote(offer(first), 0n).vote.data).toMatchObject({ epoch: 2n, round: 1n });
      expectRefused(() => r.signVote(offer(b3), 0n), 'unsafe', 'epoch 1 is not the safety epoch 2');
    });

    it('enterEpoch_lower_isRefused', () => {
      const r = rules(initialSafetyData(2n));
      expectRefused(() => r.enterEpoch(1n), 'unsafe', 'epoch 1 is below safety epoch 2');
    });

    it('enterEpoch_same_keepsTheData', () => {
      const r = rules();
      const { data } = r.signVote(offer(b1), 0n);
      expect(r.enterEpoch(1n)).toBe(data);
      expect(r.data).toBe(data);
    });
  });

  it('fixtures_chainIsLinked', () => {
    expect(toHex(b4.header.parentHash)).toBe(toHex(b3.hash));
    expect(b4.proposal.qc).toBe(b3.qc);
  });
});
