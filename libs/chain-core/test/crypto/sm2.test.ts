import { createHash } from 'node:crypto';
import { CryptoErrorCode, SM2_DEFAULT_USER_ID, portableHash } from '../../src/crypto';
import { SM2, Sm2Point } from '../../src/crypto/common/curves';
import { sm2Digest, sm2SignWithNonce, sm2Za } from '../../src/crypto/common/sm2';
import { bothImplementations, bytes, expectCryptoError, hex, utf8 } from './helpers';

/**
 * GM/T 0003.5-2012 Annex A (= GB/T 32918.5): the signature example over the recommended
 * curve with the default user id "1234567812345678" (as reproduced in OpenSSL's
 * test/sm2_internal_test.c, which checks it with a fixed nonce).
 */
const ANNEX_A = {
  secretKey: '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8',
  message: utf8('message digest'),
  k: 0x59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21n,
  r: 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3',
  s: 'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa',
};

const be32 = (value: bigint): string => value.toString(16).padStart(64, '0');
const nodeSm3 = (data: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sm3').update(data).digest());
const ourSm3 = (data: Uint8Array): Uint8Array => portableHash('sm3', data);

describe.each([
  ['OpenSSL SM3', nodeSm3],
  ['portable SM3', ourSm3],
])('sm2 algorithm with %s', (_name, sm3) => {
  it('annexA_signatureWithTheStandardsNonce_matches', () => {
    const d = BigInt(`0x${ANNEX_A.secretKey}`);
    const e = sm2Digest(sm3, sm2Za(sm3, Sm2Point.BASE.multiply(d)), ANNEX_A.message);
    expect(hex(sm2SignWithNonce(d, e, ANNEX_A.k)!)).toBe(ANNEX_A.r + ANNEX_A.s);
  });

  it('za_hashesEntlIdCurveAndKey_exactlyAsGbT32918Section5_5', () => {
    const point = Sm2Point.BASE.multiply(BigInt(`0x${ANNEX_A.secretKey}`));
    const { x, y } = point.toAffine();
    const input = bytes(
      `0080${hex(utf8('1234567812345678'))}${[SM2.a, SM2.b, SM2.Gx, SM2.Gy, x, y].map(be32).join('')}`,
    );
    expect(input.length).toBe(2 + 16 + 6 * 32);
    expect(hex(sm2Za(sm3, point))).toBe(hex(sm3(input)));
    expect(SM2_DEFAULT_USER_ID).toEqual(utf8('1234567812345678'));
  });
});

describe.each(bothImplementations('sm2'))('sm2 (%s)', (_implementation, suite) => {
  const secretKey = bytes(ANNEX_A.secretKey);
  const publicKey = suite.publicKeyFromSecretKey(secretKey);
  const published = bytes(ANNEX_A.r + ANNEX_A.s);
  const n = SM2.n;
  const r = BigInt(`0x${ANNEX_A.r}`);
  const s = BigInt(`0x${ANNEX_A.s}`);

  it('annexA_publishedSignature_verifies', () => {
    expect(suite.verify(publicKey, ANNEX_A.message, published)).toBe(true);
    expect(suite.verify(publicKey, utf8('message digesT'), published)).toBe(false);
  });

  it.each([
    ['(r, n − s): SM2 has no ECDSA-style twin', r, n - s],
    ['r = 0', 0n, s],
    ['s = 0', r, 0n],
    ['r = n', n, s],
    ['s = n', r, n],
    ['r + n would overflow, r = n + 1 mod 2^256', n + 1n, s],
    ['t = r + s ≡ 0 (s = n − r)', r, n - r],
  ])('signature_%s_isRejected', (_label, rValue, sValue) => {
    expect(suite.verify(publicKey, ANNEX_A.message, bytes(be32(rValue) + be32(sValue)))).toBe(
      false,
    );
  });

  it('signatureMadeWithAnotherUserId_isRejected', () => {
    // node:crypto's PEM-imported SM2 keys sign with an empty id (STACK.md): not interoperable.
    const d = BigInt(`0x${ANNEX_A.secretKey}`);
    const e = sm2Digest(
      ourSm3,
      sm2Za(ourSm3, Sm2Point.BASE.multiply(d), new Uint8Array(0)),
      ANNEX_A.message,
    );
    const emptyId = sm2SignWithNonce(d, e, ANNEX_A.k)!;
    expect(suite.verify(publicKey, ANNEX_A.message, emptyId)).toBe(false);
  });

  it('sign_isDeterministic_andVerifies', () => {
    const first = suite.sign(secretKey, utf8('deterministic'));
    expect(suite.sign(secretKey, utf8('deterministic'))).toEqual(first);
    expect(suite.verify(publicKey, utf8('deterministic'), first)).toBe(true);
  });

  it.each([
    ['0', 0n],
    ['n − 1 (GB/T 32918.1 §6.1 allows up to n − 2)', n - 1n],
    ['n', n],
  ])('secretKey_%s_isRejected', (_label, d) => {
    expectCryptoError(
      () => suite.sign(bytes(be32(d)), utf8('x')),
      CryptoErrorCode.InvalidSecretKey,
      'secretKey',
    );
  });

  it('secretKey_nMinus2_isAccepted', () => {
    const sk = bytes(be32(n - 2n));
    expect(
      suite.verify(suite.publicKeyFromSecretKey(sk), utf8('x'), suite.sign(sk, utf8('x'))),
    ).toBe(true);
  });
});
