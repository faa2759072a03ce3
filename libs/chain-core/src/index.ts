// Public API of @trellis/chain-core. Each layer (docs/architecture.md) exports through its own
// index.ts; only what is listed here may be imported by other projects.
export { ContractDefinitionError, defineContract } from './contract';
export type {
  BlockInfo,
  Caller,
  ContractContext,
  ContractDefinition,
  ContractEvent,
  ContractMethod,
  ContractState,
} from './contract';
