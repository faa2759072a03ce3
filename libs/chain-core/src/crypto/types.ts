/**
 * The signature-suite contract (docs/spec/crypto.md). A chain names one suite in its
 * genesis; every transaction and vote on it is signed and verified with that suite. Two
 * implementations keep the contract: `fast` (node only: libsodium, OpenSSL, cached keys) and
 * `portable` (pure JavaScript, runs in a browser). Both accept and reject exactly the same
 * signatures and produce the same bytes.
 */

/** The signature suites a chain can choose in genesis. */
export type SuiteId = 'ed25519' | 'p256' | 'sm2';

/** The hash of a suite: SM3 (GB/T 32905) for SM2, SHA-256 for the others. */
export type HashId = 'sha256' | 'sm3';

/** `fast`: node's native code; `portable`: pure JavaScript, for browsers and independent verifiers. */
export type Implementation = 'fast' | 'portable';

export const SUITE_IDS: readonly SuiteId[] = Object.freeze(['ed25519', 'p256', 'sm2']);
export const HASH_IDS: readonly HashId[] = Object.freeze(['sha256', 'sm3']);
export const IMPLEMENTATIONS: readonly Implementation[] = Object.freeze(['fast', 'portable']);

/** The hash that goes with each suite (and that the chain uses for everything else it hashes). */
export const SUITE_HASH: Readonly<Record<SuiteId, HashId>> = Object.freeze({
  ed25519: 'sha256',
  p256: 'sha256',
  sm2: 'sm3',
});

export interface KeyPair {
  /** 32 bytes: the Ed25519 seed (RFC 8032 private key), or the big-endian scalar d for P-256/SM2. */
  readonly secretKey: Uint8Array;
  /** The suite's raw public key: 32 bytes (Ed25519) or 33 bytes compressed SEC1 (P-256, SM2). */
  readonly publicKey: Uint8Array;
}

/** One signature to check in a batch. */
export interface BatchItem {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * One signature suite in one implementation. All byte arguments are Uint8Array (a Buffer is
 * one); every method validates its arguments and throws a `CryptoError` naming the bad one.
 * `verify` returns `false` for any well-sized input that breaks a rule of the suite
 * (docs/spec/crypto.md §4); it throws only for arguments of the wrong type or length.
 */
export interface SignatureSuite {
  readonly id: SuiteId;
  readonly hashId: HashId;
  readonly implementation: Implementation;
  /** Always 32. */
  readonly secretKeyLength: number;
  /** 32 for Ed25519, 33 (compressed SEC1) for P-256 and SM2. */
  readonly publicKeyLength: number;
  /** Always 64: R‖S (Ed25519) or r‖s, each 32 bytes big-endian (P-256, SM2). */
  readonly signatureLength: number;

  /** A fresh key pair from the platform's CSPRNG. */
  generateKeyPair(): KeyPair;
  publicKeyFromSecretKey(secretKey: Uint8Array): Uint8Array;
  /** Deterministic: the same key and message always give the same signature (§5 of the spec). */
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** `result[i]` tells whether `items[i]` verifies; the same answers as `verify` one by one. */
  verifyBatch(items: readonly BatchItem[]): boolean[];
  /** The suite's hash (SHA-256 or SM3) of `data`. */
  hash(data: Uint8Array): Uint8Array;

  /**
   * Validates raw public key bytes and returns the suite's canonical form: P-256 and SM2
   * accept 33-byte compressed or 65-byte uncompressed SEC1 and return 33 bytes; Ed25519
   * returns its 32 bytes. Throws `invalid-public-key` for a key `verify` would never accept.
   */
  publicKeyFromBytes(bytes: Uint8Array): Uint8Array;
  /** SubjectPublicKeyInfo (RFC 5280 §4.1.2.7; RFC 8410 for Ed25519, RFC 5480 for EC). */
  publicKeyToDer(publicKey: Uint8Array): Uint8Array;
  publicKeyFromDer(der: Uint8Array): Uint8Array;
  /** `-----BEGIN PUBLIC KEY-----` around the SPKI DER. */
  publicKeyToPem(publicKey: Uint8Array): string;
  publicKeyFromPem(pem: string): Uint8Array;
  /** PKCS#8 PrivateKeyInfo (RFC 5208/5958; RFC 8410 for Ed25519, RFC 5915 inside for EC). */
  secretKeyToDer(secretKey: Uint8Array): Uint8Array;
  secretKeyFromDer(der: Uint8Array): Uint8Array;
  /** `-----BEGIN PRIVATE KEY-----` around the PKCS#8 DER. */
  secretKeyToPem(secretKey: Uint8Array): string;
  secretKeyFromPem(pem: string): Uint8Array;
}
