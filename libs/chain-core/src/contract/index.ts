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
