/** Every entry point validates its arguments and throws a typed CryptoError naming the bad one. */
import {
  CryptoError,
  CryptoErrorCode,
  SUITE_HASH,
  SUITE_IDS,
  getSuite,
  signatureFromDer,
  signatureToDer,
} from '../../src/crypto';
import { bothImplementations, bytes, cryptoErrorOf, expectCryptoError, hex, utf8 } from './helpers';

describe('getSuite', () => {
  it('returnsEachSuiteInEachImplementation_withItsHashAndSizes', () => {
    for (const id of SUITE_IDS) {
      for (const implementation of ['fast', 'portable'] as const) {
        const suite = getSuite(id, implementation);
        expect(suite).toMatchObject({
          id,
          implementation,
          hashId: SUITE_HASH[id],
          secretKeyLength: 32,
          signatureLength: 64,
        });
        expect(suite.publicKeyLength).toBe(id === 'ed25519' ? 32 : 33);
        expect(Object.isFrozen(suite)).toBe(true);
      }
    }
    expect(getSuite('sm2')).toBe(getSuite('sm2', 'fast'));
  });

  it('unknownSuiteOrImplementation_isRejected', () => {
    const error = expectCryptoError(
      () => getSuite('rsa' as never),
      CryptoErrorCode.UnknownAlgorithm,
      'id',
    );
    expect(error.message).toBe('getSuite: id must be one of ed25519, p256, sm2, got "rsa"');
    expectCryptoError(
      () => getSuite('p256', 'wasm' as never),
      CryptoErrorCode.UnknownAlgorithm,
      'implementation',
    );
  });
});

describe.each(
  SUITE_IDS.flatMap((id) =>
    bothImplementations(id).map(([impl, suite]) => [`${id} ${impl}`, suite] as const),
  ),
)('%s arguments', (_name, suite) => {
  const { secretKey, publicKey } = suite.generateKeyPair();
  const message = utf8('m');
  const signature = suite.sign(secretKey, message);

  it('wrongTypes_areInvalidArgument_namingTheArgument', () => {
    const cases: [() => unknown, string][] = [
      [() => suite.sign('secret' as never, message), 'secretKey'],
      [() => suite.sign(secretKey, 'm' as never), 'message'],
      [() => suite.verify([1, 2] as never, message, signature), 'publicKey'],
      [() => suite.verify(publicKey, null as never, signature), 'message'],
      [() => suite.verify(publicKey, message, new Uint16Array(32) as never), 'signature'],
      [() => suite.publicKeyFromSecretKey(undefined as never), 'secretKey'],
      [() => suite.publicKeyFromPem(new Uint8Array(3) as never), 'pem'],
      [() => suite.secretKeyFromDer('der' as never), 'der'],
      [() => suite.hash(42 as never), 'data'],
    ];
    for (const [call, argument] of cases) {
      const error = expectCryptoError(call, CryptoErrorCode.InvalidArgument, argument);
      expect(error.message.startsWith(`${suite.id}.`)).toBe(true);
    }
  });

  it('wrongLengths_areInvalidLength_withTheNumbers', () => {
    const error = expectCryptoError(
      () => suite.verify(publicKey, message, signature.subarray(1)),
      CryptoErrorCode.InvalidLength,
      'signature',
    );
    expect(error.message).toBe(`${suite.id}.verify: signature must be 64 bytes, got 63`);
    expect(error.meta).toMatchObject({ expected: '64', actual: 63, argument: 'signature' });
    expectCryptoError(
      () => suite.sign(new Uint8Array(33), message),
      CryptoErrorCode.InvalidLength,
      'secretKey',
    );
    expectCryptoError(
      () => suite.verify(new Uint8Array(suite.publicKeyLength + 1), message, signature),
      CryptoErrorCode.InvalidLength,
      'publicKey',
    );
    expectCryptoError(
      () => suite.publicKeyFromBytes(new Uint8Array(31)),
      CryptoErrorCode.InvalidLength,
      'bytes',
    );
  });

  it('acceptsBuffers_andReturnsPlainUint8Arrays', () => {
    const fromBuffer = suite.sign(Buffer.from(secretKey), Buffer.from(message));
    expect(fromBuffer).toEqual(signature);
    expect(Object.getPrototypeOf(fromBuffer)).toBe(Uint8Array.prototype);
    expect(suite.verify(Buffer.from(publicKey), Buffer.from(message), Buffer.from(signature))).toBe(
      true,
    );
  });

  it('roundTripsKeysThroughEveryEncoding', () => {
    expect(suite.publicKeyFromDer(suite.publicKeyToDer(publicKey))).toEqual(publicKey);
    expect(suite.publicKeyFromPem(suite.publicKeyToPem(publicKey))).toEqual(publicKey);
    expect(suite.secretKeyFromDer(suite.secretKeyToDer(secretKey))).toEqual(secretKey);
    expect(suite.secretKeyFromPem(suite.secretKeyToPem(secretKey))).toEqual(secretKey);
    expect(suite.publicKeyFromBytes(publicKey)).toEqual(publicKey);
  });

  it('pemWithCrlfAndOtherLineLengths_isAccepted_butNotTextAround', () => {
    const pem = suite.publicKeyToPem(publicKey);
    const body = pem.split('\n').slice(1, -2).join('');
    const crlf = `-----BEGIN PUBLIC KEY-----\r\n${body.replace(/(.{40})/g, '$1\r\n')}\r\n-----END PUBLIC KEY-----\r\n`;
    expect(suite.publicKeyFromPem(crlf)).toEqual(publicKey);
    expectCryptoError(
      () => suite.publicKeyFromPem(`comment\n${pem}`),
      CryptoErrorCode.InvalidEncoding,
      'pem',
    );
    expectCryptoError(
      () => suite.publicKeyFromPem(pem.replace('PUBLIC KEY-----\n', 'PUBLIC KEY-----\n*')),
      CryptoErrorCode.InvalidEncoding,
      'pem',
    );
  });
});

describe('signatureToDer / signatureFromDer', () => {
  it('roundTrip_withMinimalIntegers', () => {
    const raw = bytes(`${'00'.repeat(31)}7f${'80'}${'11'.repeat(31)}`);
    const der = signatureToDer('p256', raw);
    expect(hex(der)).toBe(`3026 02017f 0221 0080${'11'.repeat(31)}`.replace(/ /g, ''));
    expect(signatureFromDer('sm2', der)).toEqual(raw);
  });

  it.each([
    ['non-minimal integer', '3007020200010201 01'],
    ['negative integer', '3006020181020101'],
    ['r longer than 32 bytes', `302502210100${'00'.repeat(31)}020101`],
    ['trailing bytes', '300602010102010100'],
    ['indefinite length', '3080020101020101 0000'],
  ])('%s_isInvalidEncoding', (_label, der) => {
    expectCryptoError(
      () => signatureFromDer('p256', bytes(der.replace(/ /g, ''))),
      CryptoErrorCode.InvalidEncoding,
      'der',
    );
  });

  it('ed25519_hasNoDerForm', () => {
    expectCryptoError(
      () => signatureToDer('ed25519', new Uint8Array(64)),
      CryptoErrorCode.InvalidArgument,
      'suite',
    );
  });
});

describe('CryptoError', () => {
  it('isAnErrorWithNameCodeAndMeta', () => {
    const error = cryptoErrorOf(() => getSuite('p256').sign(new Uint8Array(32), utf8('x')));
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(CryptoError);
    expect(error.name).toBe('CryptoError');
    expect(error.code).toBe(CryptoErrorCode.InvalidSecretKey);
    expect(error.meta).toEqual({ argument: 'secretKey', algorithm: 'p256' });
  });
});
