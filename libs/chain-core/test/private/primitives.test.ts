// The primitives under the envelopes, against known answers from outside this code: the SM2
// KDF and ECDH (a published SM2 encryption vector), SM4 (GB/T 32907), HKDF-SHA-256 (RFC 5869),
// OpenSSL's own SM2 ECDH, and both AEADs refusing any change.
import { createCipheriv, createECDH } from 'node:crypto';
import { fromHex, toHex } from '../../src/codec';
import { getSuite } from '../../src/crypto';
import { AEADS, AEAD_IDS } from '../../src/private/aead';
import { hkdfSha256, KEY_AGREEMENTS, sm3Kdf } from '../../src/private/key-agreement';
import { SUITES, seededRandom } from './support';

describe('SM2 key agreement and the GB/T 32918.4 KDF', () => {
  // An SM2 public-key encryption self-test vector on the recommended curve (from the SM2
  // self-test of the MegaHunt MH1903S SDK): decrypting it takes (x₂, y₂) = [d]C₁, then
  // t = KDF(x₂ ‖ y₂, |M|), M = C₂ ⊕ t, and checks C₃ = SM3(x₂ ‖ M ‖ y₂) (GB/T 32918.4 §7.1).
  const d = fromHex('c46841e769d7f6a7599046c029900cb6d47bbd54be83af50284584bc1e390bf9');
  const publicKey =
    '041cdfd6d0375d84164ea5cbcd929874f19384743e20407ef1ccfdc07d960643f7' +
    'f0053ccd7fe91230a12003a084964928de12dc97e6f51f2b46c43935db9f7857';
  const c1 = fromHex(
    '0470342f90fa3213647483b18b6974187f9d16f73cbfbeccf88cf57388c0c663e5' +
      'cd73a4460987f928abcd184c0196b55b97e535a45e841baa62c73b7b81cf31f4',
  );
  const c2 = fromHex('64b7fcc88ffc327247a49b36872131a7');
  const c3 = 'a4eee1af44c46e32977a14be98c2606baffa7a0ba0391a64bc549920357939e8';
  const message = '115960c5598a2797c2d02d76d468cdc9';

  test('sm2_vectorKey_isTheVectorsPublicKey', () => {
    const compressed = getSuite('sm2').publicKeyFromSecretKey(d);
    expect(toHex(getSuite('sm2').publicKeyFromBytes(fromHex(publicKey)))).toBe(toHex(compressed));
  });

  test('sm2_sharedPointAndKdf_decryptTheVector', () => {
    const z = KEY_AGREEMENTS.sm2.recipientSecret(d, c1);
    expect(z).toHaveLength(64);
    const t = sm3Kdf(z, c2.length);
    const m = c2.map((byte, i) => byte ^ t[i]!);
    expect(toHex(m)).toBe(message);
    const check = Buffer.concat([z.subarray(0, 32), m, z.subarray(32)]);
    expect(toHex(getSuite('sm2').hash(check))).toBe(c3);
  });

  test('sm3Kdf_isTheCounterModeOfSm3_acrossBlockBoundaries', () => {
    const z = seededRandom('kdf')(64);
    const long = sm3Kdf(z, 100);
    const sm3 = (data: Uint8Array) => getSuite('sm2').hash(data);
    const block = (ct: number) => sm3(Buffer.concat([z, Buffer.of(0, 0, 0, ct)]));
    expect(toHex(long)).toBe(
      toHex(Buffer.concat([block(1), block(2), block(3), block(4)]).subarray(0, 100)),
    );
    expect(toHex(sm3Kdf(z, 48))).toBe(toHex(long.subarray(0, 48)));
    expect(sm3Kdf(z, 0)).toHaveLength(0);
  });

  test('sm2_sharedX_agreesWithOpenSsl', () => {
    for (let i = 0; i < 5; i++) {
      const keys = getSuite('sm2').generateKeyPair();
      const ephemeral = KEY_AGREEMENTS.sm2.ephemeral(seededRandom(`sm2/${i}`));
      const ours = KEY_AGREEMENTS.sm2.senderSecret(ephemeral.secretKey, keys.publicKey);
      const openssl = createECDH('SM2');
      openssl.setPrivateKey(ephemeral.secretKey);
      expect(toHex(ours.subarray(0, 32))).toBe(toHex(openssl.computeSecret(keys.publicKey)));
    }
  });
});

describe.each(SUITES)('%s key agreement', (suite) => {
  const agreement = KEY_AGREEMENTS[suite];

  test('senderAndRecipient_reachTheSameSecret', () => {
    for (let i = 0; i < 5; i++) {
      const recipient = getSuite(suite).generateKeyPair();
      const ephemeral = agreement.ephemeral(seededRandom(`${suite}/${i}`));
      expect(ephemeral.publicKey).toHaveLength(agreement.ephemeralKeyLength);
      const sent = agreement.senderSecret(ephemeral.secretKey, recipient.publicKey);
      const received = agreement.recipientSecret(recipient.secretKey, ephemeral.publicKey);
      expect(toHex(received)).toBe(toHex(sent));
      const other = getSuite(suite).generateKeyPair();
      expect(toHex(agreement.recipientSecret(other.secretKey, ephemeral.publicKey))).not.toBe(
        toHex(sent),
      );
    }
  });

  test('recipientSecret_ofAnEphemeralKeyThatIsNoPoint_throws', () => {
    const recipient = getSuite(suite).generateKeyPair();
    // X25519: u = 0, of low order (RFC 7748 §6.1 all-zero check). P-256, SM2: x = 2^256 − 1,
    // above the field prime, so no point at all.
    const bad =
      suite === 'ed25519'
        ? new Uint8Array(32)
        : Uint8Array.of(0x02, ...new Uint8Array(32).fill(0xff));
    expect(() => agreement.recipientSecret(recipient.secretKey, bad)).toThrow();
  });
});

describe('HKDF-SHA-256', () => {
  test('hkdf_rfc5869TestCase3_givesTheRecordedOkm', () => {
    // RFC 5869 Appendix A.3: zero-length salt and info.
    const okm = hkdfSha256(new Uint8Array(22).fill(0x0b), new Uint8Array(0), 42);
    expect(toHex(okm)).toBe(
      '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
    );
  });
});

describe('AEADs', () => {
  test('sm4_isTheGbT32907Cipher', () => {
    // GB/T 32907-2016 Appendix A.1: one block under key = plaintext = 0123…3210.
    const key = fromHex('0123456789abcdeffedcba9876543210');
    const ecb = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
    expect(toHex(Buffer.concat([ecb.update(key), ecb.final()]))).toBe(
      '681edf34d206965e86b3e94f536e4246',
    );
  });

  test.each(AEAD_IDS)('%s_refusesAnyChangedBitOfIvAadCiphertextOrTag', (id) => {
    const aead = AEADS[id];
    const random = seededRandom(id);
    const key = random(aead.keyLength);
    const iv = random(aead.ivLength);
    const aad = random(40);
    const plaintext = random(50);
    const { ciphertext, tag } = aead.seal(key, iv, aad, plaintext);
    expect(ciphertext).toHaveLength(plaintext.length);
    expect(tag).toHaveLength(aead.tagLength);
    expect(toHex(aead.open(key, iv, aad, ciphertext, tag)!)).toBe(toHex(plaintext));
    const parts = { iv, aad, ciphertext, tag };
    for (const name of Object.keys(parts) as (keyof typeof parts)[]) {
      for (let i = 0; i < parts[name].length; i++) {
        const changed = { ...parts, [name]: parts[name].slice() };
        changed[name][i]! ^= 1 << (i % 8);
        expect(
          aead.open(key, changed.iv, changed.aad, changed.ciphertext, changed.tag),
        ).toBeUndefined();
      }
    }
    const short = tag.subarray(0, aead.tagLength - 1);
    expect(aead.open(key, iv, aad, ciphertext, short)).toBeUndefined();
  });

  test('aes256Gcm_refusesAnyChangedKeyBit', () => {
    const aead = AEADS['aes-256-gcm'];
    const random = seededRandom('gcm-key');
    const [key, iv, aad] = [random(32), random(12), random(8)];
    const { ciphertext, tag } = aead.seal(key, iv, aad, random(20));
    for (let i = 0; i < key.length * 8; i++) {
      const changed = key.slice();
      changed[i >> 3]! ^= 1 << (i % 8);
      expect(aead.open(changed, iv, aad, ciphertext, tag)).toBeUndefined();
    }
  });

  test('sm4CtrHmacSm3_refusesAnyChangedMacKeyBit_butDoesNotCommitToTheSm4Key', () => {
    // Encrypt-then-MAC with independent keys (like RFC 7518 §5.2): the tag authenticates
    // iv, aad and ciphertext under the MAC key only. In envelopes both halves always come
    // from one KDF output or one random draw, so they are never changed apart.
    const aead = AEADS['sm4-ctr-hmac-sm3'];
    const random = seededRandom('sm4-key');
    const [key, iv, aad, plaintext] = [random(48), random(16), random(8), random(20)];
    const { ciphertext, tag } = aead.seal(key, iv, aad, plaintext);
    for (let i = 16 * 8; i < key.length * 8; i++) {
      const changed = key.slice();
      changed[i >> 3]! ^= 1 << (i % 8);
      expect(aead.open(changed, iv, aad, ciphertext, tag)).toBeUndefined();
    }
    const otherSm4Key = key.slice();
    otherSm4Key[0]! ^= 1;
    const garbled = aead.open(otherSm4Key, iv, aad, ciphertext, tag);
    expect(garbled).toBeDefined();
    expect(toHex(garbled!)).not.toBe(toHex(plaintext));
  });
});
