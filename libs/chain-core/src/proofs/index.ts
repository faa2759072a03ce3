// Public face of the proofs layer (docs/spec/proofs.md §6): the bundle a node serves and the
// light client that verifies it from genesis. Pure: a browser can load it.
export * from './format';
