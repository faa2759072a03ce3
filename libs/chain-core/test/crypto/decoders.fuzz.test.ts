// Untrusted key material (DER, PEM, raw bytes) and signatures: any input yields a key, `false`
// or a CryptoError — never another exception, never a hang.
import fc from 'fast-check';
import { CryptoError, IMPLEMENTATIONS, SUITE_IDS, getSuite } from '../../src/crypto';

function onlyCryptoErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
  }
}

function mutate(bytes: Uint8Array): fc.Arbitrary<Uint8Array> {
  const edits = fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), {
    minLength: 1,
    maxLength: 4,
  });
  const edited = edits.map((list) => {
    const out = bytes.slice();
    for (const [at, byte] of list) out[at] = byte;
    return out;
  });
  const truncated = fc.nat(bytes.length - 1).map((n) => bytes.slice(0, n));
  return fc.oneof(edited, truncated, fc.uint8Array({ maxLength: 160 }));
}

describe.each(SUITE_IDS.flatMap((suite) => IMPLEMENTATIONS.map((impl) => [suite, impl] as const)))(
  '%s (%s) decoders',
  (suiteId, implementation) => {
    const suite = getSuite(suiteId, implementation);
    const { publicKey, secretKey } = suite.generateKeyPair();
    const publicDer = suite.publicKeyToDer(publicKey);
    const secretDer = suite.secretKeyToDer(secretKey);
    const signature = suite.sign(secretKey, new Uint8Array([1, 2, 3]));

    it('fuzz_publicKeyDer_andRawBytes', () => {
      fc.assert(
        fc.property(mutate(publicDer), mutate(publicKey), (der, raw) => {
          onlyCryptoErrors(() => suite.publicKeyFromDer(der));
          onlyCryptoErrors(() => suite.publicKeyFromBytes(raw));
        }),
        { numRuns: 300 },
      );
    });

    it('fuzz_secretKeyDer', () => {
      fc.assert(
        fc.property(mutate(secretDer), (der) =>
          onlyCryptoErrors(() => suite.secretKeyFromDer(der)),
        ),
        { numRuns: 300 },
      );
    });

    it('fuzz_pem', () => {
      const pem = suite.publicKeyToPem(publicKey);
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ maxLength: 200 }),
            fc
              .tuple(fc.nat(pem.length - 1), fc.string({ minLength: 1, maxLength: 3 }))
              .map(([at, s]) => pem.slice(0, at) + s + pem.slice(at + 1)),
          ),
          (text) => {
            onlyCryptoErrors(() => suite.publicKeyFromPem(text));
            onlyCryptoErrors(() => suite.secretKeyFromPem(text));
          },
        ),
        { numRuns: 300 },
      );
    });

    it('fuzz_mutatedSignaturesAndKeys_neverThrow_whenTheirLengthsAreRight', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 64, maxLength: 64 }),
          fc.uint8Array({
            minLength: publicKey.length,
            maxLength: publicKey.length,
          }),
          (sig, key) => {
            expect(typeof suite.verify(key, new Uint8Array([1, 2, 3]), sig)).toBe('boolean');
            expect(suite.verify(publicKey, new Uint8Array([1, 2, 3]), signature)).toBe(true);
          },
        ),
        { numRuns: implementation === 'portable' ? 40 : 200 },
      );
    });
  },
);
