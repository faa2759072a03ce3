// Scenarios for the simulator tests: a quiet baseline to add one fault to, and broken safety
// rules that prove the checker sees what broken rules let happen.
import {
  type CoreOptions,
  SafetyRules,
  type SafetyRulesApi,
  type VoteProposal,
} from '@trellis/chain-core';
import { type Scenario, randomScenario } from '../../sim/scenario';

/** n honest validators on a well-behaved network; GST at 2 s. */
export function quietScenario(n: number, seed = 1): Scenario {
  return {
    seed,
    n,
    behaviours: Array.from({ length: n }, () => 'honest' as const),
    gstMs: 2_000,
    livenessBoundMs: 60_000,
    minDelayMs: 5,
    maxDelayMs: 60,
    dropRate: 0,
    duplicateRate: 0,
    crashes: [],
    partitions: [],
    reconfigureAtHeight: null,
    reputation: true,
    wire: false,
  };
}

/** Random scenarios in which validator 0 is a pair of twins (within the fault budget). */
export function twinScenario(seed: number, n = 4): Scenario {
  const base = randomScenario(seed, n);
  const behaviours = base.behaviours.map((b, i) =>
    i === 0 ? 'twin' : b === 'twin' ? 'honest' : b,
  );
  return { ...base, behaviours, partitions: twinPartitions(seed, behaviours.length, base.gstMs) };
}

/** Alternating splits that keep the two copies of validator 0 (instances 0 and n) apart. */
function twinPartitions(seed: number, n: number, gstMs: number): Scenario['partitions'] {
  const out: { fromMs: number; toMs: number; groups: number[][] }[] = [];
  let t = 0;
  let k = seed;
  while (t < gstMs) {
    const a: number[] = [0];
    const b: number[] = [n];
    for (let v = 1; v < n; v++) ((k >> v) & 1 ? a : b).push(v);
    k = (k * 1103515245 + 12345) >>> 0;
    const length = 800 + (k % 2_000);
    out.push({ fromMs: t, toMs: Math.min(t + length, gstMs), groups: [a, b] });
    t += length;
  }
  return out;
}

/** Safety rules without S1 and S2: votes for any block, any number of times per round. */
export const votesForAnything: CoreOptions['safetyRules'] = (deps, data) => {
  const real = new SafetyRules(deps, data);
  return {
    get data() {
      return real.data;
    },
    enterEpoch: (epoch) => real.enterEpoch(epoch),
    signProposal: (header, hash) => real.signProposal(header, hash),
    signTimeout: (epoch, round, highQc, tc, voter) =>
      real.signTimeout(epoch, round, highQc, tc, voter),
    signVote: (proposal: VoteProposal, voter) => {
      const fresh = new SafetyRules(deps, { ...real.data, lastVotedRound: 0n, lastVote: null });
      const round = proposal.header.round - 1n;
      const signed = fresh.signVote(
        { ...proposal, qc: { ...proposal.qc, data: { ...proposal.qc.data, round } } },
        voter,
      );
      return { vote: signed.vote, data: real.data };
    },
  } satisfies SafetyRulesApi;
};
