/**
 * Ed25519 signatures built to sit on each rule of docs/spec/crypto.md §4.1, deterministically
 * (they go into docs/spec/vectors/crypto-ed25519.json). Each passes or fails one rule only.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { ED25519, Ed25519Point } from '../../src/crypto/common/curves';
import { bytes, utf8 } from './helpers';

export interface EdgeCase {
  readonly name: string;
  /** Why it is accepted or refused, naming the rule. */
  readonly rule: string;
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  readonly valid: boolean;
}

const L = ED25519.L;
const B = Ed25519Point.BASE;
/** A point of order 8 (libsodium's blacklist entry 26e8…05). */
const T8 = Ed25519Point.fromBytes(
  bytes('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'),
  false,
);
const IDENTITY = bytes('0100000000000000000000000000000000000000000000000000000000000000');

const le = (value: bigint): Uint8Array => {
  const out = new Uint8Array(32);
  let v = value;
  for (let i = 0; i < 32; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
};
const int = (data: Uint8Array): bigint =>
  data.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
const concat = (...parts: Uint8Array[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => [...p]));
const challenge = (r: Uint8Array, a: Uint8Array, m: Uint8Array): bigint =>
  int(sha512(concat(r, a, m))) % L;
const nonce = (label: string, i: number): bigint =>
  int(sha512(utf8(`trellis/vectors/ed25519/${label}/${i}`))) % L;

/** Signs with scalar `a` for the (possibly torsion-shifted) key `publicKey`, with a chosen R offset. */
function signRaw(
  a: bigint,
  publicKey: Uint8Array,
  message: Uint8Array,
  r: bigint,
  rOffset = Ed25519Point.ZERO,
) {
  const rBytes = B.multiply(r).add(rOffset).toBytes();
  const h = challenge(rBytes, publicKey, message);
  return { signature: concat(rBytes, le((r + h * a) % L)), h };
}

export function ed25519EdgeCases(): EdgeCase[] {
  const seed = sha512(utf8('trellis/vectors/ed25519/edge-key')).subarray(0, 32);
  const { scalar: a, pointBytes: publicKey } = ed25519.utils.getExtendedPublicKey(seed);
  const message = utf8('trellis edge case');
  const valid = ed25519.sign(message, seed);

  // S + L: the same value mod L, not canonical.
  const sPlusL = concat(valid.subarray(0, 32), le(int(valid.subarray(32)) + L));

  // A' = A + T8: a key with a torsion component. The cofactorless equation holds iff 8 | h.
  const mixedKey = Ed25519Point.fromBytes(publicKey, false).add(T8).toBytes();
  const mixedKeySig = (wantDivisible: boolean) => {
    for (let i = 0; ; i++) {
      const { signature, h } = signRaw(a, mixedKey, message, nonce('mixed-key', i));
      if ((h % 8n === 0n) === wantDivisible) return signature;
    }
  };

  // R' = rB + T8 with an honest S: cofactored verifiers accept it, cofactorless do not.
  const mixedR = signRaw(a, publicKey, message, nonce('mixed-r', 0), T8).signature;

  // A = identity: R = [S]B satisfies [S]B − [h]A = R for any message; only the rule stops it.
  const s = nonce('identity-key', 0);
  const identityKeyForgery = concat(B.multiply(s).toBytes(), le(s));

  // R = identity, S = 0, A = identity: the all-identity forgery.
  const allIdentity = concat(IDENTITY, new Uint8Array(32));

  // R replaced by a small-order encoding (order 8), key and S unchanged.
  const smallOrderR = concat(T8.toBytes(), valid.subarray(32));

  // A encoded with y = p + 3: decodes (leniently) to the point with y = 3, which is on the curve
  // and not of small order; only the canonical-encoding rule refuses it.
  const nonCanonicalKey = bytes('f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');

  const flipped = new Uint8Array(valid);
  flipped[0]! ^= 0x01;

  return [
    { name: 'valid', rule: 'all rules hold', publicKey, message, signature: valid, valid: true },
    {
      name: 'flipped R bit',
      rule: 'equation fails',
      publicKey,
      message,
      signature: flipped,
      valid: false,
    },
    {
      name: 'S + L',
      rule: 'S < L (canonical S)',
      publicKey,
      message,
      signature: sPlusL,
      valid: false,
    },
    {
      name: 'mixed-order key, 8 | k',
      rule: 'keys with a torsion component are accepted; the cofactorless equation holds',
      publicKey: mixedKey,
      message,
      signature: mixedKeySig(true),
      valid: true,
    },
    {
      name: 'mixed-order key, 8 ∤ k',
      rule: 'cofactorless equation: [S]B − [k]A = R fails by a torsion point (a cofactored verifier would accept)',
      publicKey: mixedKey,
      message,
      signature: mixedKeySig(false),
      valid: false,
    },
    {
      name: 'mixed-order R',
      rule: 'cofactorless equation, compared as encodings (a cofactored verifier would accept)',
      publicKey,
      message,
      signature: mixedR,
      valid: false,
    },
    {
      name: 'identity public key',
      rule: 'A not of small order (the equation alone would hold for any message)',
      publicKey: IDENTITY,
      message,
      signature: identityKeyForgery,
      valid: false,
    },
    {
      name: 'all identity',
      rule: 'R and A not of small order',
      publicKey: IDENTITY,
      message,
      signature: allIdentity,
      valid: false,
    },
    {
      name: 'small-order R',
      rule: 'R not of small order',
      publicKey,
      message,
      signature: smallOrderR,
      valid: false,
    },
    {
      name: 'non-canonical key (y = p + 3)',
      rule: 'A canonical (y < p)',
      publicKey: nonCanonicalKey,
      message,
      signature: valid,
      valid: false,
    },
  ];
}
