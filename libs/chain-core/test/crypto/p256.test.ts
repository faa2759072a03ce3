import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CryptoErrorCode } from '../../src/crypto';
import { P256 } from '../../src/crypto/common/curves';
import { bothImplementations, bytes, expectCryptoError, hex, utf8 } from './helpers';

interface WycheproofTest {
  readonly tcId: number;
  readonly comment: string;
  readonly msg: string;
  readonly sig: string;
  readonly result: 'valid' | 'invalid';
  /** Ours: Wycheproof-valid signatures with s > (n−1)/2 are refused by the low-S rule. */
  readonly trellis: 'accept' | 'reject' | 'reject-high-s' | 'throws';
}

const wycheproof = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'wycheproof-ecdsa-secp256r1-sha256-p1363.json'), 'utf8'),
) as { testGroups: { publicKey: string; tests: WycheproofTest[] }[] };

const WYCHEPROOF_CASES = wycheproof.testGroups.flatMap((group) =>
  group.tests.map((test) => ({ ...test, publicKey: group.publicKey })),
);

/** n − s, as 32 bytes: the other signature ECDSA's symmetry makes valid. */
function flipS(signature: Uint8Array): Uint8Array {
  const s = BigInt(`0x${hex(signature.subarray(32))}`);
  return Uint8Array.from([
    ...signature.subarray(0, 32),
    ...bytes((P256.n - s).toString(16).padStart(64, '0')),
  ]);
}

/** RFC 6979 §A.2.5: ECDSA, 256 bits (prime field), SHA-256. */
const RFC6979 = {
  secretKey: 'c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721',
  ux: '60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6',
  uy: '7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299',
  signatures: [
    {
      message: 'sample',
      r: 'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716',
      s: 'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8',
    },
    {
      message: 'test',
      r: 'f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367',
      s: '019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083',
    },
  ],
};

describe.each(bothImplementations('p256'))('p256 (%s)', (_implementation, suite) => {
  it.each(WYCHEPROOF_CASES)('wycheproof_tc$tcId_$trellis ($comment)', (test) => {
    const publicKey = suite.publicKeyFromBytes(bytes(test.publicKey));
    const message = bytes(test.msg);
    const signature = bytes(test.sig);
    switch (test.trellis) {
      case 'accept':
        expect(suite.verify(publicKey, message, signature)).toBe(true);
        break;
      case 'reject':
        expect(suite.verify(publicKey, message, signature)).toBe(false);
        break;
      case 'reject-high-s':
        // Valid ECDSA, refused only for its high s: its low-S twin verifies.
        expect(suite.verify(publicKey, message, signature)).toBe(false);
        expect(suite.verify(publicKey, message, flipS(signature))).toBe(true);
        break;
      case 'throws':
        expectCryptoError(
          () => suite.verify(publicKey, message, signature),
          CryptoErrorCode.InvalidLength,
          'signature',
        );
        break;
    }
  });

  it('rfc6979_derivesThePublicKey', () => {
    const publicKey = suite.publicKeyFromSecretKey(bytes(RFC6979.secretKey));
    const prefix = BigInt(`0x${RFC6979.uy}`) % 2n === 0n ? '02' : '03';
    expect(hex(publicKey)).toBe(`${prefix}${RFC6979.ux}`);
    expect(suite.publicKeyFromBytes(bytes(`04${RFC6979.ux}${RFC6979.uy}`))).toEqual(publicKey);
  });

  it.each(RFC6979.signatures)(
    'rfc6979_signsDeterministically_withSNormalisedLow ($message)',
    (vector) => {
      const signature = suite.sign(bytes(RFC6979.secretKey), utf8(vector.message));
      const s = BigInt(`0x${vector.s}`);
      const lowS = s > P256.halfN ? P256.n - s : s;
      expect(hex(signature)).toBe(vector.r + lowS.toString(16).padStart(64, '0'));
      const publicKey = suite.publicKeyFromSecretKey(bytes(RFC6979.secretKey));
      expect(suite.verify(publicKey, utf8(vector.message), signature)).toBe(true);
      // The RFC's own signature for "sample" has a high s: valid ECDSA, refused here.
      expect(suite.verify(publicKey, utf8(vector.message), bytes(vector.r + vector.s))).toBe(
        s <= P256.halfN,
      );
    },
  );

  it('highSTwinOfOurSignature_isRejected', () => {
    const { secretKey, publicKey } = suite.generateKeyPair();
    const signature = suite.sign(secretKey, utf8('low s only'));
    expect(suite.verify(publicKey, utf8('low s only'), signature)).toBe(true);
    expect(suite.verify(publicKey, utf8('low s only'), flipS(signature))).toBe(false);
  });

  it.each([
    ['prefix 04 with 33 bytes', `04${RFC6979.ux}`],
    ['x not on the curve', `02${'00'.repeat(31)}01`],
    ['x = p', `02${P256.p.toString(16)}`],
    [
      'uncompressed, y + 1',
      `04${RFC6979.ux}${(BigInt(`0x${RFC6979.uy}`) + 1n).toString(16).padStart(64, '0')}`,
    ],
  ])('publicKeyFromBytes_%s_isRejected', (_label, key) => {
    expectCryptoError(
      () => suite.publicKeyFromBytes(bytes(key)),
      CryptoErrorCode.InvalidPublicKey,
      'bytes',
    );
  });

  it('verify_withAKeyNotOnTheCurve_isFalse', () => {
    const signature = suite.sign(bytes(RFC6979.secretKey), utf8('x'));
    expect(suite.verify(bytes(`02${'00'.repeat(31)}01`), utf8('x'), signature)).toBe(false);
    expect(suite.verify(bytes(`05${RFC6979.ux}`), utf8('x'), signature)).toBe(false);
  });

  it.each([
    ['0', '00'.repeat(32)],
    ['n', P256.n.toString(16)],
    ['n + 1', (P256.n + 1n).toString(16)],
  ])('secretKey_%s_isRejected', (_label, secretKey) => {
    expectCryptoError(
      () => suite.publicKeyFromSecretKey(bytes(secretKey)),
      CryptoErrorCode.InvalidSecretKey,
      'secretKey',
    );
  });
});
