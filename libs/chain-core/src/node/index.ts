// Public face of the node layer (docs/spec/node.md): the validator / observer runtime.
export { ChainNode } from './chain-node';
export type { ChainNodeOptions, CommitNotice, Log, LogLevel } from './chain-node';
export { GENESIS_EPOCH, genesisHeader } from './genesis';
export type { NodeGenesis } from './genesis';
export { MAX_BODY_BYTES, MAX_WAIT_MS, receiptJson, startNodeHttp, toJson } from './http';
export { OPENAPI_DOCUMENT, PROBLEM_CODES } from './openapi';
export { ProofBuilder, ProofUnavailableError } from './proofs';
export type { NodeHttpServer } from './http';
export { NodeMetrics } from './metrics';
