/**
 * SM3, GB/T 32905-2016 (= GM/T 0004-2012), written from the standard for the portable build
 * (node has `createHash('sm3')`; browsers do not). 512-bit blocks, 256-bit digest,
 * Merkle–Damgård with the same padding as SHA-256.
 */

/** §4.1 initial value IV. */
const IV = [
  0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
];

/** §4.2 constants: T_j = 79cc4519 for 0 ≤ j ≤ 15, 7a879d8a for 16 ≤ j ≤ 63, pre-rotated by j mod 32. */
const T_ROTATED = Array.from({ length: 64 }, (_, j) =>
  rotl(j < 16 ? 0x79cc4519 : 0x7a879d8a, j % 32),
);

function rotl(x: number, n: number): number {
  return n === 0 ? x >>> 0 : ((x << n) | (x >>> (32 - n))) >>> 0;
}

/** §4.4 permutations. */
function p0(x: number): number {
  return (x ^ rotl(x, 9) ^ rotl(x, 17)) >>> 0;
}
function p1(x: number): number {
  return (x ^ rotl(x, 15) ^ rotl(x, 23)) >>> 0;
}

/** §5.3.3 compression of one 64-byte block at `offset` into the state `v`. */
function compress(v: number[], block: Uint8Array, offset: number): void {
  // §5.3.2 message expansion: W_0..W_67 and W'_j = W_j ⊕ W_{j+4}.
  const w = new Array<number>(68);
  for (let j = 0; j < 16; j++) {
    const i = offset + 4 * j;
    w[j] = ((block[i]! << 24) | (block[i + 1]! << 16) | (block[i + 2]! << 8) | block[i + 3]!) >>> 0;
  }
  for (let j = 16; j < 68; j++) {
    w[j] =
      (p1(w[j - 16]! ^ w[j - 9]! ^ rotl(w[j - 3]!, 15)) ^ rotl(w[j - 13]!, 7) ^ w[j - 6]!) >>> 0;
  }
  let [a, b, c, d, e, f, g, h] = v as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  for (let j = 0; j < 64; j++) {
    const a12 = rotl(a, 12);
    const ss1 = rotl((a12 + e + T_ROTATED[j]!) >>> 0, 7);
    const ss2 = (ss1 ^ a12) >>> 0;
    // §4.3 boolean functions FF_j and GG_j.
    const ff = j < 16 ? a ^ b ^ c : (a & b) | (a & c) | (b & c);
    const gg = j < 16 ? e ^ f ^ g : (e & f) | (~e & g);
    const tt1 = (ff + d + ss2 + (w[j]! ^ w[j + 4]!)) >>> 0;
    const tt2 = (gg + h + ss1 + w[j]!) >>> 0;
    d = c;
    c = rotl(b, 9);
    b = a;
    a = tt1;
    h = g;
    g = rotl(f, 19);
    f = e;
    e = p0(tt2);
  }
  const next = [a, b, c, d, e, f, g, h];
  for (let i = 0; i < 8; i++) v[i] = (v[i]! ^ next[i]!) >>> 0;
}

/** SM3 digest (32 bytes) of `data`. */
export function sm3(data: Uint8Array): Uint8Array {
  // §5.2 padding: 1 bit, zeros to 448 mod 512 bits, then the 64-bit big-endian bit length.
  const blocks = Math.ceil((data.length + 9) / 64);
  const padded = new Uint8Array(blocks * 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bitLength = data.length * 8;
  view.setUint32(padded.length - 8, Math.floor(bitLength / 0x100000000));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  const v = [...IV];
  for (let i = 0; i < blocks; i++) compress(v, padded, i * 64);
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(4 * i, v[i]!);
  return out;
}
