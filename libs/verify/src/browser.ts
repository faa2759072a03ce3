/**
 * The browser entry point: `globalThis.trellisVerify(genesisText, bundleBytes)` verifies a
 * proof bundle in the page, with nothing but the chain's genesis file, and returns the same
 * JSON result as `trellis-verify --json`. `scripts/bundle.ts` builds it (esbuild, platform
 * browser: a build that succeeds pulls in no node code).
 */
import { type VerifyResult, verifyToResult } from './result';

export type TrellisVerify = (genesisText: string, bundleBytes: Uint8Array) => VerifyResult;

const trellisVerify: TrellisVerify = (genesisText, bundleBytes) =>
  verifyToResult(genesisText, bundleBytes);

(globalThis as { trellisVerify?: TrellisVerify }).trellisVerify = trellisVerify;
