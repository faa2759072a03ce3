// Public face of the node layer (docs/spec/node.md): the validator / observer runtime.
export { ChainNode } from './chain-node';
export type { ChainNodeOptions, CommitNotice, Log, LogLevel } from './chain-node';
export { GENESIS_EPOCH, genesisHeader } from './genesis';
export type { NodeGenesis } from './genesis';
export { startNodeHttp, toJson } from './http';
export type { NodeHttpServer } from './http';
export { NodeMetrics } from './metrics';
