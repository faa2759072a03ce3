// Public face of the execution layer (docs/architecture.md): deterministic execution of blocks
// through the contract API, over overlays of world state.
export { BlockExecutor, transactionRoot } from './block-executor';
export type { BlockExecutorOptions, BlockOutcome, ExecuteBlockInput } from './block-executor';
export { ExecutionError } from './execution-error';
export type { ExecutionErrorCode, ExecutionErrorMeta } from './execution-error';
export { EXECUTION_FAILURE_CODES, receiptMessage } from './failure';
export type { ExecutionFailureCode } from './failure';
export { DEFAULT_EXECUTION_LIMITS, MAX_EVENT_BYTES_CAP, STEP_COSTS } from './metering';
export type { ExecutionLimits } from './metering';
export type { ResolvedTransaction } from './resolved-transaction';
export { StateOverlay } from './state-overlay';
export type { StateOverlayOptions } from './state-overlay';
export { MAX_FULL_KEY_BYTES, contractKeyPrefix, splitStateKey, stateKey } from './state-key';
