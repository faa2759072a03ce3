// The incremental hasher against independent implementations: the standard's SM3 vectors,
// chain-core's one-shot SM3 and SHA-256, and OpenSSL over a file, for every way of cutting the
// input into chunks (block boundaries, padding into a second block, empty chunks).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hash, toHex } from '@trellis/chain-core';
import { HasherError, Sm3, trellisHasher } from '../src';

const bytes = (n: number, seed = 1): Uint8Array => {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
};

function hashInChunks(data: Uint8Array, sizes: readonly number[]) {
  const hasher = trellisHasher();
  let offset = 0;
  let i = 0;
  while (offset < data.length) {
    const size = sizes[i++ % sizes.length]!;
    hasher.update(data.subarray(offset, offset + size));
    offset += size;
  }
  expect(hasher.length).toBe(data.length);
  return hasher.digest();
}

describe('trellisHasher', () => {
  it('matchesTheSm3StandardVectors (GB/T 32905 appendix A)', () => {
    const abc = new Sm3().update(new TextEncoder().encode('abc')).digest();
    expect(toHex(abc)).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    const abcd16 = new Sm3().update(new TextEncoder().encode('abcd'.repeat(16))).digest();
    expect(toHex(abcd16)).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });

  it('matchesChainCoreForEveryLengthAroundTheBlockAndPaddingEdges', () => {
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000]) {
      const data = bytes(n, n + 7);
      const oneShot = { sha256: toHex(hash('sha256', data)), sm3: toHex(hash('sm3', data)) };
      expect(hashInChunks(data, [n || 1])).toEqual(oneShot);
      expect(hashInChunks(data, [1])).toEqual(oneShot);
      expect(hashInChunks(data, [7, 0, 64, 63, 65])).toEqual(oneShot);
    }
  });

  it('matchesOpenSslOnAMultiMegabyteFileHashedInChunks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-hasher-'));
    try {
      const data = bytes(3 * 1024 * 1024 + 17, 99);
      const file = join(dir, 'evidence.bin');
      writeFileSync(file, data);
      const openssl = (algo: string) =>
        execFileSync('openssl', ['dgst', `-${algo}`, '-r', file], { encoding: 'utf8' }).split(
          ' ',
        )[0];
      expect(hashInChunks(data, [1024 * 1024, 4096, 1])).toEqual({
        sha256: openssl('sha256'),
        sm3: openssl('sm3'),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refusesUseAfterDigest_andNonByteChunks_withTypedErrors', () => {
    const hasher = trellisHasher();
    expect(() => hasher.update('text' as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'hasher-bad-chunk' }),
    );
    hasher.digest();
    expect(() => hasher.update(new Uint8Array(1))).toThrow(HasherError);
    expect(() => hasher.digest()).toThrow(expect.objectContaining({ code: 'hasher-finished' }));
  });
});
