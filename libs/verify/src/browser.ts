/**
 * The browser entry point: `globalThis.trellisVerify(genesisText, bundleBytes)` verifies a
 * proof bundle in the page, with nothing but the chain's genesis file, and returns the same
 * JSON result as `trellis-verify --json`; `globalThis.trellisHasher()` hashes a file in chunks
 * (SHA-256 and SM3 at once), so a page can compare a file with a deposit without uploading it.
 * `scripts/bundle.ts` builds it (esbuild, platform browser: a build that succeeds pulls in no
 * node code). It defines only globals and touches no DOM, so a Web Worker can load it too.
 */
import { type TrellisHasher, trellisHasher } from './hasher';
import { type VerifyResult, verifyToResult } from './result';

export type TrellisVerify = (genesisText: string, bundleBytes: Uint8Array) => VerifyResult;

const trellisVerify: TrellisVerify = (genesisText, bundleBytes) =>
  verifyToResult(genesisText, bundleBytes);

const scope = globalThis as { trellisVerify?: TrellisVerify; trellisHasher?: () => TrellisHasher };
scope.trellisVerify = trellisVerify;
scope.trellisHasher = trellisHasher;
