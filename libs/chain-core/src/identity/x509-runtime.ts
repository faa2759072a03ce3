/**
 * The one place the identity layer loads @peculiar/x509 and finds WebCrypto.
 *
 * - @peculiar/x509 resolves its algorithm providers through tsyringe, which needs the Reflect
 *   metadata API installed before it loads: hence `reflect-metadata` first.
 * - We never set @peculiar/x509's global `cryptoProvider` (a process-wide singleton other code
 *   may own); every call passes `webCrypto()` explicitly instead.
 * - WebCrypto is `globalThis.crypto`: Node ≥ 19 and every browser have it, so verification runs
 *   unchanged in the portal's court-verification page.
 */
import 'reflect-metadata';
import type { IAsnParseOptions } from '@peculiar/asn1-schema';
import type { webcrypto } from 'node:crypto';
import { equalBytes, toHex as bytesToHex } from '../codec';

export * as asnX509 from '@peculiar/asn1-x509';
export { AsnConvert, OctetString } from '@peculiar/asn1-schema';
export * as x509 from '@peculiar/x509';

// The WebCrypto types (the workspace compiles without the DOM lib; these are Node's
// declarations of the same W3C interfaces, used as types only).
export type Crypto = webcrypto.Crypto;
export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
export type Algorithm = webcrypto.Algorithm;
export type EcdsaParams = webcrypto.EcdsaParams;
export type EcKeyImportParams = webcrypto.EcKeyImportParams;

export function webCrypto(): Crypto {
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  if (crypto === undefined || crypto.subtle === undefined) {
    throw new Error('WebCrypto (globalThis.crypto.subtle) is not available in this runtime');
  }
  return crypto;
}

/** Largest certificate accepted, in DER bytes. Ours are ~600 bytes; 16 KiB leaves ample room. */
export const MAX_CERTIFICATE_BYTES = 16 * 1024;

/**
 * Resource limits handed to asn1js for every untrusted certificate, so that a hostile input
 * cannot make the BER parser recurse deeply or build huge trees. A certificate of this profile
 * nests 8 levels deep and has fewer than 200 nodes.
 */
export const UNTRUSTED_PARSE_OPTIONS: IAsnParseOptions = {
  berOptions: { maxDepth: 32, maxNodes: 4096, maxContentLength: MAX_CERTIFICATE_BYTES },
};

const view = (bytes: ArrayBuffer | Uint8Array) =>
  bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return bytesToHex(view(bytes));
}

export function sameBytes(a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array): boolean {
  return equalBytes(view(a), view(b));
}

export async function sha256Hex(data: ArrayBuffer | Uint8Array): Promise<string> {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  return toHex(await webCrypto().subtle.digest('SHA-256', bytes));
}
