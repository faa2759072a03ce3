/**
 * The browser entry point: `globalThis.trellisVerify(genesisText, bundleBytes)` verifies a
 * proof bundle in the page, with nothing but the chain's genesis file, and returns the same
 * JSON result as `trellis-verify --json`; `globalThis.trellisHasher()` hashes a file in chunks
 * (SHA-256 and SM3 at once), so a page can compare a file with a deposit without uploading it.
 * `scripts/bundle.ts` builds it (esbuild, platform browser: a build that succeeds pulls in no
 * node code). It defines only globals and touches no DOM, so a Web Worker can load it too.
 */
import { decodeValue } from '@trellis/chain-core/proofs';
import { type TrellisHasher, trellisHasher } from './hasher';
import { type VerifyResult, verifyToResult } from './result';

export type TrellisVerify = (genesisText: string, bundleBytes: Uint8Array) => VerifyResult;

const trellisVerify: TrellisVerify = (genesisText, bundleBytes) =>
  verifyToResult(genesisText, bundleBytes);

/** A decoded CBOR value as JSON: integers as decimal strings, bytes as lower-case hex. */
export type TrellisDecode = (hex: string) => unknown;

function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) {
    return Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('');
  }
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Map)
    return Object.fromEntries([...value].map(([k, v]) => [String(k), toJson(v)]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}

/** Decodes a proven state value (the verdict's `value`, hex) under the chain's CBOR profile. */
const trellisDecode: TrellisDecode = (hex) => {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new Error('expected lower-case hex');
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return toJson(decodeValue(bytes));
};

const scope = globalThis as {
  trellisVerify?: TrellisVerify;
  trellisHasher?: () => TrellisHasher;
  trellisDecode?: TrellisDecode;
};
scope.trellisVerify = trellisVerify;
scope.trellisHasher = trellisHasher;
scope.trellisDecode = trellisDecode;
