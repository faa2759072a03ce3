/**
 * Key encodings and signatures against the OpenSSL command line: keys OpenSSL makes import
 * and re-export byte for byte; keys and signatures we make are read and verified by OpenSSL.
 */
import {
  CryptoErrorCode,
  type SuiteId,
  getSuite,
  signatureFromDer,
  signatureToDer,
} from '../../src/crypto';
import { P256 } from '../../src/crypto/common/curves';
import { expectCryptoError, hex, openssl, scratchDir, utf8 } from './helpers';

const scratch = scratchDir();
afterAll(() => scratch.cleanup());

const GENPKEY: Record<SuiteId, string[]> = {
  ed25519: ['-algorithm', 'ED25519'],
  p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  sm2: ['-algorithm', 'SM2'],
};

/** An OpenSSL-generated key in all four forms. */
function opensslKey(id: SuiteId, name: string) {
  const keyPem = scratch.path(`${name}.key.pem`);
  openssl(['genpkey', ...GENPKEY[id], '-out', keyPem]);
  return {
    keyPem,
    secretPem: openssl(['pkey', '-in', keyPem]).toString(),
    secretDer: new Uint8Array(
      openssl(['pkcs8', '-topk8', '-nocrypt', '-in', keyPem, '-outform', 'DER']),
    ),
    publicPem: openssl(['pkey', '-in', keyPem, '-pubout']).toString(),
    publicDer: new Uint8Array(openssl(['pkey', '-in', keyPem, '-pubout', '-outform', 'DER'])),
  };
}

describe.each(['ed25519', 'p256', 'sm2'] as const)('%s keys with OpenSSL', (id) => {
  const suite = getSuite(id, 'fast');
  const portable = getSuite(id, 'portable');
  const key = opensslKey(id, id);

  it('opensslKeys_importFromPemAndDer_andReexportByteForByte', () => {
    const secretKey = suite.secretKeyFromPem(key.secretPem);
    expect(suite.secretKeyFromDer(key.secretDer)).toEqual(secretKey);
    const publicKey = suite.publicKeyFromPem(key.publicPem);
    expect(suite.publicKeyFromDer(key.publicDer)).toEqual(publicKey);
    expect(suite.publicKeyFromSecretKey(secretKey)).toEqual(publicKey);

    expect(suite.secretKeyToPem(secretKey)).toBe(key.secretPem);
    expect(hex(suite.secretKeyToDer(secretKey))).toBe(hex(key.secretDer));
    expect(suite.publicKeyToPem(publicKey)).toBe(key.publicPem);
    expect(hex(suite.publicKeyToDer(publicKey))).toBe(hex(key.publicDer));
    // The encodings are shared code: the portable suite writes the same bytes.
    expect(portable.secretKeyToPem(secretKey)).toBe(key.secretPem);
    expect(portable.publicKeyFromPem(key.publicPem)).toEqual(publicKey);
  });

  it('ourKeys_areReadByOpenSsl', () => {
    const { secretKey, publicKey } = suite.generateKeyPair();
    const secretFile = scratch.write(`${id}.ours.key.pem`, suite.secretKeyToPem(secretKey));
    expect(openssl(['pkey', '-in', secretFile, '-pubout']).toString()).toBe(
      suite.publicKeyToPem(publicKey),
    );
    const publicFile = scratch.write(`${id}.ours.pub.der`, suite.publicKeyToDer(publicKey));
    const reencoded = openssl([
      'pkey',
      '-pubin',
      '-inform',
      'DER',
      '-in',
      publicFile,
      '-outform',
      'DER',
    ]);
    expect(hex(reencoded)).toBe(hex(suite.publicKeyToDer(publicKey)));
  });
});

it('p256_compressedSpkiWrittenByOpenSsl_isAccepted', () => {
  const key = opensslKey('p256', 'compressed');
  const compressed = openssl([
    'pkey',
    '-in',
    key.keyPem,
    '-pubout',
    '-outform',
    'DER',
    '-ec_conv_form',
    'compressed',
  ]);
  expect(compressed.length).toBe(59);
  const suite = getSuite('p256');
  expect(suite.publicKeyFromDer(new Uint8Array(compressed))).toEqual(
    suite.publicKeyFromPem(key.publicPem),
  );
});

/** OpenSSL arguments that verify a signature over a message file with a public key file. */
const OPENSSL_VERIFY: Record<SuiteId, (pub: string, msg: string, sig: string) => string[]> = {
  ed25519: (pub, msg, sig) => [
    'pkeyutl',
    '-verify',
    '-pubin',
    '-inkey',
    pub,
    '-rawin',
    '-in',
    msg,
    '-sigfile',
    sig,
  ],
  p256: (pub, msg, sig) => ['dgst', '-sha256', '-verify', pub, '-signature', sig, msg],
  sm2: (pub, msg, sig) => [
    ...['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-digest', 'sm3'],
    ...['-pkeyopt', 'distid:1234567812345678', '-in', msg, '-sigfile', sig],
  ],
};

const OPENSSL_SIGN: Record<SuiteId, (key: string, msg: string, sig: string) => string[]> = {
  ed25519: (key, msg, sig) => [
    'pkeyutl',
    '-sign',
    '-inkey',
    key,
    '-rawin',
    '-in',
    msg,
    '-out',
    sig,
  ],
  p256: (key, msg, sig) => ['dgst', '-sha256', '-sign', key, '-out', sig, msg],
  sm2: (key, msg, sig) => [
    ...['pkeyutl', '-sign', '-inkey', key, '-rawin', '-digest', 'sm3'],
    ...['-pkeyopt', 'distid:1234567812345678', '-in', msg, '-out', sig],
  ],
};

describe.each(['ed25519', 'p256', 'sm2'] as const)('%s signatures with OpenSSL', (id) => {
  const suite = getSuite(id, 'fast');
  const toWire = (signature: Uint8Array) =>
    id === 'ed25519' ? signature : signatureToDer(id, signature);
  const fromWire = (signature: Uint8Array) =>
    id === 'ed25519' ? signature : signatureFromDer(id, signature);
  const message = utf8(`a message signed with ${id}`);
  const messageFile = scratch.write(`${id}.msg`, message);

  it('ourSignature_isVerifiedByOpenSsl', () => {
    const { secretKey, publicKey } = suite.generateKeyPair();
    const publicFile = scratch.write(`${id}.sig.pub.pem`, suite.publicKeyToPem(publicKey));
    const signatureFile = scratch.write(`${id}.sig.ours`, toWire(suite.sign(secretKey, message)));
    expect(openssl(OPENSSL_VERIFY[id](publicFile, messageFile, signatureFile)).toString()).toMatch(
      /Verified OK|Signature Verified Successfully/,
    );
    const tampered = toWire(suite.sign(secretKey, utf8('another message')));
    const tamperedFile = scratch.write(`${id}.sig.tampered`, tampered);
    expect(() => openssl(OPENSSL_VERIFY[id](publicFile, messageFile, tamperedFile))).toThrow();
  });

  it('opensslSignatures_verify_exceptP256HighS', () => {
    const keyFile = scratch.path(`${id}.signer.pem`);
    openssl(['genpkey', ...GENPKEY[id], '-out', keyFile]);
    const publicKey = suite.publicKeyFromPem(
      openssl(['pkey', '-in', keyFile, '-pubout']).toString(),
    );
    const seen = new Set<string>();
    // OpenSSL's ECDSA nonces are random, so its s is high half of the time: sign until both kinds are seen.
    for (let attempt = 0; attempt < 24 && seen.size < (id === 'p256' ? 2 : 1); attempt++) {
      const signatureFile = scratch.path(`${id}.sig.openssl.${attempt}`);
      openssl(OPENSSL_SIGN[id](keyFile, messageFile, signatureFile));
      const signature = fromWire(scratch.read(`${id}.sig.openssl.${attempt}`));
      const highS = id === 'p256' && BigInt(`0x${hex(signature.subarray(32))}`) > P256.halfN;
      seen.add(highS ? 'high' : 'low');
      expect(suite.verify(publicKey, message, signature)).toBe(!highS);
      expect(getSuite(id, 'portable').verify(publicKey, message, signature)).toBe(!highS);
    }
    expect(seen.size).toBe(id === 'p256' ? 2 : 1);
  });
});

describe('key decoding errors', () => {
  const ed25519 = getSuite('ed25519');
  const p256 = getSuite('p256');
  const p256Key = opensslKey('p256', 'errors-p256');
  const sm2Key = opensslKey('sm2', 'errors-sm2');

  it('keyOfAnotherAlgorithm_isWrongKeyType', () => {
    const error = expectCryptoError(
      () => ed25519.publicKeyFromPem(p256Key.publicPem),
      CryptoErrorCode.WrongKeyType,
      'pem',
    );
    expect(error.message).toContain('expected Ed25519');
    expectCryptoError(
      () => p256.secretKeyFromDer(sm2Key.secretDer),
      CryptoErrorCode.WrongKeyType,
      'der',
    );
    expectCryptoError(
      () => getSuite('sm2').publicKeyFromDer(p256Key.publicDer),
      CryptoErrorCode.WrongKeyType,
      'der',
    );
  });

  it('sec1ECPrivateKeyPem_isRefused_onlyPkcs8IsAccepted', () => {
    const sec1 = openssl(['ec', '-in', p256Key.keyPem]).toString();
    expect(sec1).toContain('BEGIN EC PRIVATE KEY');
    const error = expectCryptoError(
      () => p256.secretKeyFromPem(sec1),
      CryptoErrorCode.InvalidEncoding,
      'pem',
    );
    expect(error.message).toContain('expected a PRIVATE KEY block, got EC PRIVATE KEY');
  });

  it('encryptedPkcs8_isRefused', () => {
    const encrypted = openssl([
      'pkcs8',
      '-topk8',
      '-in',
      p256Key.keyPem,
      '-passout',
      'pass:x',
    ]).toString();
    expectCryptoError(
      () => p256.secretKeyFromPem(encrypted),
      CryptoErrorCode.InvalidEncoding,
      'pem',
    );
  });

  it('truncatedOrPaddedDer_isInvalidEncoding', () => {
    expectCryptoError(
      () => p256.publicKeyFromDer(p256Key.publicDer.subarray(0, 40)),
      CryptoErrorCode.InvalidEncoding,
      'der',
    );
    const padded = Uint8Array.from([...p256Key.publicDer, 0]);
    expectCryptoError(() => p256.publicKeyFromDer(padded), CryptoErrorCode.InvalidEncoding, 'der');
    expectCryptoError(
      () => p256.publicKeyFromPem('not pem'),
      CryptoErrorCode.InvalidEncoding,
      'pem',
    );
  });

  it('pkcs8WithAnotherPublicKey_isKeyMismatch', () => {
    const der = new Uint8Array(p256Key.secretDer);
    der[der.length - 1]! ^= 0x01; // the last byte of the embedded public point's y
    expectCryptoError(() => p256.secretKeyFromDer(der), CryptoErrorCode.KeyMismatch, 'der');
  });

  it('publicPointOffTheCurve_isInvalidPublicKey', () => {
    const der = new Uint8Array(p256Key.publicDer);
    der[der.length - 1]! ^= 0x01;
    expectCryptoError(
      () => p256.publicKeyFromDer(der),
      CryptoErrorCode.InvalidPublicKey,
      'der (subjectPublicKey)',
    );
  });
});
