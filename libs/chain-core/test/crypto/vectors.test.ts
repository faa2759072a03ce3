/**
 * docs/spec/vectors/crypto-*.json: generated here from the code, compared with the checked-in
 * files (UPDATE_VECTORS=1 rewrites them), and checked against both implementations.
 * Format: docs/spec/crypto.md §8.
 */
import { type SuiteId, getSuite, hash } from '../../src/crypto';
import { P256, SM2, Sm2Point } from '../../src/crypto/common/curves';
import { sm2Digest, sm2SignWithNonce, sm2Za } from '../../src/crypto/common/sm2';
import { expectVectorFile } from '../vector-file';
import { ed25519EdgeCases } from './ed25519-edge-cases';
import { bytes, hex, utf8 } from './helpers';

const GENERATOR =
  'libs/chain-core/test/crypto/vectors.test.ts (UPDATE_VECTORS=1 rewrites this file)';

/** The messages every suite signs: empty, ASCII, 32 bytes 00..1f, 200 bytes of a pattern. */
const MESSAGES: Uint8Array[] = [
  new Uint8Array(0),
  utf8('abc'),
  Uint8Array.from({ length: 32 }, (_, i) => i),
  Uint8Array.from({ length: 200 }, (_, i) => (i * 7 + 3) & 0xff),
];

/** Secret key i of a suite: SHA-256("trellis/vectors/<suite>/key/<i>"), checked to be in range. */
function vectorSecretKey(id: SuiteId, index: number): Uint8Array {
  const secretKey = hash('sha256', utf8(`trellis/vectors/${id}/key/${index}`));
  getSuite(id).publicKeyFromSecretKey(secretKey); // throws if out of range
  return secretKey;
}

const be32 = (value: bigint): string => value.toString(16).padStart(64, '0');

interface VerifyVector {
  name: string;
  rule: string;
  publicKey: string;
  message: string;
  signature: string;
  valid: boolean;
}

function keysAndSignatures(id: SuiteId) {
  const suite = getSuite(id);
  const secretKeys = [0, 1].map((i) => vectorSecretKey(id, i));
  const keys = secretKeys.map((secretKey) => {
    const publicKey = suite.publicKeyFromSecretKey(secretKey);
    return {
      secretKey: hex(secretKey),
      publicKey: hex(publicKey),
      spki: hex(suite.publicKeyToDer(publicKey)),
      pkcs8: hex(suite.secretKeyToDer(secretKey)),
    };
  });
  const signatures = secretKeys.flatMap((secretKey, key) =>
    MESSAGES.map((message) => {
      const signature = suite.sign(secretKey, message);
      if (id !== 'sm2') return { key, message: hex(message), signature: hex(signature) };
      const za = sm2Za(suite.hash, Sm2Point.fromBytes(suite.publicKeyFromSecretKey(secretKey)));
      return {
        key,
        message: hex(message),
        za: hex(za),
        e: be32(sm2Digest(suite.hash, za, message)),
        signature: hex(signature),
      };
    }),
  );
  return { suite, secretKeys, keys, signatures };
}

/** Signature variants on the first key's signature of "abc", one rule each. */
function ecRejections(
  id: 'p256' | 'sm2',
  publicKey: Uint8Array,
  signature: Uint8Array,
): VerifyVector[] {
  const n = id === 'p256' ? P256.n : SM2.n;
  const r = BigInt(`0x${hex(signature.subarray(0, 32))}`);
  const s = BigInt(`0x${hex(signature.subarray(32))}`);
  const abc = hex(utf8('abc'));
  const v = (
    name: string,
    rule: string,
    rs: string,
    valid = false,
    key = hex(publicKey),
    message = abc,
  ): VerifyVector => ({
    name,
    rule,
    publicKey: key,
    message,
    signature: rs,
    valid,
  });
  return [
    v('valid', 'all rules hold', hex(signature), true),
    v('other message', 'equation fails', hex(signature), false, hex(publicKey), hex(utf8('abd'))),
    id === 'p256'
      ? v(
          'high-S twin (r, n − s)',
          'low-S: s ≤ (n − 1)/2 (valid ECDSA otherwise)',
          be32(r) + be32(n - s),
        )
      : v('(r, n − s)', 'equation fails: SM2 has no ECDSA-style twin', be32(r) + be32(n - s)),
    v('r = 0', 'r ∈ [1, n − 1]', be32(0n) + be32(s)),
    v('s = 0', 's ∈ [1, n − 1]', be32(r) + be32(0n)),
    v('r = n', 'r ∈ [1, n − 1]', be32(n) + be32(s)),
    v('s = n', 's ∈ [1, n − 1]', be32(r) + be32(n)),
    v(
      'key prefix 0x04',
      'public key is 0x02/0x03 ‖ x',
      hex(signature),
      false,
      `04${hex(publicKey.subarray(1))}`,
    ),
    v(
      'key x not on the curve',
      'public key is a point of the curve',
      hex(signature),
      false,
      `02${'00'.repeat(31)}01`,
    ),
  ];
}

function sm2Extras(publicKey: Uint8Array): VerifyVector[] {
  // GM/T 0003.5-2012 Annex A: d = 3945…c5b8, M = "message digest", default user id.
  const annexKey = getSuite('sm2').publicKeyFromSecretKey(
    bytes('3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8'),
  );
  const secretKey = vectorSecretKey('sm2', 0);
  const d = BigInt(`0x${hex(secretKey)}`);
  const suite = getSuite('sm2');
  const emptyIdZa = sm2Za(suite.hash, Sm2Point.fromBytes(publicKey), new Uint8Array(0));
  const emptyIdSignature = sm2SignWithNonce(
    d,
    sm2Digest(suite.hash, emptyIdZa, utf8('abc')),
    12345n,
  )!;
  const tZero = suite.sign(secretKey, utf8('abc'));
  const r = BigInt(`0x${hex(tZero.subarray(0, 32))}`);
  return [
    {
      name: 'GM/T 0003.5 Annex A example',
      rule: 'all rules hold (published signature, recommended curve, default user id)',
      publicKey: hex(annexKey),
      message: hex(utf8('message digest')),
      signature:
        'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa',
      valid: true,
    },
    {
      name: 'empty user id',
      rule: 'Z_A uses the default user id "1234567812345678"',
      publicKey: hex(publicKey),
      message: hex(utf8('abc')),
      signature: hex(emptyIdSignature),
      valid: false,
    },
    {
      name: 't = 0 (s = n − r)',
      rule: 't = (r + s) mod n ≠ 0',
      publicKey: hex(publicKey),
      message: hex(utf8('abc')),
      signature: be32(r) + be32(SM2.n - r),
      valid: false,
    },
  ];
}

function suiteVectors(id: SuiteId) {
  const { secretKeys, keys, signatures, suite } = keysAndSignatures(id);
  const publicKey = suite.publicKeyFromSecretKey(secretKeys[0]!);
  const abcSignature = suite.sign(secretKeys[0]!, utf8('abc'));
  const verify: VerifyVector[] =
    id === 'ed25519'
      ? ed25519EdgeCases().map((c) => ({
          name: c.name,
          rule: c.rule,
          publicKey: hex(c.publicKey),
          message: hex(c.message),
          signature: hex(c.signature),
          valid: c.valid,
        }))
      : [
          ...ecRejections(id, publicKey, abcSignature),
          ...(id === 'sm2' ? sm2Extras(publicKey) : []),
        ];
  return {
    description: `Trellis ${id} suite vectors (docs/spec/crypto.md). All values hex.`,
    generator: GENERATOR,
    suite: id,
    hash: suite.hashId,
    keys,
    signatures,
    verify,
  };
}

function hashVectors() {
  const messages = [...MESSAGES, utf8('abcd'.repeat(16))];
  return {
    description: 'Trellis hash vectors (docs/spec/crypto.md §3). All values hex.',
    generator: GENERATOR,
    vectors: (['sha256', 'sm3'] as const).flatMap((id) =>
      messages.map((message) => ({
        hash: id,
        message: hex(message),
        digest: hex(hash(id, message)),
      })),
    ),
  };
}

type SuiteFile = ReturnType<typeof suiteVectors>;

describe.each(['ed25519', 'p256', 'sm2'] as const)('docs/spec/vectors/crypto-%s.json', (id) => {
  const stored = expectVectorFile(`crypto-${id}.json`, suiteVectors(id)) as SuiteFile;

  it.each(['fast', 'portable'] as const)(
    'keysAndSignatures_areReproducedBy_%s',
    (implementation) => {
      const suite = getSuite(id, implementation);
      for (const key of stored.keys) {
        expect(hex(suite.publicKeyFromSecretKey(bytes(key.secretKey)))).toBe(key.publicKey);
        expect(hex(suite.publicKeyFromDer(bytes(key.spki)))).toBe(key.publicKey);
        expect(hex(suite.secretKeyFromDer(bytes(key.pkcs8)))).toBe(key.secretKey);
      }
      for (const vector of stored.signatures) {
        const key = stored.keys[vector.key]!;
        expect(hex(suite.sign(bytes(key.secretKey), bytes(vector.message)))).toBe(vector.signature);
        expect(
          suite.verify(bytes(key.publicKey), bytes(vector.message), bytes(vector.signature)),
        ).toBe(true);
      }
    },
  );

  it.each(['fast', 'portable'] as const)(
    'verifyVectors_getTheirVerdictFrom_%s',
    (implementation) => {
      const suite = getSuite(id, implementation);
      for (const vector of stored.verify) {
        expect([
          vector.name,
          suite.verify(bytes(vector.publicKey), bytes(vector.message), bytes(vector.signature)),
        ]).toEqual([vector.name, vector.valid]);
      }
    },
  );
});

describe('docs/spec/vectors/crypto-hash.json', () => {
  it('matchesTheCode', () => {
    expectVectorFile('crypto-hash.json', hashVectors());
  });
});
