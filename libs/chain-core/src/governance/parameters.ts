/**
 * The consortium's parameters: a small, closed, typed set, each with a default and bounds.
 * Changed only by a `set-parameter` proposal; read by the node (batching, TTLs) and by the
 * contract itself (proposal lifetime).
 */
import { limits } from '../types';
import { GovernanceError } from './governance-error';

/** Every parameter; all are unsigned integers. */
export interface SystemParameters {
  /** Most transactions a validator puts into one batch. */
  readonly maxBatchTransactions: bigint;
  /** Most batches a leader puts into one block. */
  readonly maxBlockBatches: bigint;
  /** How many blocks ahead a transaction's `expiryHeight` may lie (admission's TTL bound). */
  readonly transactionTtlBlocks: bigint;
  /** How many blocks after its creation a proposal can still be approved. */
  readonly governanceProposalTtlBlocks: bigint;
}

export type ParameterName = keyof SystemParameters;

/** A parameter's default and inclusive bounds. */
export interface ParameterRule {
  readonly defaultValue: bigint;
  readonly min: bigint;
  readonly max: bigint;
}

/** The rules, in a fixed order (the order of `PARAMETER_NAMES`). */
export const PARAMETER_RULES: { readonly [K in ParameterName]: ParameterRule } = Object.freeze({
  maxBatchTransactions: {
    defaultValue: 1_000n,
    min: 1n,
    max: BigInt(limits.MAX_BATCH_TRANSACTIONS),
  },
  maxBlockBatches: { defaultValue: 100n, min: 1n, max: BigInt(limits.MAX_BLOCK_BATCHES) },
  transactionTtlBlocks: { defaultValue: 1_000n, min: 1n, max: 1_000_000n },
  governanceProposalTtlBlocks: { defaultValue: 100_000n, min: 1n, max: 10_000_000n },
});

/** The parameter names, in the order of `PARAMETER_RULES`. */
export const PARAMETER_NAMES = Object.freeze(Object.keys(PARAMETER_RULES) as ParameterName[]);

/** Every parameter at its default. */
export const DEFAULT_PARAMETERS: SystemParameters = Object.freeze(
  Object.fromEntries(PARAMETER_NAMES.map((name) => [name, PARAMETER_RULES[name].defaultValue])),
) as unknown as SystemParameters;

/**
 * Refuses a value outside the parameter's bounds.
 * @throws GovernanceError('parameter-out-of-range') naming `field`.
 */
export function checkParameter(name: ParameterName, value: bigint, field: string): void {
  const { min, max } = PARAMETER_RULES[name];
  if (value < min || value > max) {
    throw new GovernanceError(
      'parameter-out-of-range',
      `${name} must be in ${min}..${max}, got ${value}`,
      field,
    );
  }
}
