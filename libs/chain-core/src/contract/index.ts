export {
  ContractDefinitionError,
  ContractError,
  MAX_RANGE_ENTRIES,
  MAX_STATE_KEY_BYTES,
  MAX_STATE_VALUE_BYTES,
  defineContract,
} from './contract';
export type {
  BlockInfo,
  Caller,
  ContractContext,
  ContractDefinition,
  ContractEvent,
  ContractMethod,
  ContractState,
  RangeOptions,
  StateEntry,
} from './contract';
