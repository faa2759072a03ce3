/**
 * The two authenticated ciphers of private envelopes (docs/spec/private-data.md §4):
 *
 * - `aes-256-gcm` (NIST SP 800-38D) under the `ed25519` and `p256` suites: 32-byte key, 12-byte
 *   IV, 16-byte tag, the associated data as GCM's AAD.
 * - `sm4-ctr-hmac-sm3` under the `sm2` suite. OpenSSL (and so node:crypto) has no SM4-GCM, so
 *   this is encrypt-then-MAC: the 48-byte key is an SM4 key (16 bytes, GB/T 32907) followed by
 *   an HMAC-SM3 key (32 bytes, RFC 2104 over GB/T 32905); SM4 in CTR mode with a 16-byte IV
 *   (the initial counter block, incremented as a 128-bit big-endian integer), and the tag is
 *   the full 32-byte HMAC-SM3(macKey, u64be(len(aad)) ‖ aad ‖ iv ‖ ciphertext). The length
 *   prefix makes the split between aad and the rest unambiguous. The tag is checked (in
 *   constant time) before anything is decrypted.
 *
 * Both are used with a fresh random key per use or a random IV, never a counter IV.
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';

export const AEAD_IDS = ['aes-256-gcm', 'sm4-ctr-hmac-sm3'] as const;
export type AeadId = (typeof AEAD_IDS)[number];

export interface Sealed {
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

export interface Aead {
  readonly id: AeadId;
  readonly keyLength: number;
  readonly ivLength: number;
  readonly tagLength: number;
  seal(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Sealed;
  /** The plaintext, or undefined when the tag does not verify (nothing is decrypted then). */
  open(
    key: Uint8Array,
    iv: Uint8Array,
    aad: Uint8Array,
    ciphertext: Uint8Array,
    tag: Uint8Array,
  ): Uint8Array | undefined;
}

/** A plain Uint8Array copy of a Buffer (never a view into node's shared buffer pool). */
function owned(...parts: Buffer[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const aes256Gcm: Aead = {
  id: 'aes-256-gcm',
  keyLength: 32,
  ivLength: 12,
  tagLength: 16,
  seal(key, iv, aad, plaintext) {
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    cipher.setAAD(aad);
    const ciphertext = owned(cipher.update(plaintext), cipher.final());
    return { ciphertext, tag: owned(cipher.getAuthTag()) };
  },
  open(key, iv, aad, ciphertext, tag) {
    if (tag.length !== 16) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const head = decipher.update(ciphertext);
    try {
      return owned(head, decipher.final());
    } catch (_error) {
      // OpenSSL refuses the tag in final(); the bytes update() gave are discarded.
      head.fill(0);
      return undefined;
    }
  },
};

const SM4_KEY = 16;
const SM3_MAC_KEY = 32;

function sm4CtrTag(macKey: Uint8Array, aad: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array) {
  const length = Buffer.alloc(8);
  length.writeBigUInt64BE(BigInt(aad.length));
  return createHmac('sm3', macKey)
    .update(length)
    .update(aad)
    .update(iv)
    .update(ciphertext)
    .digest();
}

function sm4Ctr(key: Uint8Array, iv: Uint8Array, input: Uint8Array): Uint8Array {
  const cipher = createCipheriv('sm4-ctr', key, iv);
  return owned(cipher.update(input), cipher.final());
}

const sm4CtrHmacSm3: Aead = {
  id: 'sm4-ctr-hmac-sm3',
  keyLength: SM4_KEY + SM3_MAC_KEY,
  ivLength: 16,
  tagLength: 32,
  seal(key, iv, aad, plaintext) {
    const ciphertext = sm4Ctr(key.subarray(0, SM4_KEY), iv, plaintext);
    return { ciphertext, tag: owned(sm4CtrTag(key.subarray(SM4_KEY), aad, iv, ciphertext)) };
  },
  open(key, iv, aad, ciphertext, tag) {
    const expected = sm4CtrTag(key.subarray(SM4_KEY), aad, iv, ciphertext);
    if (tag.length !== expected.length || !timingSafeEqual(expected, tag)) return undefined;
    return sm4Ctr(key.subarray(0, SM4_KEY), iv, ciphertext);
  },
};

export const AEADS: Readonly<Record<AeadId, Aead>> = Object.freeze({
  'aes-256-gcm': aes256Gcm,
  'sm4-ctr-hmac-sm3': sm4CtrHmacSm3,
});
