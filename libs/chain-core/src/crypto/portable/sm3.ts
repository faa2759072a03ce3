/**
 * SM3, GB/T 32905-2016 (= GM/T 0004-2012), written from the standard for the portable build
 * (node has `createHash('sm3')`; browsers do not). 512-bit blocks, 256-bit digest,
 * Merkle–Damgård with the same padding as SHA-256. Incremental, so that a page can hash a large
 * file in slices (the court verification page hashes evidence in the browser).
 */

/** §4.1 initial value. */
const SM3_IV = [
  0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
];

/** §4.2 T_j rotated left by j mod 32, precomputed. */
const SM3_T = new Uint32Array(64);
for (let j = 0; j < 64; j++) {
  const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
  const n = j % 32;
  SM3_T[j] = n === 0 ? t : (t << n) | (t >>> (32 - n));
}

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));

/** SM3 over a stream: 64-byte blocks compressed as they fill (§5). */
export class Sm3 {
  private readonly v = Uint32Array.from(SM3_IV);
  private readonly w = new Uint32Array(68);
  private readonly buffer = new Uint8Array(64);
  private buffered = 0;
  /** Total length in bytes; a double holds any realistic file size exactly (< 2^53). */
  private total = 0;
  private finished = false;

  update(data: Uint8Array): this {
    if (this.finished) throw new Error('SM3: update after digest');
    this.total += data.length;
    let offset = 0;
    if (this.buffered > 0) {
      const take = Math.min(64 - this.buffered, data.length);
      this.buffer.set(data.subarray(0, take), this.buffered);
      this.buffered += take;
      offset = take;
      if (this.buffered < 64) return this;
      this.compress(this.buffer, 0);
      this.buffered = 0;
    }
    for (; offset + 64 <= data.length; offset += 64) this.compress(data, offset);
    if (offset < data.length) {
      this.buffer.set(data.subarray(offset));
      this.buffered = data.length - offset;
    }
    return this;
  }

  digest(): Uint8Array {
    if (this.finished) throw new Error('SM3: digest called twice');
    // §5.2 padding: a 1 bit, zeros up to 448 mod 512 bits, the 64-bit big-endian bit length.
    const bits = this.total * 8;
    const tail = new Uint8Array(this.buffered < 56 ? 64 : 128);
    tail.set(this.buffer.subarray(0, this.buffered));
    tail[this.buffered] = 0x80;
    const view = new DataView(tail.buffer);
    view.setUint32(tail.length - 8, Math.floor(bits / 0x100000000));
    view.setUint32(tail.length - 4, bits >>> 0);
    for (let i = 0; i < tail.length; i += 64) this.compress(tail, i);
    this.finished = true;
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) outView.setUint32(4 * i, this.v[i]!);
    return out;
  }

  /** §5.3: message expansion and the 64 rounds, on the block at `offset`. */
  private compress(block: Uint8Array, offset: number): void {
    const w = this.w;
    for (let j = 0; j < 16; j++) {
      const i = offset + 4 * j;
      w[j] = (block[i]! << 24) | (block[i + 1]! << 16) | (block[i + 2]! << 8) | block[i + 3]!;
    }
    for (let j = 16; j < 68; j++) {
      const x = w[j - 16]! ^ w[j - 9]! ^ rotl(w[j - 3]!, 15);
      w[j] = x ^ rotl(x, 15) ^ rotl(x, 23) ^ rotl(w[j - 13]!, 7) ^ w[j - 6]!;
    }
    const v = this.v;
    let a = v[0]!;
    let b = v[1]!;
    let c = v[2]!;
    let d = v[3]!;
    let e = v[4]!;
    let f = v[5]!;
    let g = v[6]!;
    let h = v[7]!;
    for (let j = 0; j < 64; j++) {
      const a12 = rotl(a, 12);
      const ss1 = rotl((a12 + e + SM3_T[j]!) | 0, 7);
      const ss2 = ss1 ^ a12;
      const ff = j < 16 ? a ^ b ^ c : (a & b) | (a & c) | (b & c);
      const gg = j < 16 ? e ^ f ^ g : (e & f) | (~e & g);
      const tt1 = (ff + d + ss2 + (w[j]! ^ w[j + 4]!)) | 0;
      const tt2 = (gg + h + ss1 + w[j]!) | 0;
      d = c;
      c = rotl(b, 9);
      b = a;
      a = tt1;
      h = g;
      g = rotl(f, 19);
      f = e;
      e = tt2 ^ rotl(tt2, 9) ^ rotl(tt2, 17);
    }
    v[0]! ^= a;
    v[1]! ^= b;
    v[2]! ^= c;
    v[3]! ^= d;
    v[4]! ^= e;
    v[5]! ^= f;
    v[6]! ^= g;
    v[7]! ^= h;
  }
}

/** SM3 digest (32 bytes) of `data`. */
export function sm3(data: Uint8Array): Uint8Array {
  return new Sm3().update(data).digest();
}
