// Public API of @trellis/verify: the `trellis-verify` CLI (runnable in-process), the JSON result
// it shares with the browser entry, and the browser bundle.
export { bundleBrowserVerifier } from './bundle';
export type { BrowserBundle } from './bundle';
export { EXIT_REJECTED, EXIT_USAGE, EXIT_VERIFIED, USAGE, nodeIo, runVerifyCli } from './cli';
export type { VerifyCliIo } from './cli';
export { describeRefusal, describeVerdict } from './describe';
export { HasherError, Sm3, trellisHasher } from './hasher';
export type { Digests, TrellisHasher } from './hasher';
export { bundleOfProofFile } from './proof-file';
export { acceptedResult, refusalResult, verifyToResult } from './result';
export type { VerifyResult } from './result';
