import { createHash } from 'node:crypto';
import { CryptoErrorCode, getSuite, hash, portableHash } from '../../src/crypto';
import { expectCryptoError, hex, utf8 } from './helpers';

/** GB/T 32905-2016 Appendix A: example 1 ("abc") and example 2 ("abcd" × 16, 64 bytes). */
const SM3_EXAMPLES: [string, Uint8Array, string][] = [
  ['abc', utf8('abc'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'],
  [
    'abcd x 16',
    utf8('abcd'.repeat(16)),
    'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
  ],
];

/** FIPS 180-4 examples (NIST CSRC "SHA256.pdf"). */
const SHA256_EXAMPLES: [string, Uint8Array, string][] = [
  ['abc', utf8('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  [
    '448-bit message',
    utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  ],
  ['empty', new Uint8Array(0), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
];

const HASH_FUNCTIONS = [
  ['hash (fast)', hash],
  ['portableHash', portableHash],
] as const;

describe.each(HASH_FUNCTIONS)('%s', (_name, hashFn) => {
  it.each(SM3_EXAMPLES)('sm3_matchesGbT32905Example_%s', (_label, message, digest) => {
    expect(hex(hashFn('sm3', message))).toBe(digest);
  });

  it.each(SHA256_EXAMPLES)('sha256_matchesFips180Example_%s', (_label, message, digest) => {
    expect(hex(hashFn('sha256', message))).toBe(digest);
  });

  it('returnsPlainUint8Array_notBuffer', () => {
    const digest = hashFn('sm3', utf8('abc'));
    expect(Object.getPrototypeOf(digest)).toBe(Uint8Array.prototype);
  });

  it('unknownHashId_isRejected_namingId', () => {
    expectCryptoError(
      () => hashFn('md5' as never, utf8('x')),
      CryptoErrorCode.UnknownAlgorithm,
      'id',
    );
  });

  it('nonBytesData_isRejected_namingData', () => {
    expectCryptoError(
      () => hashFn('sha256', 'abc' as never),
      CryptoErrorCode.InvalidArgument,
      'data',
    );
  });
});

describe('portable SM3', () => {
  it('agreesWithOpenSsl_acrossEveryPaddingBoundary', () => {
    // Lengths 0..200 cross the 55/56-byte (one vs two padding blocks) and 64-byte boundaries.
    const data = Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 0xff);
    for (let length = 0; length <= 200; length++) {
      const message = data.subarray(0, length);
      expect(hex(portableHash('sm3', message))).toBe(
        createHash('sm3').update(message).digest('hex'),
      );
    }
  });

  it('hashesAMegabyte_likeOpenSsl', () => {
    const message = Uint8Array.from({ length: 1 << 20 }, (_, i) => i & 0xff);
    expect(hex(portableHash('sm3', message))).toBe(createHash('sm3').update(message).digest('hex'));
  });
});

describe('suite.hash', () => {
  it('isSm3ForSm2_andSha256ForTheOthers', () => {
    const abc = utf8('abc');
    expect(hex(getSuite('sm2').hash(abc))).toBe(SM3_EXAMPLES[0]![2]);
    expect(hex(getSuite('ed25519', 'portable').hash(abc))).toBe(SHA256_EXAMPLES[0]![2]);
    expect(getSuite('p256').hashId).toBe('sha256');
    expect(getSuite('sm2', 'portable').hashId).toBe('sm3');
  });
});
