/**
 * The one error type of the keystore. Messages name the file, the entry or the field and the
 * fact; they never quote a passphrase, a secret key or decrypted content.
 */

/** The metadata of each {@link KeystoreError} code. */
export interface KeystoreErrorMeta {
  /** An argument is missing, of the wrong type or out of range; `field` names it. */
  'invalid-argument': { readonly field: string };
  /** `create` found a file at the path already: it is never overwritten. */
  exists: { readonly path: string };
  /** The keystore file could not be read or written. */
  io: { readonly path: string; readonly cause: string };
  /** The passphrase does not open this keystore. */
  'wrong-passphrase': { readonly path: string };
  /** The file is not a keystore, or its bytes were changed (checksum or structure). */
  corrupt: { readonly path: string; readonly problem: string };
  /**
   * An entry failed authentication under the right passphrase: its ciphertext, parameters or
   * name were changed by someone who also recomputed the checksum.
   */
  tampered: { readonly path: string; readonly entry: string };
  /** A keystore format version this code does not read. */
  'unsupported-version': { readonly path: string; readonly version: unknown };
  /** `add` of a name that is taken. */
  'duplicate-entry': { readonly name: string };
  /** No entry of that name. */
  'unknown-entry': { readonly name: string };
  /** The secret key does not belong to the certificate (or the certificate to the org). */
  'key-mismatch': { readonly name: string; readonly problem: string };
}

export type KeystoreErrorCode = keyof KeystoreErrorMeta;

export class KeystoreError<C extends KeystoreErrorCode = KeystoreErrorCode> extends Error {
  constructor(
    readonly code: C,
    readonly meta: KeystoreErrorMeta[C],
    message: string,
  ) {
    super(`keystore: ${message}`);
    this.name = 'KeystoreError';
  }
}

export function keystoreArgument(
  field: string,
  problem: string,
): KeystoreError<'invalid-argument'> {
  return new KeystoreError('invalid-argument', { field }, `${field}: ${problem}`);
}
