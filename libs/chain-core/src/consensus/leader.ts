/**
 * Leader election (docs/spec/consensus.md §5): round-robin over the epoch's validators, with
 * reputation. A validator that neither proposed a committed block nor signed the QC inside
 * one among the last `window` committed blocks of at least `lag` rounds ago is skipped, so a
 * crashed validator stops costing a timeout every n-th round once `window` blocks commit
 * without it. Only committed blocks count, so every replica that has committed up to round
 * r − lag names the same leader for round r; a replica further behind may name another
 * leader for a while, which costs liveness (a timeout), never safety, until the commit QC
 * sent with timeouts brings it up to date. A window naming fewer than a quorum of
 * validators (too little history) falls back to plain round-robin.
 */
import type { ValidatorSet } from './validator-set';

/** What reputation remembers of a committed block. */
export interface CommittedInfo {
  readonly round: bigint;
  readonly proposer: number;
  /** Signers of the QC inside the block (they voted for its parent). */
  readonly voters: readonly number[];
}

export interface ReputationParams {
  /** Off: plain round-robin. */
  readonly enabled: boolean;
  /** Committed blocks looked at. */
  readonly window: number;
  /** Only blocks of rounds ≤ r − lag count for round r. */
  readonly lag: bigint;
}

export const DEFAULT_REPUTATION: ReputationParams = { enabled: true, window: 10, lag: 6n };

/** The index of round `round`'s leader. `history`: the epoch's committed blocks, oldest first. */
export function leaderOf(
  validators: ValidatorSet,
  round: bigint,
  history: readonly CommittedInfo[],
  params: ReputationParams,
): number {
  const n = validators.size;
  const roundRobin = Number(round % BigInt(n));
  if (!params.enabled) return roundRobin;
  let end = history.length;
  while (end > 0 && history[end - 1]!.round > round - params.lag) end--;
  if (end === 0) return roundRobin;
  const active = new Set<number>();
  for (const entry of history.slice(Math.max(0, end - params.window), end)) {
    active.add(entry.proposer);
    for (const voter of entry.voters) active.add(voter);
  }
  // Too little history to judge (e.g. only blocks certified by an epoch's unsigned root QC):
  // fewer than a quorum would be leaders, so plain round-robin instead.
  if (active.size < validators.quorum) return roundRobin;
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) if (active.has(i)) candidates.push(i);
  return candidates[Number(round % BigInt(candidates.length))]!;
}
