import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CryptoError,
  type CryptoErrorCode,
  type Implementation,
  type SignatureSuite,
  type SuiteId,
  getSuite,
} from '../../src/crypto';

export const IMPLEMENTATIONS: readonly Implementation[] = ['fast', 'portable'];
export const SUITES: readonly SuiteId[] = ['ed25519', 'p256', 'sm2'];

/** Both implementations of a suite, for `describe.each` / `it.each`. */
export function bothImplementations(id: SuiteId): [Implementation, SignatureSuite][] {
  return IMPLEMENTATIONS.map((implementation) => [implementation, getSuite(id, implementation)]);
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function bytes(hexString: string): Uint8Array {
  return new Uint8Array(Buffer.from(hexString, 'hex'));
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The CryptoError `fn` throws (fails the test if it throws nothing or something else). */
export function cryptoErrorOf(fn: () => unknown): CryptoError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CryptoError) return error;
    throw new Error(`expected a CryptoError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a CryptoError, nothing was thrown');
}

export function expectCryptoError(
  fn: () => unknown,
  code: CryptoErrorCode,
  argument?: string,
): CryptoError {
  const error = cryptoErrorOf(fn);
  expect(error.code).toBe(code);
  if (argument !== undefined) {
    expect(error.meta.argument).toBe(argument);
    expect(error.message).toContain(argument);
  }
  return error;
}

/** A scratch directory for OpenSSL's files, removed by `cleanup`. */
export function scratchDir(): {
  path: (name: string) => string;
  write: (name: string, data: string | Uint8Array) => string;
  read: (name: string) => Uint8Array;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-crypto-'));
  return {
    path: (name) => join(dir, name),
    write: (name, data) => {
      writeFileSync(join(dir, name), data);
      return join(dir, name);
    },
    read: (name) => new Uint8Array(readFileSync(join(dir, name))),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs the `openssl` command line; returns stdout. Throws with stderr if it fails. */
export function openssl(args: string[], input?: Uint8Array | string): Buffer {
  try {
    return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new Error(`openssl ${args.join(' ')} failed: ${stderr}`, { cause: error });
  }
}
