import { sha512 } from '@noble/hashes/sha2.js';
import { CryptoErrorCode } from '../../src/crypto';
import { Ed25519Point } from '../../src/crypto/common/curves';
import { hasSmallOrderEncoding } from '../../src/crypto/common/ed25519-rules';
import { ed25519EdgeCases } from './ed25519-edge-cases';
import { bothImplementations, bytes, expectCryptoError, hex, utf8 } from './helpers';

/** RFC 8032 §7.1, TEST 1, 2, 3 and SHA(abc) (Ed25519, not Ed25519ph: the message is the 64-byte SHA-512 of "abc"). */
const RFC8032 = [
  {
    name: 'TEST 1',
    secretKey: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: new Uint8Array(0),
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2',
    secretKey: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: bytes('72'),
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3',
    secretKey: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: bytes('af82'),
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
  {
    name: 'TEST SHA(abc)',
    secretKey: '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42',
    publicKey: 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
    message: sha512(utf8('abc')),
    signature:
      'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704',
  },
];

describe.each(bothImplementations('ed25519'))('ed25519 (%s)', (_implementation, suite) => {
  it.each(RFC8032)('rfc8032_derivesKeySignsAndVerifies ($name)', (vector) => {
    const secretKey = bytes(vector.secretKey);
    expect(hex(suite.publicKeyFromSecretKey(secretKey))).toBe(vector.publicKey);
    expect(hex(suite.sign(secretKey, vector.message))).toBe(vector.signature);
    expect(suite.verify(bytes(vector.publicKey), vector.message, bytes(vector.signature))).toBe(
      true,
    );
  });

  it.each(RFC8032)('rfc8032_withAnotherMessage_isRejected ($name)', (vector) => {
    const other = Uint8Array.from([...vector.message, 0]);
    expect(suite.verify(bytes(vector.publicKey), other, bytes(vector.signature))).toBe(false);
  });

  it.each(ed25519EdgeCases())('edgeCase_verifiesAsLibsodiumDoes ($name)', (edgeCase) => {
    expect(suite.verify(edgeCase.publicKey, edgeCase.message, edgeCase.signature)).toBe(
      edgeCase.valid,
    );
  });

  it('publicKeyFromBytes_acceptsAMixedOrderKey_asLibsodiumDoes', () => {
    const mixed = ed25519EdgeCases().find((c) => c.name === 'mixed-order key, 8 | k')!;
    expect(suite.publicKeyFromBytes(mixed.publicKey)).toEqual(mixed.publicKey);
  });

  it.each([
    ['identity', '0100000000000000000000000000000000000000000000000000000000000000'],
    ['order 8', '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'],
    ['non-canonical y = p + 3', 'f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
    [
      'not on the curve (y = 2)',
      '0200000000000000000000000000000000000000000000000000000000000000',
    ],
  ])('publicKeyFromBytes_%s_isRejected', (_label, key) => {
    expectCryptoError(
      () => suite.publicKeyFromBytes(bytes(key)),
      CryptoErrorCode.InvalidPublicKey,
      'bytes',
    );
  });
});

describe('ed25519 small-order encodings (libsodium ge25519_has_small_order)', () => {
  it('coverTheYOfEveryTorsionPoint_withAndWithoutTheSignBit', () => {
    const t8 = Ed25519Point.fromBytes(
      bytes('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'),
      false,
    );
    let point = Ed25519Point.ZERO;
    for (let i = 0; i < 8; i++, point = point.add(t8)) {
      const encoding = point.toBytes();
      expect(hasSmallOrderEncoding(encoding)).toBe(true);
      encoding[31]! ^= 0x80;
      expect(hasSmallOrderEncoding(encoding)).toBe(true);
    }
  });

  it('doNotCoverAPrimeOrderPoint', () => {
    expect(hasSmallOrderEncoding(Ed25519Point.BASE.toBytes())).toBe(false);
  });
});
