/**
 * The bytes of a private envelope (docs/spec/private-data.md §2): the CBOR record, its limits,
 * the rules that tie field lengths to the suite, and the three context strings (KDF info,
 * wrap AAD, payload AAD) that bind every key and ciphertext to its chain, envelope and
 * recipient.
 */
import {
  CodecError,
  RecordSchema,
  bytes,
  encodeValue,
  equalBytes,
  hash32,
  list,
  text,
  toHex,
  u16,
} from '../codec';
import { ORG_ID_PATTERN } from '../identity';
import { AEADS, type AeadId } from './aead';
import { KEY_AGREEMENTS } from './key-agreement';
import { PrivateDataError } from './private-data-error';
import type { SuiteId } from '../crypto';

/** The envelope format this code writes and reads. */
export const PRIVATE_ENVELOPE_VERSION = 1;
/** Largest plaintext a private transaction may carry. */
export const MAX_PRIVATE_PAYLOAD_BYTES = 1024 * 1024;
/** Recipient entries per envelope: one per validator of the recipient organisations. */
export const MAX_PRIVATE_RECIPIENTS = 256;
/** Room for the header and the recipient entries (each at most ~190 bytes) around the payload. */
export const MAX_ENVELOPE_BYTES = MAX_PRIVATE_PAYLOAD_BYTES + 64 * 1024;
export const ENVELOPE_ID_BYTES = 16;

/** Domain-separation tags (taggedHash and the CBOR contexts below); never reused elsewhere. */
export const PRIVATE_TAGS = {
  /** payloadHash = taggedHash(H, tag, plaintext). */
  payload: 'trellis/private-payload/v1',
  /** First element of the KDF info. */
  kek: 'trellis/private-kek/v1',
  /** First element of a recipient's wrap AAD. */
  wrap: 'trellis/private-wrap/v1',
  /** First element of the payload AAD. */
  envelope: 'trellis/private-envelope/v1',
  /** Read requests (read-auth.ts). */
  read: 'trellis/private-read/v1',
} as const;

/** Which AEAD each suite uses: AES under the international suites, SM4 under the SM suite. */
export const SUITE_AEAD: Readonly<Record<SuiteId, AeadId>> = Object.freeze({
  ed25519: 'aes-256-gcm',
  p256: 'aes-256-gcm',
  sm2: 'sm4-ctr-hmac-sm3',
});

/** One validator's copy of the content key. */
export interface EnvelopeRecipient {
  /** The validator's organisation. */
  readonly org: string;
  /** The validator's consensus public key, canonical form of the suite (32 or 33 bytes). */
  readonly publicKey: Uint8Array;
  /** The sender's ephemeral public key for this recipient (32 or 33 bytes). */
  readonly ephemeralKey: Uint8Array;
  readonly iv: Uint8Array;
  /** The content key under the recipient's key-encryption key. */
  readonly wrappedKey: Uint8Array;
  readonly tag: Uint8Array;
}

export interface PrivateEnvelope {
  readonly version: bigint;
  readonly suite: string;
  readonly aead: string;
  /** Random, chosen by the sender: the envelope's identity in every derived key and AAD. */
  readonly envelopeId: Uint8Array;
  /** taggedHash(H, "trellis/private-payload/v1", plaintext), H the chain's hash. */
  readonly payloadHash: Uint8Array;
  readonly recipients: readonly EnvelopeRecipient[];
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

const algorithmName = text(/^[a-z0-9-]{1,32}$/, 32);
const key = bytes(32, 33);
const iv = bytes(12, 16);
const tag = bytes(16, 32);

const RecipientSchema = new RecordSchema<EnvelopeRecipient>('EnvelopeRecipient', {
  org: text(ORG_ID_PATTERN, 63),
  publicKey: key,
  ephemeralKey: key,
  iv,
  wrappedKey: bytes(32, 48),
  tag,
});

const RecipientList = list(RecipientSchema.asField(), MAX_PRIVATE_RECIPIENTS);

/** Structure only; `checkEnvelopeRules` ties the lengths to the suite. */
export const PrivateEnvelopeSchema = new RecordSchema<PrivateEnvelope>('PrivateEnvelope', {
  version: u16,
  suite: algorithmName,
  aead: algorithmName,
  envelopeId: bytes(ENVELOPE_ID_BYTES),
  payloadHash: hash32,
  recipients: RecipientList,
  iv,
  ciphertext: bytes(0, MAX_PRIVATE_PAYLOAD_BYTES),
  tag,
});

function malformed(field: string, problem: string): PrivateDataError {
  return new PrivateDataError('malformed', problem, { field });
}

/** Untrusted bytes → a structurally valid envelope, or a typed error. */
export function decodeEnvelope(input: Uint8Array): PrivateEnvelope {
  if (input.length > MAX_ENVELOPE_BYTES) {
    throw new PrivateDataError(
      'too-large',
      `${input.length} bytes, over the ${MAX_ENVELOPE_BYTES}-byte limit`,
      { field: 'envelope' },
    );
  }
  try {
    return PrivateEnvelopeSchema.decode(input, MAX_ENVELOPE_BYTES);
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    const code = error.code === 'too-large' ? 'too-large' : 'malformed';
    throw new PrivateDataError(code, error.message, { field: 'envelope', cause: error });
  }
}

/** The envelope's version and suite are ones this code reads, and the chain's suite. */
export function checkEnvelopeSuite(envelope: PrivateEnvelope, chainSuite: SuiteId): SuiteId {
  if (envelope.version !== BigInt(PRIVATE_ENVELOPE_VERSION)) {
    throw new PrivateDataError(
      'unsupported-suite',
      `envelope version ${envelope.version}: this code reads version ${PRIVATE_ENVELOPE_VERSION}`,
      { field: 'version' },
    );
  }
  if (!Object.hasOwn(KEY_AGREEMENTS, envelope.suite)) {
    throw new PrivateDataError('unsupported-suite', `unknown suite ${envelope.suite}`, {
      field: 'suite',
    });
  }
  const suite = envelope.suite as SuiteId;
  if (suite !== chainSuite) {
    throw new PrivateDataError(
      'suite-mismatch',
      `the envelope is for suite ${suite}, the chain's is ${chainSuite}`,
      { field: 'suite' },
    );
  }
  return suite;
}

/**
 * The rules the schema cannot state: the AEAD is the suite's; keys, IVs, wrapped keys and tags
 * have the lengths of the suite and AEAD; at least one recipient; no consensus key twice.
 */
export function checkEnvelopeRules(envelope: PrivateEnvelope, suite: SuiteId): void {
  const aeadId = SUITE_AEAD[suite];
  if (envelope.aead !== aeadId) {
    throw malformed('aead', `suite ${suite} uses ${aeadId}, the envelope names ${envelope.aead}`);
  }
  const aead = AEADS[aeadId];
  const keyLength = KEY_AGREEMENTS[suite].ephemeralKeyLength;
  const publicKeyLength = suite === 'ed25519' ? 32 : 33;
  const expect = (field: string, value: Uint8Array, length: number): void => {
    if (value.length !== length) {
      throw malformed(field, `must be ${length} bytes under ${suite}, got ${value.length}`);
    }
  };
  expect('iv', envelope.iv, aead.ivLength);
  expect('tag', envelope.tag, aead.tagLength);
  if (envelope.recipients.length === 0) throw malformed('recipients', 'at least one is required');
  const seen = new Set<string>();
  envelope.recipients.forEach((recipient, i) => {
    const at = `recipients[${i}]`;
    expect(`${at}.publicKey`, recipient.publicKey, publicKeyLength);
    expect(`${at}.ephemeralKey`, recipient.ephemeralKey, keyLength);
    expect(`${at}.iv`, recipient.iv, aead.ivLength);
    expect(`${at}.wrappedKey`, recipient.wrappedKey, aead.keyLength);
    expect(`${at}.tag`, recipient.tag, aead.tagLength);
    const id = toHex(recipient.publicKey);
    if (seen.has(id)) throw malformed(`${at}.publicKey`, `key ${id} is listed twice`);
    seen.add(id);
  });
}

/** The entry for `publicKey`, if the envelope has one. */
export function findRecipient(
  envelope: PrivateEnvelope,
  publicKey: Uint8Array,
): EnvelopeRecipient | undefined {
  return envelope.recipients.find((recipient) => equalBytes(recipient.publicKey, publicKey));
}

/** The fields every derived key and AAD starts from. */
export interface EnvelopeContext {
  readonly chainId: string;
  readonly suite: SuiteId;
  readonly aead: AeadId;
  readonly envelopeId: Uint8Array;
  readonly payloadHash: Uint8Array;
}

/** KDF info: CBOR [tag, chainId, suite, aead, envelopeId, publicKey, ephemeralKey]. */
export function kdfInfo(
  context: EnvelopeContext,
  publicKey: Uint8Array,
  ephemeralKey: Uint8Array,
): Uint8Array {
  const { chainId, suite, aead, envelopeId } = context;
  return encodeValue([PRIVATE_TAGS.kek, chainId, suite, aead, envelopeId, publicKey, ephemeralKey]);
}

/**
 * A recipient's wrap AAD: CBOR [tag, chainId, version, suite, aead, envelopeId, payloadHash,
 * org, publicKey, ephemeralKey]. It binds the organisation the key is wrapped for.
 */
export function wrapAad(
  context: EnvelopeContext,
  recipient: Pick<EnvelopeRecipient, 'org' | 'publicKey' | 'ephemeralKey'>,
): Uint8Array {
  const { chainId, suite, aead, envelopeId, payloadHash } = context;
  return encodeValue([
    PRIVATE_TAGS.wrap,
    chainId,
    PRIVATE_ENVELOPE_VERSION,
    suite,
    aead,
    envelopeId,
    payloadHash,
    recipient.org,
    recipient.publicKey,
    recipient.ephemeralKey,
  ]);
}

/**
 * The payload AAD: CBOR [tag, chainId, version, suite, aead, envelopeId, payloadHash,
 * recipients] with every recipient entry as on the wire. The payload tag thus authenticates
 * the whole envelope: the recipient list (who may read) cannot be changed without the content
 * key.
 */
export function payloadAad(
  context: EnvelopeContext,
  recipients: readonly EnvelopeRecipient[],
): Uint8Array {
  const { chainId, suite, aead, envelopeId, payloadHash } = context;
  return encodeValue([
    PRIVATE_TAGS.envelope,
    chainId,
    PRIVATE_ENVELOPE_VERSION,
    suite,
    aead,
    envelopeId,
    payloadHash,
    RecipientList.toValue(recipients),
  ]);
}
