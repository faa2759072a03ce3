/**
 * Turns a suite's bare operations into the checked `SignatureSuite` contract, the same way
 * for both implementations: argument validation with errors naming the argument, key
 * encodings (raw, DER, PEM), batch verification, and no library error ever escaping.
 */
import { CryptoError, CryptoErrorCode } from '../errors';
import type { BatchItem, Implementation, KeyPair, SignatureSuite, SuiteId } from '../types';
import { SUITE_HASH } from '../types';
import { assertBytes, assertString, copyBytes, describe, equalBytes } from './bytes';
import { P256Point, Sm2Point } from './curves';
import { DerError } from './der';
import { decodeEd25519PublicKey } from './ed25519-rules';
import { WrongKeyTypeError, decodePkcs8, decodeSpki, encodePkcs8, encodeSpki } from './key-der';
import { PemError, fromPem, toPem } from './pem';

/** What an implementation provides; inputs have been validated when these are called. */
export interface SuiteCore {
  readonly id: SuiteId;
  readonly implementation: Implementation;
  hash(data: Uint8Array): Uint8Array;
  /** A uniformly random valid secret key. */
  randomSecretKey(): Uint8Array;
  /** Whether 32 bytes are a valid secret key (Ed25519: always; P-256: d ∈ [1, n−1]; SM2: d ∈ [1, n−2]). */
  isValidSecretKey(secretKey: Uint8Array): boolean;
  publicKeyFromSecretKey(secretKey: Uint8Array): Uint8Array;
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** All three arguments have the suite's lengths; false for anything the rules reject. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

/** Raw public key forms per suite: length of the canonical form, lengths accepted on import. */
const PUBLIC_KEY_LENGTHS: Readonly<Record<SuiteId, readonly number[]>> = {
  ed25519: [32],
  p256: [33, 65],
  sm2: [33, 65],
};

/** The canonical raw public key for acceptable key bytes, or undefined. */
export function canonicalPublicKey(suite: SuiteId, bytes: Uint8Array): Uint8Array | undefined {
  if (suite === 'ed25519') return decodeEd25519PublicKey(bytes) ? copyBytes(bytes) : undefined;
  try {
    // SEC1 §2.3.4: 0x02/0x03 ‖ x or 0x04 ‖ x ‖ y, on the curve, not the point at infinity.
    return (suite === 'p256' ? P256Point : Sm2Point).fromBytes(bytes).toBytes(true);
  } catch (_notAPoint) {
    return undefined;
  }
}

/** The point as the SPKI BIT STRING carries it: raw for Ed25519, uncompressed SEC1 for EC. */
function spkiKeyBytes(suite: SuiteId, publicKey: Uint8Array): Uint8Array {
  if (suite === 'ed25519') return publicKey;
  return (suite === 'p256' ? P256Point : Sm2Point).fromBytes(publicKey).toBytes(false);
}

/** Type and length checks of one signature to verify; `prefix` locates it in a batch. */
function checkVerifyArguments(
  id: SuiteId,
  publicKey: unknown,
  message: unknown,
  signature: unknown,
  where: string,
  prefix = '',
): void {
  assertBytes(publicKey, where, `${prefix}publicKey`, PUBLIC_KEY_LENGTHS[id][0]!);
  assertBytes(message, where, `${prefix}message`);
  assertBytes(signature, where, `${prefix}signature`, 64);
}

/** Checks a batch: an array of `{ publicKey, message, signature }` of the suite's sizes. */
export function checkBatchItems(
  id: SuiteId,
  items: unknown,
  where: string,
): asserts items is readonly BatchItem[] {
  if (!Array.isArray(items)) {
    throw new CryptoError(
      CryptoErrorCode.InvalidArgument,
      `${where}: items must be an array, got ${describe(items)}`,
      {
        argument: 'items',
        algorithm: id,
      },
    );
  }
  items.forEach((item: unknown, index) => {
    if (typeof item !== 'object' || item === null) {
      throw new CryptoError(
        CryptoErrorCode.InvalidArgument,
        `${where}: items[${index}] must be an object, got ${describe(item)}`,
        { argument: `items[${index}]`, algorithm: id },
      );
    }
    const { publicKey, message, signature } = item as Partial<BatchItem>;
    checkVerifyArguments(id, publicKey, message, signature, where, `items[${index}].`);
  });
}

export function defineSuite(core: SuiteCore): SignatureSuite {
  const { id } = core;
  const publicKeyLength = PUBLIC_KEY_LENGTHS[id][0]!;
  const at = (method: string): string => `${id}.${method}`;

  const checkSecretKey = (
    secretKey: unknown,
    method: string,
    argument = 'secretKey',
  ): Uint8Array => {
    assertBytes(secretKey, at(method), argument, 32);
    if (!core.isValidSecretKey(secretKey)) {
      throw new CryptoError(
        CryptoErrorCode.InvalidSecretKey,
        `${at(method)}: ${argument} is not a valid ${id} secret key (scalar out of range)`,
        { argument, algorithm: id },
      );
    }
    return secretKey;
  };

  const checkPublicKey = (bytes: unknown, method: string, argument: string): Uint8Array => {
    assertBytes(bytes, at(method), argument, ...PUBLIC_KEY_LENGTHS[id]);
    const canonical = canonicalPublicKey(id, bytes);
    if (canonical === undefined) {
      throw new CryptoError(
        CryptoErrorCode.InvalidPublicKey,
        `${at(method)}: ${argument} is not an acceptable ${id} public key`,
        { argument, algorithm: id },
      );
    }
    return canonical;
  };

  const verifyChecked = (
    publicKey: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
  ): boolean => {
    try {
      return core.verify(publicKey, message, signature) === true;
    } catch (_rejected) {
      // A rule-breaking input a library chose to throw on: a rejection, never an escape.
      return false;
    }
  };

  /** Runs `body`, turning any non-CryptoError into `internal` (a library failing where it should not). */
  const guarded = <T>(method: string, body: () => T): T => {
    try {
      return body();
    } catch (error) {
      if (error instanceof CryptoError) throw error;
      throw new CryptoError(
        CryptoErrorCode.Internal,
        `${at(method)}: ${String(error)}`,
        { algorithm: id },
        { cause: error },
      );
    }
  };

  /** Parses DER or PEM with `parse`, mapping parser failures onto typed errors naming `argument`. */
  const decoding = <T>(method: string, argument: string, parse: () => T): T => {
    try {
      return parse();
    } catch (error) {
      if (error instanceof CryptoError) throw error;
      if (error instanceof WrongKeyTypeError) {
        throw new CryptoError(
          CryptoErrorCode.WrongKeyType,
          `${at(method)}: ${argument} ${error.message}`,
          {
            argument,
            algorithm: id,
            expected: error.expected,
            actual: error.found,
          },
        );
      }
      if (error instanceof DerError || error instanceof PemError) {
        throw new CryptoError(
          CryptoErrorCode.InvalidEncoding,
          `${at(method)}: ${argument} is malformed: ${error.message}`,
          {
            argument,
            algorithm: id,
          },
        );
      }
      throw new CryptoError(
        CryptoErrorCode.Internal,
        `${at(method)}: ${String(error)}`,
        { algorithm: id },
        { cause: error },
      );
    }
  };

  const publicKeyToDer = (publicKey: Uint8Array): Uint8Array => {
    const canonical = checkPublicKey(publicKey, 'publicKeyToDer', 'publicKey');
    return encodeSpki(id, spkiKeyBytes(id, canonical));
  };

  const publicKeyFromDer = (
    der: Uint8Array,
    method = 'publicKeyFromDer',
    argument = 'der',
  ): Uint8Array => {
    assertBytes(der, at(method), argument);
    const keyBytes = decoding(method, argument, () => decodeSpki(id, der));
    return checkPublicKey(keyBytes, method, `${argument} (subjectPublicKey)`);
  };

  const secretKeyToDer = (secretKey: Uint8Array): Uint8Array => {
    const sk = checkSecretKey(secretKey, 'secretKeyToDer');
    return guarded('secretKeyToDer', () =>
      encodePkcs8(
        id,
        sk,
        id === 'ed25519' ? undefined : spkiKeyBytes(id, core.publicKeyFromSecretKey(sk)),
      ),
    );
  };

  const secretKeyFromDer = (
    der: Uint8Array,
    method = 'secretKeyFromDer',
    argument = 'der',
  ): Uint8Array => {
    assertBytes(der, at(method), argument);
    const decoded = decoding(method, argument, () => decodePkcs8(id, der));
    const secretKey = checkSecretKey(decoded.secretKey, method, `${argument} (privateKey)`);
    if (decoded.publicKey !== undefined) {
      const stored = canonicalPublicKey(id, decoded.publicKey);
      const derived = guarded(method, () => core.publicKeyFromSecretKey(secretKey));
      if (stored === undefined || !equalBytes(stored, derived)) {
        throw new CryptoError(
          CryptoErrorCode.KeyMismatch,
          `${at(method)}: ${argument} carries a public key that does not belong to its private key`,
          { argument, algorithm: id },
        );
      }
    }
    return copyBytes(secretKey);
  };

  const suite: SignatureSuite = {
    id,
    hashId: SUITE_HASH[id],
    implementation: core.implementation,
    secretKeyLength: 32,
    publicKeyLength,
    signatureLength: 64,

    generateKeyPair(): KeyPair {
      return guarded('generateKeyPair', () => {
        const secretKey = core.randomSecretKey();
        return { secretKey, publicKey: core.publicKeyFromSecretKey(secretKey) };
      });
    },

    publicKeyFromSecretKey(secretKey) {
      const sk = checkSecretKey(secretKey, 'publicKeyFromSecretKey');
      return guarded('publicKeyFromSecretKey', () => core.publicKeyFromSecretKey(sk));
    },

    sign(secretKey, message) {
      const sk = checkSecretKey(secretKey, 'sign');
      assertBytes(message, at('sign'), 'message');
      return guarded('sign', () => core.sign(sk, message));
    },

    verify(publicKey, message, signature) {
      checkVerifyArguments(id, publicKey, message, signature, at('verify'));
      return verifyChecked(publicKey, message, signature);
    },

    verifyBatch(items) {
      checkBatchItems(id, items, at('verifyBatch'));
      return items.map((item) => verifyChecked(item.publicKey, item.message, item.signature));
    },

    hash(data) {
      assertBytes(data, at('hash'), 'data');
      // guarded() inlined: the Merkle trees call this several times per state write.
      try {
        return core.hash(data);
      } catch (error) {
        return guarded('hash', () => {
          throw error;
        });
      }
    },

    publicKeyFromBytes(bytes) {
      return checkPublicKey(bytes, 'publicKeyFromBytes', 'bytes');
    },
    publicKeyToDer,
    publicKeyFromDer: (der) => publicKeyFromDer(der),
    publicKeyToPem(publicKey) {
      return toPem('PUBLIC KEY', publicKeyToDer(publicKey));
    },
    publicKeyFromPem(pem) {
      assertString(pem, at('publicKeyFromPem'), 'pem');
      const der = decoding('publicKeyFromPem', 'pem', () => fromPem(pem, 'PUBLIC KEY'));
      return publicKeyFromDer(der, 'publicKeyFromPem', 'pem');
    },
    secretKeyToDer,
    secretKeyFromDer: (der) => secretKeyFromDer(der),
    secretKeyToPem(secretKey) {
      return toPem('PRIVATE KEY', secretKeyToDer(secretKey));
    },
    secretKeyFromPem(pem) {
      assertString(pem, at('secretKeyFromPem'), 'pem');
      const der = decoding('secretKeyFromPem', 'pem', () => fromPem(pem, 'PRIVATE KEY'));
      return secretKeyFromDer(der, 'secretKeyFromPem', 'pem');
    },
  };
  return Object.freeze(suite);
}
