/**
 * A service's signing identity: one organisation's member certificate and the suite secret key
 * that goes with it. The secret key lives in an ES private field: it is not an own property, so
 * `JSON.stringify`, `util.inspect`, loggers and `Object.keys` never see it, and the custom
 * inspect/JSON forms below list only the public facts.
 */
import {
  SUITE_IDS,
  type SignatureSuite,
  type SuiteId,
  copyBytes,
  getSuite,
  equalBytes,
  isOrgId,
  type PrivateReadHeaders,
  signPrivateRead,
  toHex,
} from '@trellis/chain-core';
import { inspect } from 'node:util';
import { certificateFacts, pemToDer } from './certificate';
import { KeystoreError, keystoreArgument } from './keystore-error';
import {
  type MemberKey,
  type SignedTransaction,
  type TransactionRequest,
  signTransaction,
} from './transactions';

/** What a keystore entry holds. */
export interface KeyEntryInput {
  /** The chain's signature suite (its genesis names it). */
  readonly suite: SuiteId;
  /** The suite secret key: 32 raw bytes, or PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
  readonly secretKey: Uint8Array | string;
  /** The member certificate whose public key belongs to `secretKey`. */
  readonly certificatePem: string;
  /** The organisation the certificate belongs to (its issuer's `O`). */
  readonly org: string;
}

/** Entry names: lower-case words, as file names and log fields stay readable. */
export const KEY_NAME_PATTERN = /^[a-z][a-z0-9._-]{0,63}$/;

export function checkKeyName(name: unknown, field = 'name'): string {
  if (typeof name !== 'string' || !KEY_NAME_PATTERN.test(name)) {
    throw keystoreArgument(field, `expected a name matching ${KEY_NAME_PATTERN}`);
  }
  return name;
}

/**
 * A copy of a signer's secret key, for the keystore to encrypt. Module-internal to the SDK: the
 * chain index does not export it.
 */
export let secretKeyOf: (signer: TransactionSigner) => Uint8Array;

/** Signs transactions as one member; see the file comment for how the key is kept private. */
export class TransactionSigner {
  readonly #suite: SignatureSuite;
  readonly #key: MemberKey;

  private constructor(
    readonly name: string,
    readonly org: string,
    readonly suite: SuiteId,
    /** SHA-256 of the certificate's tbsCertificate: `signer.cert` of the transactions. */
    readonly certificate: Uint8Array,
    readonly certificatePem: string,
    implementation: SignatureSuite,
    secretKey: Uint8Array,
  ) {
    this.#suite = implementation;
    this.#key = { org, certificate, secretKey };
  }

  /**
   * Checks `entry` (suite, org, the secret key's form and range, that the certificate's public
   * key is the secret key's and that its issuer is `org`) and returns its signer.
   * @throws KeystoreError `invalid-argument` naming the field, or `key-mismatch`.
   */
  static create(name: string, entry: KeyEntryInput): TransactionSigner {
    checkKeyName(name);
    if (typeof entry !== 'object' || entry === null) {
      throw keystoreArgument('entry', 'expected { suite, secretKey, certificatePem, org }');
    }
    if (!SUITE_IDS.includes(entry.suite)) {
      throw keystoreArgument('entry.suite', `expected one of ${SUITE_IDS.join(', ')}`);
    }
    if (!isOrgId(entry.org)) throw keystoreArgument('entry.org', 'not an organisation id');
    if (typeof entry.certificatePem !== 'string') {
      throw keystoreArgument('entry.certificatePem', 'expected PEM text');
    }
    const suite = getSuite(entry.suite, 'fast');
    const secretKey = readSecretKey(suite, entry.secretKey);
    let facts: ReturnType<typeof certificateFacts>;
    try {
      facts = certificateFacts(entry.certificatePem);
    } catch (error) {
      throw keystoreArgument('entry.certificatePem', (error as Error).message);
    }
    if (facts.issuerOrg !== undefined && facts.issuerOrg !== entry.org) {
      throw new KeystoreError(
        'key-mismatch',
        { name, problem: 'org' },
        `entry ${name}: the certificate was issued by ${facts.issuerOrg}, not ${entry.org}`,
      );
    }
    const publicKey = suite.publicKeyFromSecretKey(secretKey);
    let certified: Uint8Array | undefined;
    try {
      certified = suite.publicKeyFromDer(facts.publicKeySpki);
    } catch (_error) {
      certified = undefined;
    }
    if (certified === undefined || !equalBytes(certified, publicKey)) {
      throw new KeystoreError(
        'key-mismatch',
        { name, problem: 'public-key' },
        `entry ${name}: the certificate's public key is not the ${suite.id} secret key's`,
      );
    }
    return new TransactionSigner(
      name,
      entry.org,
      suite.id,
      facts.tbsHash,
      entry.certificatePem,
      suite,
      secretKey,
    );
  }

  /** Signs a new transaction (a fresh random nonce unless `request.nonce` is given). */
  sign(request: TransactionRequest): SignedTransaction {
    return signTransaction(this.#suite, this.#key, request);
  }

  /**
   * The signed headers of a private-data read of `txId` on chain `chainId`
   * (docs/spec/private-data.md §6): valid for the node's clock skew window.
   */
  signPrivateRead(chainId: string, txId: Uint8Array, timestampMs = Date.now()): PrivateReadHeaders {
    return signPrivateRead({
      suite: this.suite,
      chainId,
      txId,
      certificateDer: pemToDer(this.certificatePem),
      secretKey: this.#key.secretKey,
      timestampMs,
    });
  }

  static {
    secretKeyOf = (signer) => copyBytes(signer.#key.secretKey);
  }

  toJSON(): Record<string, string> {
    return {
      name: this.name,
      org: this.org,
      suite: this.suite,
      certificate: toHex(this.certificate),
    };
  }

  [inspect.custom](): string {
    return `TransactionSigner ${inspect(this.toJSON())}`;
  }
}

function readSecretKey(suite: SignatureSuite, input: unknown): Uint8Array {
  // The causes are dropped on purpose: an error message must not carry key material.
  if (typeof input === 'string') {
    try {
      return suite.secretKeyFromPem(input);
    } catch (_error) {
      throw keystoreArgument('entry.secretKey', `not a ${suite.id} PKCS#8 PEM private key`);
    }
  }
  if (!(input instanceof Uint8Array) || input.length !== suite.secretKeyLength) {
    throw keystoreArgument(
      'entry.secretKey',
      `expected ${suite.secretKeyLength} bytes or PKCS#8 PEM text`,
    );
  }
  const secretKey = copyBytes(input);
  try {
    suite.publicKeyFromSecretKey(secretKey);
  } catch (_error) {
    throw keystoreArgument('entry.secretKey', `not a valid ${suite.id} secret key`);
  }
  return secretKey;
}
