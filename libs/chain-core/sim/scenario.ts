/**
 * What one simulated run does. `randomScenario(seed)` derives everything from the seed, so a
 * failing seed is its own reproducer (`npm run sim -- --seed <seed>`).
 */
import { Prng } from './prng';

export type Behaviour =
  /** Runs the protocol. */
  | 'honest'
  /** Sends nothing, ever. */
  | 'silent'
  /** Two honest copies of this validator, same key, each in its own partition (Twins). */
  | 'twin'
  /** Votes for every proposal it sees, safety rules or not, besides running the protocol. */
  | 'vote-all'
  /** Runs the protocol but every signature it sends is garbage. */
  | 'bad-signatures'
  /** As leader, proposes two different blocks, one to each half of the validators. */
  | 'equivocate'
  /** As leader, proposes a block that forks below its high QC (what S2 exists to refuse). */
  | 'fork';

export interface Crash {
  readonly validator: number;
  readonly atMs: number;
  /** Back up this long after the crash (Infinity: never; it then counts among the f faulty). */
  readonly downMs: number;
  /** Crash right after the next safety-data write, before the message it protects leaves. */
  readonly afterPersist: boolean;
}

export interface Partition {
  readonly fromMs: number;
  readonly toMs: number;
  /** Groups of instance numbers (twins have two); a message crosses no group boundary. */
  readonly groups: readonly (readonly number[])[];
}

export interface Scenario {
  readonly seed: number;
  readonly n: number;
  readonly behaviours: readonly Behaviour[];
  /** Global stabilisation time: from here no drops, no partitions, bounded delays. */
  readonly gstMs: number;
  /** Once GST passed, every correct replica must commit new blocks within this. */
  readonly livenessBoundMs: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly dropRate: number;
  readonly duplicateRate: number;
  readonly crashes: readonly Crash[];
  readonly partitions: readonly Partition[];
  /** The first block at or above this height carries a validator-set change (next epoch). */
  readonly reconfigureAtHeight: bigint | null;
  readonly reputation: boolean;
  /** Encode and decode every message (the wire codec in the loop). */
  readonly wire: boolean;
}

export const SIZES = [4, 7, 10] as const;

/** A random scenario within the fault budget: at most f faulty validators. */
export function randomScenario(seed: number, n?: number): Scenario {
  const rng = new Prng(seed ^ 0x5ce7a810);
  const size = n ?? rng.pick(SIZES);
  const f = Math.floor((size - 1) / 3);
  const behaviours: Behaviour[] = Array.from({ length: size }, () => 'honest');
  const faulty = rng.int(f + 1);
  const kinds: Behaviour[] = ['silent', 'twin', 'vote-all', 'bad-signatures', 'equivocate', 'fork'];
  for (const v of rng.shuffle([...Array(size).keys()]).slice(0, faulty)) {
    behaviours[v] = rng.pick(kinds);
  }
  const gstMs = rng.range(2_000, 12_000);
  const instances = instanceCount(behaviours);
  const partitions: Partition[] = [];
  let t = rng.range(0, 1_000);
  while (t < gstMs && rng.chance(0.7)) {
    const length = rng.range(500, 4_000);
    partitions.push({
      fromMs: t,
      toMs: Math.min(t + length, gstMs),
      groups: split(rng, behaviours, instances),
    });
    t += length + rng.range(0, 1_500);
  }
  const crashes: Crash[] = [];
  const honest = behaviours.flatMap((b, i) => (b === 'honest' ? [i] : []));
  for (let k = rng.int(3); k > 0; k--) {
    const atMs = rng.range(0, gstMs - 500);
    crashes.push({
      validator: rng.pick(honest),
      atMs,
      downMs: rng.range(50, Math.max(100, gstMs - atMs - 100)),
      afterPersist: rng.chance(0.5),
    });
  }
  return {
    seed,
    n: size,
    behaviours,
    gstMs,
    livenessBoundMs: 90_000,
    minDelayMs: rng.range(1, 20),
    maxDelayMs: rng.range(30, 400),
    dropRate: rng.pick([0, 0, 0.02, 0.1, 0.3]),
    duplicateRate: rng.pick([0, 0.05, 0.2]),
    crashes,
    partitions,
    reconfigureAtHeight: rng.chance(0.3) ? BigInt(rng.range(2, 12)) : null,
    reputation: true,
    wire: rng.chance(0.1),
  };
}

/** Instances: one per validator, plus the second copy of each twin (numbered from n). */
export function instanceCount(behaviours: readonly Behaviour[]): number {
  return behaviours.length + behaviours.filter((b) => b === 'twin').length;
}

/** The validator an instance runs. */
export function validatorOf(behaviours: readonly Behaviour[], instance: number): number {
  if (instance < behaviours.length) return instance;
  const twins = behaviours.flatMap((b, i) => (b === 'twin' ? [i] : []));
  return twins[instance - behaviours.length]!;
}

/** A random split into two groups; the copies of each twin land in different groups. */
function split(rng: Prng, behaviours: readonly Behaviour[], instances: number): number[][] {
  const groups: number[][] = [[], []];
  const n = behaviours.length;
  for (let i = 0; i < n; i++) {
    if (behaviours[i] === 'twin') continue;
    groups[rng.int(2)]!.push(i);
  }
  for (let copy = n; copy < instances; copy++) {
    const v = validatorOf(behaviours, copy);
    const side = rng.int(2);
    groups[side]!.push(v);
    groups[1 - side]!.push(copy);
  }
  return groups;
}
