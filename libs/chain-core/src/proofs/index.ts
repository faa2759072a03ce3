// Public face of the proofs layer (docs/spec/proofs.md §6): the bundle a node serves and the
// light client that verifies it from genesis. Pure: a browser can load it.
export * from './format';
export { LightClient, verifyBundle } from './light-client';
export { PROOF_ERROR_CODES, ProofError } from './proof-error';
export type { ProofErrorCode } from './proof-error';
export { parseTrustedGenesis } from './trusted-genesis';
export type { TrustedGenesis } from './trusted-genesis';
export { verdictToJson } from './verdict';
export type {
  VerdictJsonValue,
  ProofVerdict,
  ReceiptVerdict,
  StateVerdict,
  TransactionVerdict,
} from './verdict';
// Incremental SM3 (GB/T 32905) for pages that hash evidence in slices: browser-safe like the rest.
export { Sm3 } from '../crypto/portable/sm3';
// The deterministic CBOR decoder (pure), for pages that read a proven state value.
export { decodeValue } from '../codec';
