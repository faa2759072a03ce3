/**
 * Sealing and opening private payloads (docs/spec/private-data.md). The payload is encrypted
 * once under a random content key; the content key is wrapped for each recipient validator
 * under a key derived from an ephemeral key (one per recipient) and the validator's consensus
 * key. Only `payloadHash` goes on chain.
 *
 * Opening checks, in order: size, structure, version and suite, the suite's length rules, that
 * the opener is a recipient, the wrapped key's tag, the payload's tag (which covers the whole
 * envelope), and finally the plaintext's hash. Anything else than the sealed plaintext is a
 * `PrivateDataError`, never other bytes.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { equalBytes, isBytes, taggedHash, toHex, type HashFn } from '../codec';
import { CryptoError, getSuite, hash, SUITE_HASH, SUITE_IDS, type SuiteId } from '../crypto';
import { isOrgId } from '../identity';
import { NAME } from '../types/limits';
import { AEADS } from './aead';
import {
  checkEnvelopeRules,
  checkEnvelopeSuite,
  decodeEnvelope,
  type EnvelopeContext,
  type EnvelopeRecipient,
  ENVELOPE_ID_BYTES,
  findRecipient,
  kdfInfo,
  MAX_PRIVATE_PAYLOAD_BYTES,
  MAX_PRIVATE_RECIPIENTS,
  payloadAad,
  PRIVATE_ENVELOPE_VERSION,
  PRIVATE_TAGS,
  PrivateEnvelopeSchema,
  SUITE_AEAD,
  wrapAad,
} from './envelope-format';
import { KEY_AGREEMENTS, type RandomBytes } from './key-agreement';
import { invalidArgument, PrivateDataError } from './private-data-error';

export interface PrivateRecipientKey {
  readonly org: string;
  /** The validator's consensus public key (`readValidators(...).publicKey`). */
  readonly publicKey: Uint8Array;
}

export interface SealPrivatePayloadInput {
  /** The chain's signature suite (genesis). */
  readonly suite: SuiteId;
  readonly chainId: string;
  readonly plaintext: Uint8Array;
  /** One entry per recipient validator; the supervisor's validators among them (the node's rule). */
  readonly recipients: readonly PrivateRecipientKey[];
}

export interface SealPrivatePayloadDeps {
  /** Source of the content key, envelope id, IVs and ephemeral keys; node:crypto's CSPRNG by default. */
  readonly randomBytes?: RandomBytes;
}

export interface SealedPrivatePayload {
  /** The envelope's canonical CBOR bytes. */
  readonly envelope: Uint8Array;
  /** What the transaction carries on chain. */
  readonly payloadHash: Uint8Array;
  readonly envelopeId: Uint8Array;
}

export interface OpenPrivatePayloadOptions {
  readonly chainId: string;
  /** The chain's signature suite. */
  readonly suite: SuiteId;
  /** This validator's consensus key pair. */
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export interface OpenedPrivatePayload {
  readonly plaintext: Uint8Array;
  readonly payloadHash: Uint8Array;
  /** The recipient organisations, each once, sorted. */
  readonly recipients: readonly string[];
  readonly envelopeId: Uint8Array;
}

/** The chain hash of a plaintext: taggedHash(H, "trellis/private-payload/v1", plaintext). */
export function privatePayloadHash(suite: SuiteId, plaintext: Uint8Array): Uint8Array {
  checkSuite(suite, 'suite');
  if (!isBytes(plaintext)) throw invalidArgument('plaintext', 'expected a Uint8Array');
  return taggedHash(chainHash(suite), PRIVATE_TAGS.payload, plaintext);
}

/** Encrypts `plaintext` to every recipient; see the file comment. */
export function sealPrivatePayload(
  input: SealPrivatePayloadInput,
  deps: SealPrivatePayloadDeps = {},
): SealedPrivatePayload {
  const { suite, chainId, plaintext, recipients } = checkSealInput(input);
  const random = checkRandom(deps.randomBytes);
  const aeadId = SUITE_AEAD[suite];
  const aead = AEADS[aeadId];
  const agreement = KEY_AGREEMENTS[suite];
  const contentKey = random(aead.keyLength);
  const context: EnvelopeContext = {
    chainId,
    suite,
    aead: aeadId,
    envelopeId: random(ENVELOPE_ID_BYTES),
    payloadHash: taggedHash(chainHash(suite), PRIVATE_TAGS.payload, plaintext),
  };
  const entries = recipients.map(({ org, publicKey }, i): EnvelopeRecipient => {
    const ephemeral = agreement.ephemeral(random);
    const z = senderSecret(suite, ephemeral.secretKey, publicKey, `recipients[${i}].publicKey`);
    const kek = agreement.derive(
      z,
      kdfInfo(context, publicKey, ephemeral.publicKey),
      aead.keyLength,
    );
    z.fill(0);
    const iv = random(aead.ivLength);
    const aad = wrapAad(context, { org, publicKey, ephemeralKey: ephemeral.publicKey });
    const wrapped = aead.seal(kek, iv, aad, contentKey);
    kek.fill(0);
    ephemeral.secretKey.fill(0);
    return {
      org,
      publicKey,
      ephemeralKey: ephemeral.publicKey,
      iv,
      wrappedKey: wrapped.ciphertext,
      tag: wrapped.tag,
    };
  });
  const iv = random(aead.ivLength);
  const sealed = aead.seal(contentKey, iv, payloadAad(context, entries), plaintext);
  contentKey.fill(0);
  const envelope = PrivateEnvelopeSchema.encode({
    version: BigInt(PRIVATE_ENVELOPE_VERSION),
    suite,
    aead: aeadId,
    envelopeId: context.envelopeId,
    payloadHash: context.payloadHash,
    recipients: entries,
    iv,
    ciphertext: sealed.ciphertext,
    tag: sealed.tag,
  });
  return {
    envelope,
    payloadHash: context.payloadHash.slice(),
    envelopeId: context.envelopeId.slice(),
  };
}

/** Decrypts the envelope with this validator's key; see the file comment for the checks. */
export function openPrivatePayload(
  envelopeBytes: Uint8Array,
  options: OpenPrivatePayloadOptions,
): OpenedPrivatePayload {
  if (!isBytes(envelopeBytes)) throw invalidArgument('envelope', 'expected a Uint8Array');
  const { chainId, suite, publicKey, secretKey } = checkOpenOptions(options);
  const envelope = decodeEnvelope(envelopeBytes);
  checkEnvelopeSuite(envelope, suite);
  checkEnvelopeRules(envelope, suite);
  const recipient = findRecipient(envelope, publicKey);
  if (recipient === undefined) {
    throw new PrivateDataError(
      'not-a-recipient',
      `none of the ${envelope.recipients.length} recipient entries is for this validator's key`,
    );
  }
  const context: EnvelopeContext = {
    chainId,
    suite,
    aead: SUITE_AEAD[suite],
    envelopeId: envelope.envelopeId,
    payloadHash: envelope.payloadHash,
  };
  const contentKey = unwrapContentKey(context, recipient, secretKey);
  const aead = AEADS[context.aead];
  const plaintext = aead.open(
    contentKey,
    envelope.iv,
    payloadAad(context, envelope.recipients),
    envelope.ciphertext,
    envelope.tag,
  );
  contentKey.fill(0);
  if (plaintext === undefined) {
    throw new PrivateDataError(
      'authentication-failed',
      `the payload's ${aead.id} tag does not verify (the envelope was changed)`,
      { field: 'tag' },
    );
  }
  const actual = taggedHash(chainHash(suite), PRIVATE_TAGS.payload, plaintext);
  if (!equalBytes(actual, envelope.payloadHash)) {
    plaintext.fill(0);
    throw new PrivateDataError(
      'hash-mismatch',
      'the decrypted payload does not hash to the envelope payloadHash',
      { field: 'payloadHash' },
    );
  }
  return {
    plaintext,
    payloadHash: actual,
    recipients: [...new Set(envelope.recipients.map((r) => r.org))].sort(),
    envelopeId: envelope.envelopeId.slice(),
  };
}

/** The content key from this validator's entry, or `authentication-failed`. */
function unwrapContentKey(
  context: EnvelopeContext,
  recipient: EnvelopeRecipient,
  secretKey: Uint8Array,
): Uint8Array {
  const agreement = KEY_AGREEMENTS[context.suite];
  const aead = AEADS[context.aead];
  let z: Uint8Array;
  try {
    z = agreement.recipientSecret(secretKey, recipient.ephemeralKey);
  } catch (error) {
    throw new PrivateDataError(
      'authentication-failed',
      `the ephemeral key is not a usable ${context.suite} key (${(error as Error).message})`,
      { field: 'ephemeralKey', cause: error },
    );
  }
  const kek = agreement.derive(
    z,
    kdfInfo(context, recipient.publicKey, recipient.ephemeralKey),
    aead.keyLength,
  );
  z.fill(0);
  const contentKey = aead.open(
    kek,
    recipient.iv,
    wrapAad(context, recipient),
    recipient.wrappedKey,
    recipient.tag,
  );
  kek.fill(0);
  if (contentKey === undefined) {
    throw new PrivateDataError(
      'authentication-failed',
      `the wrapped key's ${aead.id} tag does not verify (another chain, key or a changed envelope)`,
      { field: 'wrappedKey' },
    );
  }
  return contentKey;
}

/** X25519 refuses low-order points, which some valid-looking Ed25519 keys map to. */
function senderSecret(
  suite: SuiteId,
  ephemeralSecret: Uint8Array,
  publicKey: Uint8Array,
  field: string,
): Uint8Array {
  try {
    return KEY_AGREEMENTS[suite].senderSecret(ephemeralSecret, publicKey);
  } catch (error) {
    throw new PrivateDataError(
      'invalid-argument',
      `no key agreement with this ${suite} key: ${(error as Error).message}`,
      { field, cause: error },
    );
  }
}

function chainHash(suite: SuiteId): HashFn {
  const id = SUITE_HASH[suite];
  return (data) => hash(id, data);
}

function checkSuite(suite: unknown, field: string): asserts suite is SuiteId {
  if (typeof suite !== 'string' || !(SUITE_IDS as readonly string[]).includes(suite)) {
    throw new PrivateDataError(
      'unsupported-suite',
      `${JSON.stringify(suite)} is not one of ${SUITE_IDS.join(', ')}`,
      { field },
    );
  }
}

function checkChainId(chainId: unknown): asserts chainId is string {
  if (typeof chainId !== 'string' || !NAME.test(chainId)) {
    throw invalidArgument('chainId', `expected a chain id matching ${NAME}`);
  }
}

/** The suite's canonical form of a public key, or `invalid-argument` naming `field`. */
function canonicalKey(suite: SuiteId, key: unknown, field: string): Uint8Array {
  try {
    return getSuite(suite).publicKeyFromBytes(key as Uint8Array);
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    throw new PrivateDataError('invalid-argument', `not a ${suite} public key: ${error.message}`, {
      field,
      cause: error,
    });
  }
}

function checkSealInput(input: SealPrivatePayloadInput): SealPrivatePayloadInput {
  if (typeof input !== 'object' || input === null) {
    throw invalidArgument('input', 'expected { suite, chainId, plaintext, recipients }');
  }
  const { suite, chainId, plaintext, recipients } = input;
  checkSuite(suite, 'suite');
  checkChainId(chainId);
  if (!isBytes(plaintext)) throw invalidArgument('plaintext', 'expected a Uint8Array');
  if (plaintext.length > MAX_PRIVATE_PAYLOAD_BYTES) {
    throw new PrivateDataError(
      'too-large',
      `${plaintext.length} bytes, over the ${MAX_PRIVATE_PAYLOAD_BYTES}-byte limit`,
      { field: 'plaintext' },
    );
  }
  if (!Array.isArray(recipients) || recipients.length === 0) {
    throw invalidArgument('recipients', 'expected a non-empty array of { org, publicKey }');
  }
  if (recipients.length > MAX_PRIVATE_RECIPIENTS) {
    throw new PrivateDataError(
      'too-large',
      `${recipients.length} recipients, at most ${MAX_PRIVATE_RECIPIENTS}`,
      { field: 'recipients' },
    );
  }
  const seen = new Set<string>();
  const checked = recipients.map((recipient: unknown, i): PrivateRecipientKey => {
    const at = `recipients[${i}]`;
    if (typeof recipient !== 'object' || recipient === null) {
      throw invalidArgument(at, 'expected { org, publicKey }');
    }
    const { org, publicKey } = recipient as Partial<PrivateRecipientKey>;
    if (!isOrgId(org)) throw invalidArgument(`${at}.org`, 'expected an organisation id');
    const key = canonicalKey(suite, publicKey, `${at}.publicKey`);
    const id = toHex(key);
    if (seen.has(id)) throw invalidArgument(`${at}.publicKey`, `key ${id} is listed twice`);
    seen.add(id);
    return { org, publicKey: key };
  });
  return { suite, chainId, plaintext, recipients: checked };
}

function checkOpenOptions(options: OpenPrivatePayloadOptions): OpenPrivatePayloadOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument('options', 'expected { chainId, suite, publicKey, secretKey }');
  }
  const { chainId, suite, publicKey, secretKey } = options;
  checkChainId(chainId);
  checkSuite(suite, 'suite');
  const key = canonicalKey(suite, publicKey, 'publicKey');
  let derived: Uint8Array;
  try {
    derived = getSuite(suite).publicKeyFromSecretKey(secretKey);
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    throw new PrivateDataError('invalid-argument', error.message, {
      field: 'secretKey',
      cause: error,
    });
  }
  if (!equalBytes(derived, key)) {
    throw invalidArgument('secretKey', 'is not the secret key of publicKey');
  }
  return { chainId, suite, publicKey: key, secretKey };
}

function checkRandom(random: RandomBytes | undefined): RandomBytes {
  if (random === undefined) return (length) => new Uint8Array(nodeRandomBytes(length));
  if (typeof random !== 'function') {
    throw invalidArgument('deps.randomBytes', 'expected (length) => Uint8Array');
  }
  return (length) => {
    const out = random(length);
    if (!isBytes(out) || out.length !== length) {
      throw invalidArgument('deps.randomBytes', `must return ${length} bytes`);
    }
    return out.slice();
  };
}
