// The simulator's scenario tests: each names a behaviour the protocol must show, runs it in
// the deterministic simulator (real core, real safety rules, seeded network) and checks the
// outcome besides the simulator's own checks (agreement, validity, no reverted commit, no
// double vote by a correct replica, liveness after GST).
import { type SimResult, simulate } from '../../sim/simulator';
import { type Scenario, randomScenario } from '../../sim/scenario';
import { quietScenario, twinScenario, votesForAnything } from './sim-helpers';

const noViolations = (r: SimResult) =>
  expect(r.violations.map((v) => `seed ${r.scenario.seed}: ${v.kind}: ${v.message}`)).toEqual([]);

const lowest = (r: SimResult) => r.heights.reduce((a, b) => (a < b ? a : b));

describe('consensus in the simulator', () => {
  it('quietNetwork_commitsOneBlockPerRoundAndNoViewChange', () => {
    const r = simulate(quietScenario(4), { stopAtMs: 10_000 });
    noViolations(r);
    expect(lowest(r)).toBeGreaterThan(50n);
    expect(r.viewChanges).toBe(0);
  });

  it('leaderCrash_viewChangeThenProgress', () => {
    // validator 1 leads round 1; it crashes for good at 300 ms
    const s: Scenario = {
      ...quietScenario(4),
      crashes: [{ validator: 1, atMs: 300, downMs: Infinity, afterPersist: false }],
    };
    const r = simulate(s, { blocksAfterGst: 10 });
    noViolations(r);
    expect(r.viewChanges).toBeGreaterThan(0);
    expect(r.heights).toHaveLength(3);
    expect(lowest(r)).toBeGreaterThanOrEqual(10n);
  });

  it.each([4, 7, 10])('fSilentReplicas_progress (n=%i)', (n) => {
    const f = Math.floor((n - 1) / 3);
    const s = quietScenario(n);
    const behaviours = s.behaviours.map((b, i) => (i < f ? 'silent' : b));
    const r = simulate({ ...s, behaviours }, { blocksAfterGst: 10 });
    noViolations(r);
    expect(r.heights).toHaveLength(n - f);
    expect(lowest(r)).toBeGreaterThanOrEqual(10n);
  });

  it('partitionThenHeal_progressAndAgreement', () => {
    // no side has a quorum for 5 s, then the network heals (GST)
    const s: Scenario = {
      ...quietScenario(4),
      gstMs: 6_000,
      partitions: [
        {
          fromMs: 1_000,
          toMs: 6_000,
          groups: [
            [0, 1],
            [2, 3],
          ],
        },
      ],
    };
    const r = simulate(s, { blocksAfterGst: 5 });
    noViolations(r);
    expect(r.viewChanges).toBeGreaterThan(0);
    expect(lowest(r)).toBeGreaterThanOrEqual(5n);
  });

  it('crashRightAfterVotingAndRestart_neverDoubleVotes', () => {
    // An equivocating leader offers a second block to the replicas that crash right after
    // persisting their vote and restart in the same round: the restarted safety rules must
    // refuse it (the checker fails the run on any double vote by a correct replica).
    let crashes = 0;
    let evidence = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const base = randomScenario(seed, 4);
      const s: Scenario = {
        ...base,
        behaviours: ['honest', 'honest', 'honest', 'equivocate'],
        crashes: [0, 1, 2].flatMap((v) => [
          { validator: v, atMs: 200 + 300 * v, downMs: 5, afterPersist: true },
          { validator: v, atMs: 1_500 + 200 * v, downMs: 20, afterPersist: true },
        ]),
        gstMs: 3_000,
      };
      const r = simulate(s);
      noViolations(r);
      crashes += r.crashesAfterPersist;
      evidence += r.evidence;
    }
    expect(crashes).toBeGreaterThan(150);
    expect(evidence).toBeGreaterThan(0);
  });

  it('twinLeaderEquivocation_noDisagreement', () => {
    // Validator 0 runs as two copies with one key, kept in different partitions: as leader
    // both propose, for the same rounds, different blocks. Within f faults nothing forks, and
    // the conflicting proposals are detected as evidence.
    let evidence = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const r = simulate(twinScenario(seed, 4));
      noViolations(r);
      evidence += r.evidence;
    }
    expect(evidence).toBeGreaterThan(0);
  });

  it('oneCrashedValidator_throughputDropBounded (leader reputation)', () => {
    const run = (silent: boolean, reputation: boolean) => {
      const s = quietScenario(4);
      const behaviours = s.behaviours.map((b, i) => (silent && i === 2 ? 'silent' : b));
      return lowest(simulate({ ...s, behaviours, reputation }, { stopAtMs: 60_000 }));
    };
    const healthy = Number(run(false, true));
    const withReputation = Number(run(true, true));
    const roundRobin = Number(run(true, false));
    // round-robin alone loses a timeout every 4th round; reputation skips the crashed leader
    expect(withReputation).toBeGreaterThan(0.7 * healthy);
    expect(roundRobin).toBeLessThan(0.5 * withReputation);
  });

  it('votesWithAWrongHeight_thenSilence_doNotStallTheChain', () => {
    // Validator 3 votes for every proposal, often naming the right block with a wrong
    // height, then goes silent for good: the leaders' QCs must stay valid without it.
    for (let seed = 1; seed <= 10; seed++) {
      const s: Scenario = {
        ...quietScenario(4, seed),
        behaviours: ['honest', 'honest', 'honest', 'vote-all'],
        crashes: [{ validator: 3, atMs: 1_500, downMs: Infinity, afterPersist: false }],
      };
      const r = simulate(s, { blocksAfterGst: 10 });
      noViolations(r);
      expect(lowest(r)).toBeGreaterThanOrEqual(10n);
    }
  });

  it('validatorSetChange_takesEffectAtTheNextEpoch', () => {
    const s: Scenario = { ...quietScenario(7), reconfigureAtHeight: 5n };
    const r = simulate(s, { blocksAfterGst: 10 });
    noViolations(r);
    expect(r.epochs).toBe(2);
    expect(lowest(r)).toBeGreaterThan(10n);
  });

  it('messagesThroughTheWireCodec_sameOutcome', () => {
    const s = randomScenario(7, 4);
    const a = simulate({ ...s, wire: false });
    const b = simulate({ ...s, wire: true });
    noViolations(b);
    expect(b.heights).toEqual(a.heights);
  });

  it('realEd25519Signatures_sameOutcomeAsTheStandIn', () => {
    for (const seed of [3, 4]) {
      const s = randomScenario(seed, 4);
      const standIn = simulate(s);
      const real = simulate(s, { signatures: 'ed25519' });
      noViolations(real);
      expect(real.commits).toBeGreaterThan(0);
      // only the signature bytes differ: the same schedule, the same outcome
      expect({ ...real, scenario: null }).toEqual({ ...standIn, scenario: null });
    }
  });

  it('aSeed_replaysExactly', () => {
    const s = randomScenario(42);
    expect(simulate(s)).toEqual(simulate(s));
  });
});

describe('the checker is not blind', () => {
  it('fPlusOneTwins_isReportedAsDisagreement', () => {
    // Validators 0 and 1 (f + 1 of 4) each run as two copies, one per partition: each side
    // has three signers (a quorum) and commits its own chain.
    const s: Scenario = {
      ...quietScenario(4),
      behaviours: ['twin', 'twin', 'honest', 'honest'],
      gstMs: 5_000,
      partitions: [
        {
          fromMs: 0,
          toMs: 5_000,
          groups: [
            [0, 1, 2],
            [4, 5, 3],
          ],
        },
      ],
    };
    const r = simulate(s);
    expect(r.violations.map((v) => v.kind)).toContain('agreement');
  });

  it('votingRuleBroken_isReportedAsDoubleVote', () => {
    // Safety rules with S1 and S2 removed, under twins that propose two blocks per round.
    const found: number[] = [];
    for (let seed = 1; seed <= 60 && found.length === 0; seed++) {
      const r = simulate(twinScenario(seed, 4), { safetyRules: votesForAnything });
      if (r.violations.some((v) => v.kind === 'double-vote')) found.push(seed);
    }
    expect(found).not.toEqual([]);
  });
});
