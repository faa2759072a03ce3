// Public API of @trellis/chain-core. Each layer (docs/architecture.md) lists its public names
// explicitly in its own index.ts; this file re-exports those layers and nothing else, so a
// name is public exactly when its layer's index lists it.
export * from './codec';
export * from './consensus';
export * from './contract';
export * from './crypto';
export * from './identity';
export * from './merkle';
export * from './types';
export * from './execution';
export * from './governance';
export * from './mempool';
export * from './net';
export * from './storage';
export * from './node';
export * from './proofs';
export * from './private';
