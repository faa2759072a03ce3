// Private envelopes: round trips under each suite, who can open them, and that any change to
// the bytes is a typed error, never other plaintext.
import { createDecipheriv, createHash, createHmac } from 'node:crypto';
import { encodeValue, toHex } from '../../src/codec';
import { getSuite, type SuiteId } from '../../src/crypto';
import {
  MAX_ENVELOPE_BYTES,
  MAX_PRIVATE_PAYLOAD_BYTES,
  MAX_PRIVATE_RECIPIENTS,
  PrivateDataError,
  type PrivateDataErrorCode,
  type PrivateEnvelope,
  PrivateEnvelopeSchema,
  SUITE_AEAD,
  openPrivatePayload,
  privatePayloadHash,
  sealPrivatePayload,
} from '../../src/private';
import { AEADS } from '../../src/private/aead';
import {
  ENVELOPE_ID_BYTES,
  kdfInfo,
  payloadAad,
  PRIVATE_ENVELOPE_VERSION,
  wrapAad,
  type EnvelopeContext,
  type EnvelopeRecipient,
} from '../../src/private/envelope-format';
import { KEY_AGREEMENTS } from '../../src/private/key-agreement';
import { CHAIN, SUITES, seededRandom, utf8, validators, type Validator } from './support';

const MESSAGE = utf8('invoice 2026-0042: 1,250,000.00 CNY, due 2026-07-01');

function seal(suite: SuiteId, recipients: readonly Validator[], plaintext = MESSAGE) {
  return sealPrivatePayload({
    suite,
    chainId: CHAIN,
    plaintext,
    recipients: recipients.map(({ org, publicKey }) => ({ org, publicKey })),
  });
}

function open(suite: SuiteId, envelope: Uint8Array, who: Validator, chainId = CHAIN) {
  return openPrivatePayload(envelope, {
    chainId,
    suite,
    publicKey: who.publicKey,
    secretKey: who.secretKey,
  });
}

/** The code of the PrivateDataError `action` throws; fails the test if it returns or throws another. */
function codeOf(action: () => unknown): PrivateDataErrorCode {
  try {
    action();
  } catch (error) {
    if (error instanceof PrivateDataError) return error.code;
    throw error;
  }
  throw new Error('expected a PrivateDataError, but the call returned');
}

function reencode(envelope: Uint8Array, change: (e: PrivateEnvelope) => PrivateEnvelope) {
  return PrivateEnvelopeSchema.encode(change(PrivateEnvelopeSchema.decode(envelope)));
}

describe.each(SUITES)('private envelope under %s', (suite) => {
  const [alice, bob, carol, dave] = validators(suite, 4) as [
    Validator,
    Validator,
    Validator,
    Validator,
  ];

  test('seal_forOneRecipient_opensToThePlaintextAndItsHash', () => {
    const sealed = seal(suite, [alice]);
    const opened = open(suite, sealed.envelope, alice);
    expect(Buffer.from(opened.plaintext).equals(MESSAGE)).toBe(true);
    expect(toHex(opened.payloadHash)).toBe(toHex(sealed.payloadHash));
    expect(toHex(opened.payloadHash)).toBe(toHex(privatePayloadHash(suite, MESSAGE)));
    expect(opened.recipients).toEqual([alice.org]);
    expect(toHex(opened.envelopeId)).toBe(toHex(sealed.envelopeId));
  });

  test('seal_forThreeRecipients_eachOpensItAndSeesTheRecipientOrganisations', () => {
    const sealed = seal(suite, [alice, bob, carol]);
    for (const who of [alice, bob, carol]) {
      const opened = open(suite, sealed.envelope, who);
      expect(Buffer.from(opened.plaintext).equals(MESSAGE)).toBe(true);
      expect(opened.recipients).toEqual(['org-a', 'org-b']);
    }
  });

  test('seal_emptyAndLargePayloads_roundTrip', () => {
    for (const plaintext of [new Uint8Array(0), seededRandom('large')(200_000)]) {
      const sealed = seal(suite, [alice, bob], plaintext);
      expect(Buffer.from(open(suite, sealed.envelope, bob).plaintext).equals(plaintext)).toBe(true);
    }
  });

  test('seal_twice_givesUnrelatedEnvelopesWithTheSamePayloadHash', () => {
    const first = seal(suite, [alice]);
    const second = seal(suite, [alice]);
    expect(toHex(first.envelope)).not.toBe(toHex(second.envelope));
    expect(toHex(first.envelopeId)).not.toBe(toHex(second.envelopeId));
    expect(toHex(first.payloadHash)).toBe(toHex(second.payloadHash));
  });

  test('payloadHash_isTheTaggedChainHashOfThePlaintext', () => {
    const tag = utf8('trellis/private-payload/v1');
    const input = Buffer.concat([Buffer.of(tag.length), tag, MESSAGE]);
    const expected = createHash(suite === 'sm2' ? 'sm3' : 'sha256')
      .update(input)
      .digest('hex');
    expect(toHex(seal(suite, [alice]).payloadHash)).toBe(expected);
  });

  test('envelope_namesTheSuiteAndItsAead', () => {
    const decoded = PrivateEnvelopeSchema.decode(seal(suite, [alice]).envelope);
    expect(decoded.version).toBe(1n);
    expect(decoded.suite).toBe(suite);
    expect(decoded.aead).toBe(suite === 'sm2' ? 'sm4-ctr-hmac-sm3' : 'aes-256-gcm');
  });

  test('open_byAValidatorNotAmongTheRecipients_isNotARecipient', () => {
    const sealed = seal(suite, [alice, bob, carol]);
    expect(codeOf(() => open(suite, sealed.envelope, dave))).toBe('not-a-recipient');
  });

  test('open_onAnotherChain_failsAuthentication', () => {
    const sealed = seal(suite, [alice]);
    expect(codeOf(() => open(suite, sealed.envelope, alice, 'other-chain'))).toBe(
      'authentication-failed',
    );
  });

  test('open_withAnotherRecipientsEntryRemoved_failsAuthentication', () => {
    const sealed = seal(suite, [alice, bob, carol]);
    const fewer = reencode(sealed.envelope, (e) => ({
      ...e,
      recipients: e.recipients.slice(0, 2),
    }));
    expect(codeOf(() => open(suite, fewer, alice))).toBe('authentication-failed');
    const reordered = reencode(sealed.envelope, (e) => ({
      ...e,
      recipients: [...e.recipients].reverse(),
    }));
    expect(codeOf(() => open(suite, reordered, bob))).toBe('authentication-failed');
  });

  test('open_withARecipientOrganisationRenamed_failsAuthenticationForEveryone', () => {
    const sealed = seal(suite, [alice, bob]);
    const renamed = reencode(sealed.envelope, (e) => ({
      ...e,
      recipients: e.recipients.map((r, i) => (i === 1 ? { ...r, org: 'org-z' } : r)),
    }));
    expect(codeOf(() => open(suite, renamed, bob))).toBe('authentication-failed');
    expect(codeOf(() => open(suite, renamed, alice))).toBe('authentication-failed');
  });

  test('open_withAnotherSuiteThanTheChains_isSuiteMismatch', () => {
    const sealed = seal(suite, [alice]);
    const other = SUITES.find((s) => s !== suite)!;
    const keys = getSuite(other).generateKeyPair();
    const code = codeOf(() =>
      openPrivatePayload(sealed.envelope, { chainId: CHAIN, suite: other, ...keys }),
    );
    expect(code).toBe('suite-mismatch');
  });

  test('open_whenThePlaintextDoesNotHashToPayloadHash_isHashMismatch', () => {
    const forged = forgeEnvelope(suite, alice, MESSAGE, new Uint8Array(32).fill(7));
    expect(codeOf(() => open(suite, forged, alice))).toBe('hash-mismatch');
    // The same construction with the right hash opens: the forgery differs only in the hash.
    const honest = forgeEnvelope(suite, alice, MESSAGE, privatePayloadHash(suite, MESSAGE));
    expect(Buffer.from(open(suite, honest, alice).plaintext).equals(MESSAGE)).toBe(true);
  });

  test('open_withASecretKeyThatIsNotThePublicKeys_isInvalidArgument', () => {
    const sealed = seal(suite, [alice]);
    const code = codeOf(() =>
      openPrivatePayload(sealed.envelope, {
        chainId: CHAIN,
        suite,
        publicKey: alice.publicKey,
        secretKey: bob.secretKey,
      }),
    );
    expect(code).toBe('invalid-argument');
  });

  test('open_everySingleByteFlip_isATypedErrorNeverOtherPlaintext', () => {
    const { envelope } = seal(suite, [alice], utf8('tiny'));
    const seen = new Map<PrivateDataErrorCode, number>();
    const masks = suite === 'ed25519' ? [0x01, 0x80, 0xff] : [0x01];
    for (const mask of masks) {
      for (let i = 0; i < envelope.length; i++) {
        const damaged = envelope.slice();
        damaged[i]! ^= mask;
        const code = codeOf(() => open(suite, damaged, alice));
        seen.set(code, (seen.get(code) ?? 0) + 1);
      }
    }
    const total = [...seen.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(envelope.length * masks.length);
    expect(seen.get('malformed')).toBeGreaterThan(0);
    expect(seen.get('authentication-failed')).toBeGreaterThan(0);
    // A flip may also make the opener's key unknown (not-a-recipient) or the suite name
    // another (unsupported-suite, suite-mismatch); never anything but these.
    for (const code of seen.keys()) {
      expect([
        'malformed',
        'authentication-failed',
        'not-a-recipient',
        'unsupported-suite',
        'suite-mismatch',
      ]).toContain(code);
    }
  });

  test('open_everyTruncationAndAppendedByte_isMalformed', () => {
    const { envelope } = seal(suite, [alice], utf8('tiny'));
    for (let length = 0; length < envelope.length; length++) {
      expect(codeOf(() => open(suite, envelope.subarray(0, length), alice))).toBe('malformed');
    }
    const longer = Buffer.concat([envelope, Buffer.of(0)]);
    expect(codeOf(() => open(suite, longer, alice))).toBe('malformed');
  });

  test('seal_withFixedRandomness_isReproducible', () => {
    const input = {
      suite,
      chainId: CHAIN,
      plaintext: MESSAGE,
      recipients: [alice, bob].map(({ org, publicKey }) => ({ org, publicKey })),
    };
    const first = sealPrivatePayload(input, { randomBytes: seededRandom('fixed') });
    const again = sealPrivatePayload(input, { randomBytes: seededRandom('fixed') });
    expect(toHex(again.envelope)).toBe(toHex(first.envelope));
    expect(Buffer.from(open(suite, first.envelope, bob).plaintext).equals(MESSAGE)).toBe(true);
  });
});

/**
 * Format vectors: with fixed keys and randomness the envelope bytes are fixed. A change here is
 * a change of the wire format (docs/spec/private-data.md): bump the version, do not update.
 */
describe('envelope format vectors', () => {
  const EXPECTED: Record<SuiteId, { sha256: string; length: number }> = {
    ed25519: {
      sha256: 'd50552a351e54b606ad692ff94b3e717ba039cd3d9270937c2c262b6f24dae63',
      length: 435,
    },
    p256: {
      sha256: '1beb53abffa14f6c2ce0f377c2b91caa2a3c353c7467114ec4f98aed9673eb83',
      length: 436,
    },
    sm2: {
      sha256: '4a5486805e25e21244f989d7c77398f33f8309b11d1bcf1e5c1eba6e816829c4',
      length: 535,
    },
  };

  test.each(SUITES)('seal_%s_withFixedKeysAndRandomness_givesTheRecordedEnvelope', (suite) => {
    const keys = getSuite(suite);
    const recipients = [0, 1].map((i) => {
      const secretKey = createHash('sha256').update(`trellis/vectors/private/${i}`).digest();
      return { org: `org-${i}`, publicKey: keys.publicKeyFromSecretKey(new Uint8Array(secretKey)) };
    });
    const { envelope } = sealPrivatePayload(
      { suite, chainId: CHAIN, plaintext: MESSAGE, recipients },
      { randomBytes: seededRandom(`trellis/vectors/private/${suite}`) },
    );
    expect({
      sha256: createHash('sha256').update(envelope).digest('hex'),
      length: envelope.length,
    }).toEqual(EXPECTED[suite]);
  });
});

describe('the SM suite uses SM4', () => {
  const [alice] = validators('sm2', 1) as [Validator];

  test('sm2_payload_isSm4CtrWithAnHmacSm3Tag_andDoesNotDecryptAsAesGcm', () => {
    const { envelope } = seal('sm2', [alice]);
    const decoded = PrivateEnvelopeSchema.decode(envelope);
    expect(decoded.aead).toBe('sm4-ctr-hmac-sm3');
    expect(decoded.iv).toHaveLength(16);
    expect(decoded.tag).toHaveLength(32);
    const context = contextOf('sm2', decoded);
    const contentKey = unwrapWithAgreement('sm2', context, decoded.recipients[0]!, alice);
    expect(contentKey).toHaveLength(48);

    // Independently of aead.ts: node:crypto's SM4-CTR and HMAC-SM3 over the spec's layout.
    const aad = payloadAad(context, decoded.recipients);
    const length = Buffer.alloc(8);
    length.writeBigUInt64BE(BigInt(aad.length));
    const tag = hmac('sm3', contentKey.subarray(16), [length, aad, decoded.iv, decoded.ciphertext]);
    expect(toHex(tag)).toBe(toHex(decoded.tag));
    const decipher = createDecipheriv('sm4-ctr', contentKey.subarray(0, 16), decoded.iv);
    const plaintext = Buffer.concat([decipher.update(decoded.ciphertext), decipher.final()]);
    expect(plaintext.equals(MESSAGE)).toBe(true);

    // AES-256-GCM with the same key material, IV, AAD and tag refuses it.
    const aes = AEADS['aes-256-gcm'];
    const asAes = aes.open(
      contentKey.subarray(0, 32),
      decoded.iv,
      aad,
      decoded.ciphertext,
      decoded.tag.subarray(0, 16),
    );
    expect(asAes).toBeUndefined();
  });

  test('sm2_envelopeRelabelledAsAesGcm_isMalformed', () => {
    const { envelope } = seal('sm2', [alice]);
    const relabelled = reencode(envelope, (e) => ({ ...e, aead: 'aes-256-gcm' }));
    expect(codeOf(() => open('sm2', relabelled, alice))).toBe('malformed');
  });

  test('aes_suites_payload_isAes256GcmReadableByNodeCrypto', () => {
    for (const suite of ['ed25519', 'p256'] as const) {
      const [who] = validators(suite, 1) as [Validator];
      const decoded = PrivateEnvelopeSchema.decode(seal(suite, [who]).envelope);
      const context = contextOf(suite, decoded);
      const key = unwrapWithAgreement(suite, context, decoded.recipients[0]!, who);
      expect(key).toHaveLength(32);
      const decipher = createDecipheriv('aes-256-gcm', key, decoded.iv);
      decipher.setAAD(payloadAad(context, decoded.recipients));
      decipher.setAuthTag(decoded.tag);
      const plaintext = Buffer.concat([decipher.update(decoded.ciphertext), decipher.final()]);
      expect(plaintext.equals(MESSAGE)).toBe(true);
    }
  });
});

describe('limits', () => {
  test('seal_ofTheLargestPayloadForTheMostRecipients_fitsTheEnvelopeLimitAndOpens', () => {
    const many = validators('p256', MAX_PRIVATE_RECIPIENTS);
    const plaintext = seededRandom('limits')(MAX_PRIVATE_PAYLOAD_BYTES);
    const sealed = seal('p256', many, plaintext);
    expect(sealed.envelope.length).toBeLessThanOrEqual(MAX_ENVELOPE_BYTES);
    const last = many[many.length - 1]!;
    expect(Buffer.from(open('p256', sealed.envelope, last).plaintext).equals(plaintext)).toBe(true);
  });
});

describe('sealing refuses bad input', () => {
  const [alice, bob] = validators('ed25519', 2) as [Validator, Validator];
  const base = {
    suite: 'ed25519' as SuiteId,
    chainId: CHAIN,
    plaintext: MESSAGE,
    recipients: [{ org: alice.org, publicKey: alice.publicKey }],
  };

  test.each([
    [
      'a plaintext over the limit',
      { plaintext: new Uint8Array(MAX_PRIVATE_PAYLOAD_BYTES + 1) },
      'too-large',
    ],
    ['an unknown suite', { suite: 'rsa' as SuiteId }, 'unsupported-suite'],
    ['a bad chain id', { chainId: 'Not A Chain' }, 'invalid-argument'],
    ['no recipients', { recipients: [] }, 'invalid-argument'],
    [
      'a bad organisation id',
      { recipients: [{ org: 'Org A', publicKey: alice.publicKey }] },
      'invalid-argument',
    ],
    [
      'a key of the wrong length',
      { recipients: [{ org: 'org-a', publicKey: new Uint8Array(33) }] },
      'invalid-argument',
    ],
    [
      'the same key twice',
      {
        recipients: [
          { org: 'org-a', publicKey: bob.publicKey },
          { org: 'org-b', publicKey: bob.publicKey },
        ],
      },
      'invalid-argument',
    ],
    [
      'too many recipients',
      {
        recipients: Array.from({ length: MAX_PRIVATE_RECIPIENTS + 1 }, () => ({
          org: 'org-a',
          publicKey: alice.publicKey,
        })),
      },
      'too-large',
    ],
  ] as const)('seal_with %s_isRefused', (_name, change, code) => {
    expect(codeOf(() => sealPrivatePayload({ ...base, ...change }))).toBe(code);
  });

  test('seal_forAnEd25519KeyOfSmallOrder_isInvalidArgument', () => {
    // The identity point (y = 1): a valid encoding whose X25519 image has low order.
    const identity = new Uint8Array(32);
    identity[0] = 1;
    let code: PrivateDataErrorCode | undefined;
    try {
      sealPrivatePayload({ ...base, recipients: [{ org: 'org-a', publicKey: identity }] });
    } catch (error) {
      code = (error as PrivateDataError).code;
    }
    expect(code).toBe('invalid-argument');
  });

  test('open_ofBytesThatAreNotAnEnvelope_isMalformedOrTooLarge', () => {
    const opts = { chainId: CHAIN, suite: 'ed25519' as SuiteId, ...alice };
    expect(codeOf(() => openPrivatePayload(utf8('hello'), opts))).toBe('malformed');
    expect(codeOf(() => openPrivatePayload(encodeValue([1, 2, 3]), opts))).toBe('malformed');
    const huge = new Uint8Array(MAX_PRIVATE_PAYLOAD_BYTES + 128 * 1024);
    expect(codeOf(() => openPrivatePayload(huge, opts))).toBe('too-large');
    expect(codeOf(() => openPrivatePayload('envelope' as unknown as Uint8Array, opts))).toBe(
      'invalid-argument',
    );
  });
});

// --- helpers that rebuild parts of the construction from the spec's pieces -------------------

function hmac(algorithm: string, key: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

function contextOf(suite: SuiteId, envelope: PrivateEnvelope): EnvelopeContext {
  return {
    chainId: CHAIN,
    suite,
    aead: SUITE_AEAD[suite],
    envelopeId: envelope.envelopeId,
    payloadHash: envelope.payloadHash,
  };
}

/** The content key of `recipient`, computed from the agreement, KDF and AEAD directly. */
function unwrapWithAgreement(
  suite: SuiteId,
  context: EnvelopeContext,
  recipient: EnvelopeRecipient,
  who: Validator,
): Uint8Array {
  const agreement = KEY_AGREEMENTS[suite];
  const aead = AEADS[SUITE_AEAD[suite]];
  const z = agreement.recipientSecret(who.secretKey, recipient.ephemeralKey);
  const kek = agreement.derive(
    z,
    kdfInfo(context, who.publicKey, recipient.ephemeralKey),
    aead.keyLength,
  );
  const key = aead.open(
    kek,
    recipient.iv,
    wrapAad(context, recipient),
    recipient.wrappedKey,
    recipient.tag,
  );
  if (key === undefined) throw new Error('the wrapped key did not open');
  return key;
}

/** An envelope built step by step with a payloadHash of our choosing (a lying sender). */
function forgeEnvelope(
  suite: SuiteId,
  who: Validator,
  plaintext: Uint8Array,
  payloadHash: Uint8Array,
): Uint8Array {
  const random = seededRandom(`forge/${toHex(payloadHash)}`);
  const aeadId = SUITE_AEAD[suite];
  const aead = AEADS[aeadId];
  const agreement = KEY_AGREEMENTS[suite];
  const context: EnvelopeContext = {
    chainId: CHAIN,
    suite,
    aead: aeadId,
    envelopeId: random(ENVELOPE_ID_BYTES),
    payloadHash,
  };
  const contentKey = random(aead.keyLength);
  const ephemeral = agreement.ephemeral(random);
  const z = agreement.senderSecret(ephemeral.secretKey, who.publicKey);
  const kek = agreement.derive(
    z,
    kdfInfo(context, who.publicKey, ephemeral.publicKey),
    aead.keyLength,
  );
  const entry = { org: who.org, publicKey: who.publicKey, ephemeralKey: ephemeral.publicKey };
  const wrapIv = random(aead.ivLength);
  const wrapped = aead.seal(kek, wrapIv, wrapAad(context, entry), contentKey);
  const recipients = [{ ...entry, iv: wrapIv, wrappedKey: wrapped.ciphertext, tag: wrapped.tag }];
  const iv = random(aead.ivLength);
  const sealed = aead.seal(contentKey, iv, payloadAad(context, recipients), plaintext);
  return PrivateEnvelopeSchema.encode({
    version: BigInt(PRIVATE_ENVELOPE_VERSION),
    suite,
    aead: aeadId,
    envelopeId: context.envelopeId,
    payloadHash,
    recipients,
    iv,
    ciphertext: sealed.ciphertext,
    tag: sealed.tag,
  });
}
