export { runCli } from './cli';
export { CONTRACTS, DuplicateContractError, contractRegistry } from './contracts';
export * from './consortium';
