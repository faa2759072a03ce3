/**
 * The fast (libsodium / OpenSSL) and portable (pure JavaScript) implementations accept and
 * reject exactly the same signatures, and sign with the same bytes.
 */
import fc from 'fast-check';
import { type SuiteId, getSuite } from '../../src/crypto';
import { ED25519, P256, SM2 } from '../../src/crypto/common/curves';
import { hex } from './helpers';

const NUM_RUNS = 30;

/** A secret key valid for the suite, from fast-check's integers. */
function secretKeyArbitrary(id: SuiteId): fc.Arbitrary<Uint8Array> {
  if (id === 'ed25519') return fc.uint8Array({ minLength: 32, maxLength: 32 });
  const max = id === 'p256' ? P256.n - 1n : SM2.n - 2n;
  return fc
    .bigInt(1n, max)
    .map((d) => Uint8Array.from(Buffer.from(d.toString(16).padStart(64, '0'), 'hex')));
}

/** The signature with its "other half" made malleable: S + L (Ed25519), n − s (P-256, SM2). */
function malleate(id: SuiteId, signature: Uint8Array): Uint8Array {
  const out = new Uint8Array(signature);
  if (id === 'ed25519') {
    let s = BigInt(`0x${hex(out.subarray(32).reverse())}`) + ED25519.L;
    for (let i = 32; i < 64; i++, s >>= 8n) out[i] = Number(s & 0xffn);
    return out;
  }
  const n = id === 'p256' ? P256.n : SM2.n;
  const s = n - BigInt(`0x${hex(out.subarray(32))}`);
  out.set(Buffer.from(s.toString(16).padStart(64, '0'), 'hex'), 32);
  return out;
}

function flipBit(data: Uint8Array, bit: number): Uint8Array {
  const out = new Uint8Array(data);
  out[Math.floor(bit / 8) % out.length]! ^= 1 << (bit % 8);
  return out;
}

describe.each(['ed25519', 'p256', 'sm2'] as const)('%s fast vs portable', (id) => {
  const fast = getSuite(id, 'fast');
  const portable = getSuite(id, 'portable');

  const agree = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean => {
    const verdict = fast.verify(publicKey, message, signature);
    expect(portable.verify(publicKey, message, signature)).toBe(verdict);
    return verdict;
  };

  it('signSameBytes_andAgreeOnValidFlippedAndMalleatedSignatures', () => {
    fc.assert(
      fc.property(
        secretKeyArbitrary(id),
        fc.uint8Array({ maxLength: 160 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        (secretKey, message, sigBit, messageBit, keyBit) => {
          const publicKey = fast.publicKeyFromSecretKey(secretKey);
          expect(portable.publicKeyFromSecretKey(secretKey)).toEqual(publicKey);
          const signature = fast.sign(secretKey, message);
          expect(portable.sign(secretKey, message)).toEqual(signature);

          expect(agree(publicKey, message, signature)).toBe(true);
          expect(agree(publicKey, message, flipBit(signature, sigBit % 512))).toBe(false);
          const otherMessage = message.length > 0 ? flipBit(message, messageBit) : Uint8Array.of(0);
          expect(agree(publicKey, otherMessage, signature)).toBe(false);
          // A flipped key may not even be a point: both must still say the same (false).
          expect(
            agree(flipBit(publicKey, keyBit % (8 * publicKey.length)), message, signature),
          ).toBe(false);
          // S + L, or n − s: refused by both (low-S for P-256; SM2 has no such twin).
          expect(agree(publicKey, message, malleate(id, signature))).toBe(false);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('agreeOnArbitraryKeyAndSignatureBytes', () => {
    // EC keys mostly get a valid prefix (02/03), so that decoding, not the prefix check, is exercised.
    const keyBytes = fc.uint8Array({
      minLength: fast.publicKeyLength,
      maxLength: fast.publicKeyLength,
    });
    const publicKeys =
      id === 'ed25519'
        ? keyBytes
        : fc
            .tuple(fc.constantFrom(2, 3, 2, 3, 4), keyBytes)
            .map(([prefix, key]) => Uint8Array.from([prefix, ...key.subarray(1)]));
    fc.assert(
      fc.property(
        publicKeys,
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (publicKey, message, signature) => {
          agree(publicKey, message, signature);
        },
      ),
      { numRuns: 8 * NUM_RUNS },
    );
  });
});
