/**
 * An organisation's service keys in one passphrase-protected file.
 *
 * File format, version 1 (UTF-8 JSON, written atomically, mode 0600):
 *
 * ```
 * { "format": "trellis-keystore", "version": 1,
 *   "kdf": { "name": "scrypt", "n": 131072, "r": 8, "p": 1 },   // parameters for new entries
 *   "check":   { n, r, p, salt, iv, ciphertext, tag },          // seals CHECK_PLAINTEXT
 *   "entries": [ { "name": "…", n, r, p, salt, iv, ciphertext, tag }, … ],   // sorted by name
 *   "checksum": "<hex SHA-256 of the canonical JSON of every member above>" }
 * ```
 *
 * Each sealed record has its own random 16-byte salt and 12-byte IV (lower-case hex): its key is
 * scrypt(passphrase NFC UTF-8, salt, n, r, p) → 32 bytes (RFC 7914), and the content is sealed
 * with AES-256-GCM (NIST SP 800-38D) under that key with a 16-byte tag. The additional
 * authenticated data binds the record to its place: `trellis-keystore/1/check/<n>/<r>/<p>` or
 * `trellis-keystore/1/entry/<name>/<n>/<r>/<p>`, so a renamed, swapped or re-parametrised
 * entry fails authentication. An entry's plaintext is the deterministic CBOR (docs/spec/
 * encoding.md) of `{ suite, org, certificatePem, secretKey: bytes }`.
 *
 * Opening derives the check record's key first: a failure there is a wrong passphrase. The
 * checksum is not a secret MAC: it turns an accidental change of any byte into `corrupt` before
 * any decryption; a deliberate change with a recomputed checksum fails authentication
 * (`tampered`, or `wrong-passphrase` if it touched the check record).
 *
 * One writer at a time: `add` rewrites the whole file; two processes adding to the same file
 * at once may lose one addition (this is an operator tool's file, not a database).
 */
import { type CborValue, decodeValue, encodeValue } from '@trellis/chain-core';
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  scrypt as scryptCallback,
} from 'node:crypto';
import { chmod, link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { inspect } from 'node:util';
import { KeystoreError, keystoreArgument } from './keystore-error';
import {
  KEY_NAME_PATTERN,
  type KeyEntryInput,
  TransactionSigner,
  checkKeyName,
  secretKeyOf,
} from './signer';

export const KEYSTORE_FORMAT = 'trellis-keystore';
export const KEYSTORE_VERSION = 1;
const CHECK_PLAINTEXT = 'trellis-keystore passphrase check';
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/** A keystore of a few dozen entries is a few tens of KiB. */
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_ENTRIES = 256;
const FILE_MODE = 0o600;

/** scrypt cost parameters (RFC 7914 §2). */
export interface ScryptParams {
  /** CPU/memory cost, a power of two in [2^14, 2^20]. */
  readonly n: number;
  /** Block size, 1..32. */
  readonly r: number;
  /** Parallelisation, 1..16. */
  readonly p: number;
}

/** OWASP Password Storage Cheat Sheet's scrypt setting: 128 MiB, one lane. */
export const DEFAULT_SCRYPT: ScryptParams = Object.freeze({ n: 2 ** 17, r: 8, p: 1 });
/** Memory scrypt may use for one derivation: 128·n·r bytes, at most 256 MiB here. */
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

interface Sealed extends ScryptParams {
  readonly salt: string;
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
}

interface SealedEntry extends Sealed {
  readonly name: string;
}

interface KeystoreDocument {
  readonly kdf: ScryptParams;
  readonly check: Sealed;
  readonly entries: readonly SealedEntry[];
}

export interface KeystoreCreateOptions {
  /** scrypt parameters for this keystore's records (default {@link DEFAULT_SCRYPT}). */
  readonly kdf?: Partial<ScryptParams>;
}

/** What an entry says, without its secret key. */
export interface KeyEntryInfo {
  readonly name: string;
  readonly org: string;
  readonly suite: string;
  readonly certificatePem: string;
}

export class Keystore {
  readonly #passphrase: string;
  readonly #kdf: ScryptParams;
  #sealed: readonly SealedEntry[];
  readonly #check: Sealed;
  readonly #signers: Map<string, TransactionSigner>;
  /** Serialises `add` calls of this instance. */
  #writing: Promise<unknown> = Promise.resolve();

  private constructor(
    /** Absolute path of the keystore file. */
    readonly path: string,
    passphrase: string,
    document: KeystoreDocument,
    signers: Map<string, TransactionSigner>,
  ) {
    this.#passphrase = passphrase;
    this.#kdf = document.kdf;
    this.#check = document.check;
    this.#sealed = document.entries;
    this.#signers = signers;
  }

  /**
   * Creates an empty keystore at `path` (never replacing a file) and returns it open.
   * @throws KeystoreError `invalid-argument`, `exists` or `io`.
   */
  static async create(
    path: string,
    passphrase: string,
    options: KeystoreCreateOptions = {},
  ): Promise<Keystore> {
    const file = checkPath(path);
    const secret = checkPassphrase(passphrase);
    const kdf = checkScrypt({ ...DEFAULT_SCRYPT, ...(options.kdf ?? {}) }, 'options.kdf');
    const check = await seal(secret, kdf, checkAad(kdf), Buffer.from(CHECK_PLAINTEXT, 'utf8'));
    const document: KeystoreDocument = { kdf, check, entries: [] };
    await writeNewFile(file, serialise(document));
    return new Keystore(file, secret, document, new Map());
  }

  /**
   * Opens the keystore at `path` and decrypts every entry. Reads only: nothing on disk changes,
   * whatever the outcome.
   * @throws KeystoreError `wrong-passphrase`, `corrupt`, `tampered`, `unsupported-version`,
   *   `invalid-argument` or `io`.
   */
  static async open(path: string, passphrase: string): Promise<Keystore> {
    const file = checkPath(path);
    const secret = checkPassphrase(passphrase);
    const document = parse(file, await readKeystoreFile(file));
    try {
      await unseal(secret, document.check, checkAad(document.check));
    } catch (_error) {
      throw new KeystoreError(
        'wrong-passphrase',
        { path: file },
        `the passphrase does not open ${file}`,
      );
    }
    const signers = new Map<string, TransactionSigner>();
    for (const entry of document.entries) {
      signers.set(entry.name, await openEntry(file, secret, entry));
    }
    return new Keystore(file, secret, document, signers);
  }

  /** Entry names, sorted. */
  names(): string[] {
    return [...this.#signers.keys()].sort();
  }

  has(name: string): boolean {
    return this.#signers.has(name);
  }

  /** The public facts of an entry. @throws KeystoreError `unknown-entry`. */
  info(name: string): KeyEntryInfo {
    const signer = this.signer(name);
    return {
      name,
      org: signer.org,
      suite: signer.suite,
      certificatePem: signer.certificatePem,
    };
  }

  /** The signer of entry `name`. @throws KeystoreError `unknown-entry`. */
  signer(name: string): TransactionSigner {
    const signer = this.#signers.get(name);
    if (signer === undefined) {
      throw new KeystoreError('unknown-entry', { name }, `no entry named ${JSON.stringify(name)}`);
    }
    return signer;
  }

  /**
   * Adds an entry (checked as {@link TransactionSigner.create} does) and rewrites the file
   * atomically; on any failure the file and this object are unchanged.
   * @throws KeystoreError `invalid-argument`, `key-mismatch`, `duplicate-entry` or `io`.
   */
  add(name: string, entry: KeyEntryInput): Promise<TransactionSigner> {
    const result = this.#writing.then(() => this.#add(name, entry));
    this.#writing = result.catch(() => undefined);
    return result;
  }

  async #add(name: string, entry: KeyEntryInput): Promise<TransactionSigner> {
    checkKeyName(name);
    if (this.#signers.has(name)) {
      throw new KeystoreError('duplicate-entry', { name }, `an entry named ${name} exists already`);
    }
    if (this.#sealed.length >= MAX_ENTRIES) {
      throw keystoreArgument('name', `a keystore holds at most ${MAX_ENTRIES} entries`);
    }
    const signer = TransactionSigner.create(name, entry);
    const secretKey = secretKeyOf(signer);
    const plaintext = Buffer.from(
      encodeValue({
        suite: signer.suite,
        org: signer.org,
        certificatePem: signer.certificatePem,
        secretKey,
      }),
    );
    try {
      const sealed = await seal(this.#passphrase, this.#kdf, entryAad(name, this.#kdf), plaintext);
      const entries = [...this.#sealed, { name, ...sealed }].sort((a, b) =>
        a.name < b.name ? -1 : 1,
      );
      await replaceFile(this.path, serialise({ kdf: this.#kdf, check: this.#check, entries }));
      this.#sealed = entries;
      this.#signers.set(name, signer);
      return signer;
    } finally {
      plaintext.fill(0);
      secretKey.fill(0);
    }
  }

  toJSON(): Record<string, unknown> {
    return { path: this.path, entries: this.names() };
  }

  [inspect.custom](): string {
    return `Keystore ${inspect(this.toJSON())}`;
  }
}

async function openEntry(
  file: string,
  passphrase: string,
  entry: SealedEntry,
): Promise<TransactionSigner> {
  let plaintext: Buffer;
  try {
    plaintext = await unseal(passphrase, entry, entryAad(entry.name, entry));
  } catch (_error) {
    throw new KeystoreError(
      'tampered',
      { path: file, entry: entry.name },
      `entry ${entry.name} of ${file} fails authentication: it was changed`,
    );
  }
  try {
    const content = decodeValue(plaintext) as { [key: string]: CborValue };
    return TransactionSigner.create(entry.name, {
      suite: content['suite'] as KeyEntryInput['suite'],
      org: content['org'] as string,
      certificatePem: content['certificatePem'] as string,
      secretKey: content['secretKey'] as Uint8Array,
    });
  } catch (error) {
    // Authenticated content that does not make a signer: written by something else.
    const problem = error instanceof KeystoreError ? error.code : 'undecodable';
    throw new KeystoreError(
      'corrupt',
      { path: file, problem: `entry ${entry.name}: ${problem}` },
      `entry ${entry.name} of ${file} does not hold a usable key (${problem})`,
    );
  } finally {
    plaintext.fill(0);
  }
}

// --- sealing ---------------------------------------------------------------------------------

function checkAad(kdf: ScryptParams): Buffer {
  return Buffer.from(`${KEYSTORE_FORMAT}/${KEYSTORE_VERSION}/check/${kdf.n}/${kdf.r}/${kdf.p}`);
}

function entryAad(name: string, kdf: ScryptParams): Buffer {
  return Buffer.from(
    `${KEYSTORE_FORMAT}/${KEYSTORE_VERSION}/entry/${name}/${kdf.n}/${kdf.r}/${kdf.p}`,
  );
}

function deriveKey(passphrase: string, salt: Buffer, kdf: ScryptParams): Promise<Buffer> {
  return new Promise((done, fail) => {
    scryptCallback(
      Buffer.from(passphrase, 'utf8'),
      salt,
      KEY_BYTES,
      { N: kdf.n, r: kdf.r, p: kdf.p, maxmem: 2 * 128 * kdf.n * kdf.r + 1024 * 1024 },
      (error, key) => (error ? fail(error) : done(key)),
    );
  });
}

async function seal(
  passphrase: string,
  kdf: ScryptParams,
  aad: Buffer,
  plaintext: Buffer,
): Promise<Sealed> {
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const key = await deriveKey(passphrase, salt, kdf);
  try {
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      n: kdf.n,
      r: kdf.r,
      p: kdf.p,
      salt: salt.toString('hex'),
      iv: iv.toString('hex'),
      ciphertext: ciphertext.toString('hex'),
      tag: cipher.getAuthTag().toString('hex'),
    };
  } finally {
    key.fill(0);
  }
}

/** The plaintext of a sealed record; throws if authentication fails. */
async function unseal(passphrase: string, sealed: Sealed, aad: Buffer): Promise<Buffer> {
  const key = await deriveKey(passphrase, Buffer.from(sealed.salt, 'hex'), sealed);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'hex'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(aad);
    decipher.setAuthTag(Buffer.from(sealed.tag, 'hex'));
    return Buffer.concat([
      decipher.update(Buffer.from(sealed.ciphertext, 'hex')),
      decipher.final(),
    ]);
  } finally {
    key.fill(0);
  }
}

// --- the file --------------------------------------------------------------------------------

/** The members covered by the checksum, in their canonical order. */
function canonical(document: KeystoreDocument): Record<string, unknown> {
  const sealed = (s: Sealed) => ({
    n: s.n,
    r: s.r,
    p: s.p,
    salt: s.salt,
    iv: s.iv,
    ciphertext: s.ciphertext,
    tag: s.tag,
  });
  return {
    format: KEYSTORE_FORMAT,
    version: KEYSTORE_VERSION,
    kdf: { name: 'scrypt', n: document.kdf.n, r: document.kdf.r, p: document.kdf.p },
    check: sealed(document.check),
    entries: document.entries.map((e) => ({ name: e.name, ...sealed(e) })),
  };
}

function checksumOf(document: KeystoreDocument): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(document)))
    .digest('hex');
}

function serialise(document: KeystoreDocument): string {
  return `${JSON.stringify({ ...canonical(document), checksum: checksumOf(document) }, null, 2)}\n`;
}

/** Strict reading: every member present with exactly the expected type and form. */
function parse(file: string, text: string): KeystoreDocument {
  const corrupt = (problem: string) =>
    new KeystoreError('corrupt', { path: file, problem }, `${file} is not intact: ${problem}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (_error) {
    throw corrupt('not JSON');
  }
  const root = record(json, '$', corrupt);
  if (root['format'] !== KEYSTORE_FORMAT) throw corrupt('$.format is not trellis-keystore');
  if (!Number.isSafeInteger(root['version'])) throw corrupt('$.version is not an integer');
  if (root['version'] !== KEYSTORE_VERSION) {
    throw new KeystoreError(
      'unsupported-version',
      { path: file, version: root['version'] },
      `${file} is keystore version ${JSON.stringify(root['version'])}; this code reads ${KEYSTORE_VERSION}`,
    );
  }
  exactKeys(root, ['format', 'version', 'kdf', 'check', 'entries', 'checksum'], '$', corrupt);
  const kdfJson = record(root['kdf'], '$.kdf', corrupt);
  exactKeys(kdfJson, ['name', 'n', 'r', 'p'], '$.kdf', corrupt);
  if (kdfJson['name'] !== 'scrypt') throw corrupt('$.kdf.name is not scrypt');
  const kdf = scryptOf(kdfJson, '$.kdf', corrupt);
  const check = sealedOf(root['check'], '$.check', [], corrupt);
  if (!Array.isArray(root['entries'])) throw corrupt('$.entries is not an array');
  if (root['entries'].length > MAX_ENTRIES) throw corrupt(`more than ${MAX_ENTRIES} entries`);
  const entries = root['entries'].map((value: unknown, i: number) => {
    const field = `$.entries[${i}]`;
    const sealed = sealedOf(value, field, ['name'], corrupt);
    const name = (value as Record<string, unknown>)['name'];
    if (typeof name !== 'string' || !KEY_NAME_PATTERN.test(name)) {
      throw corrupt(`${field}.name is not an entry name`);
    }
    return { name, ...sealed };
  });
  for (let i = 1; i < entries.length; i++) {
    if (entries[i - 1]!.name >= entries[i]!.name) throw corrupt('$.entries are not sorted by name');
  }
  const document: KeystoreDocument = { kdf, check, entries };
  if (root['checksum'] !== checksumOf(document)) throw corrupt('the checksum does not match');
  // Byte for byte as this code writes it: another layout, or hex in upper case that decodes
  // to the same bytes, is a changed file too.
  if (text !== serialise(document)) throw corrupt('not in the canonical form this code writes');
  return document;
}

type Corrupt = (problem: string) => KeystoreError;

function record(value: unknown, field: string, corrupt: Corrupt): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw corrupt(`${field} is not an object`);
  }
  return value as Record<string, unknown>;
}

function exactKeys(
  value: Record<string, unknown>,
  keys: readonly string[],
  field: string,
  corrupt: Corrupt,
): void {
  const actual = Object.keys(value);
  if (actual.length !== keys.length || !keys.every((k) => actual.includes(k))) {
    throw corrupt(`${field} has members ${actual.join(',')}, expected ${keys.join(',')}`);
  }
}

function scryptOf(value: Record<string, unknown>, field: string, corrupt: Corrupt): ScryptParams {
  try {
    return checkScrypt({ n: value['n'], r: value['r'], p: value['p'] }, field);
  } catch (error) {
    throw corrupt((error as KeystoreError).message.replace(/^keystore: /, ''));
  }
}

function sealedOf(
  value: unknown,
  field: string,
  extra: readonly string[],
  corrupt: Corrupt,
): Sealed {
  const json = record(value, field, corrupt);
  exactKeys(json, [...extra, 'n', 'r', 'p', 'salt', 'iv', 'ciphertext', 'tag'], field, corrupt);
  const hex = (member: string, bytes?: number): string => {
    const text = json[member];
    const pattern =
      bytes === undefined ? /^(?:[0-9a-f]{2}){1,65536}$/ : new RegExp(`^[0-9a-f]{${2 * bytes}}$`);
    if (typeof text !== 'string' || !pattern.test(text)) {
      throw corrupt(`${field}.${member} is not ${bytes ?? 'some'} bytes of lower-case hex`);
    }
    return text;
  };
  return {
    ...scryptOf(json, field, corrupt),
    salt: hex('salt', SALT_BYTES),
    iv: hex('iv', IV_BYTES),
    ciphertext: hex('ciphertext'),
    tag: hex('tag', TAG_BYTES),
  };
}

async function readKeystoreFile(file: string): Promise<string> {
  try {
    const info = await stat(file);
    if (info.size > MAX_FILE_BYTES) {
      throw new KeystoreError(
        'corrupt',
        { path: file, problem: 'too large' },
        `${file} is ${info.size} bytes; a keystore is at most ${MAX_FILE_BYTES}`,
      );
    }
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof KeystoreError) throw error;
    throw ioError(file, error);
  }
}

/** Writes `text` to a temporary file beside `file` (0600, fsynced) and hands it to `place`. */
async function writeBeside(
  file: string,
  text: string,
  place: (temporary: string) => Promise<void>,
): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx', FILE_MODE);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The umask may have taken bits from the mode, never added any; set it exactly.
    await chmod(temporary, FILE_MODE);
    await place(temporary);
    await syncDirectory(dirname(file));
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    if (error instanceof KeystoreError) throw error;
    throw ioError(file, error);
  }
}

/** Creates `file` with `text`, atomically, refusing to replace anything (link(2) is atomic). */
function writeNewFile(file: string, text: string): Promise<void> {
  return writeBeside(file, text, async (temporary) => {
    try {
      await link(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new KeystoreError('exists', { path: file }, `${file} exists already; not replaced`);
      }
      throw error;
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
  });
}

/** Replaces `file` with `text` atomically (rename(2)): readers see the old or the new file. */
function replaceFile(file: string, text: string): Promise<void> {
  return writeBeside(file, text, (temporary) => rename(temporary, file));
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function ioError(file: string, error: unknown): KeystoreError<'io'> {
  const cause = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new KeystoreError('io', { path: file, cause }, `${file}: ${cause}`);
}

// --- arguments -------------------------------------------------------------------------------

function checkPath(path: unknown): string {
  if (typeof path !== 'string' || path === '')
    throw keystoreArgument('path', 'expected a file path');
  return resolve(path);
}

/** NFC, so the same passphrase typed on two systems derives the same key. */
function checkPassphrase(passphrase: unknown): string {
  if (typeof passphrase !== 'string') throw keystoreArgument('passphrase', 'expected a string');
  const normalised = passphrase.normalize('NFC');
  if (normalised.length < 8 || normalised.length > 1024) {
    throw keystoreArgument('passphrase', 'expected 8 to 1024 characters');
  }
  return normalised;
}

function checkScrypt(value: { n: unknown; r: unknown; p: unknown }, field: string): ScryptParams {
  const { n, r, p } = value;
  const isInt = (x: unknown, lo: number, hi: number): x is number =>
    typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= hi;
  if (!isInt(n, 2 ** 14, 2 ** 20) || (n & (n - 1)) !== 0) {
    throw keystoreArgument(`${field}.n`, `${String(n)} is not a power of two in [2^14, 2^20]`);
  }
  if (!isInt(r, 1, 32)) throw keystoreArgument(`${field}.r`, `${String(r)} is not in 1..32`);
  if (!isInt(p, 1, 16)) throw keystoreArgument(`${field}.p`, `${String(p)} is not in 1..16`);
  if (128 * n * r > MAX_SCRYPT_MEMORY) {
    throw keystoreArgument(field, `128·n·r = ${128 * n * r} bytes exceeds ${MAX_SCRYPT_MEMORY}`);
  }
  return { n, r, p };
}
