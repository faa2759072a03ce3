/**
 * Reading and writing the key and certificate files of a consortium. Private keys are written
 * owner-only (0600) and refused on reading when their group or others may read them, as ssh
 * does: a consensus or TLS key that others can read is no longer the node's alone.
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getSuite, type KeyPair, type SignatureSuite, type SuiteId } from '@trellis/chain-core';
import { consortiumError, messageOf } from './consortium-error';
import { decodePem } from './pem';

/** Owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * The text of a file holding one PEM block (with `label` if given, e.g. `CERTIFICATE`), as
 * node:tls takes it. A `… PRIVATE KEY` block must be in an owner-only file.
 * @throws ConsortiumError `unreadable-file`, `invalid-key-file` or `insecure-key-file`.
 */
export function loadPem(path: string, label?: string): string {
  const file = resolve(checkPath(path));
  const text = readText(file);
  const pem = decodePem(text, label);
  if (!pem.ok) throw consortiumError('invalid-key-file', '$', pem.reason, file);
  if (pem.label.endsWith('PRIVATE KEY')) requireOwnerOnly(file);
  return `${text.trim()}\n`;
}

/**
 * A suite secret key file (PKCS#8 PEM, as `init` writes `consensus.key`) and its public key.
 * `suite` is the genesis suite: a key of another algorithm is refused.
 * @throws ConsortiumError `unreadable-file`, `invalid-key-file` or `insecure-key-file`.
 */
export function loadSecretKey(path: string, suite: SuiteId | SignatureSuite): KeyPair {
  const file = resolve(checkPath(path));
  const implementation = typeof suite === 'string' ? getSuite(suite) : suite;
  const text = loadPem(file, 'PRIVATE KEY');
  try {
    const secretKey = implementation.secretKeyFromPem(text);
    return Object.freeze({
      secretKey,
      publicKey: implementation.publicKeyFromSecretKey(secretKey),
    });
  } catch (error) {
    throw consortiumError(
      'invalid-key-file',
      '$',
      `not a ${implementation.id} secret key: ${messageOf(error)}`,
      file,
    );
  }
}

/**
 * Writes a private key file, owner-only. Refuses to replace an existing file: losing a key is
 * not undone by a second command.
 */
export function writePrivateFile(path: string, text: string): void {
  writeNewFile(path, text, PRIVATE_FILE_MODE);
}

/** Writes a public file (certificate, configuration, genesis); refuses to replace one. */
export function writePublicFile(path: string, text: string): void {
  writeNewFile(path, text, 0o644);
}

function writeNewFile(path: string, text: string, mode: number): void {
  try {
    writeFileSync(path, text, { mode, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw consortiumError('file-exists', '$', 'exists already; not overwritten', path);
    }
    throw error;
  }
  // The process umask may have taken bits from `mode`, never added any; set it exactly.
  chmodSync(path, mode);
}

function requireOwnerOnly(file: string): void {
  if (process.platform === 'win32') return;
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw consortiumError(
      'insecure-key-file',
      '$',
      `a private key readable by others (mode ${mode.toString(8).padStart(4, '0')}); run chmod 600`,
      file,
    );
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw consortiumError('unreadable-file', '$', messageOf(error), file);
  }
}

function checkPath(path: unknown): string {
  if (typeof path !== 'string' || path === '') {
    throw consortiumError('invalid-argument', 'path', 'expected a file path');
  }
  return path;
}
