import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reservePortBlocks } from '@trellis/shared/testing';

describe('reservePortBlocks', () => {
  it('concurrentReservations_neverShareABlock', async () => {
    const reservations = await Promise.all(
      Array.from({ length: 30 }, () => reservePortBlocks(2, [1, 101])),
    );
    const blocks = reservations.flatMap((r) => [r.base / 100, r.base / 100 + 1]);
    expect(new Set(blocks).size).toBe(blocks.length);
    for (const r of reservations) {
      expect(r.base % 100).toBe(0);
      expect(r.base).toBeGreaterThanOrEqual(10_000);
      expect(r.base + 199).toBeLessThan(32_768);
      r.release();
    }
  });

  it('aBlockOfADeadProcess_isTakenOver', async () => {
    const root = join(tmpdir(), 'trellis-test-port-blocks');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout;
    // Every block nobody holds now is marked as held by a process that has exited.
    mkdirSync(root, { recursive: true });
    const marked: string[] = [];
    const stale: string[] = [];
    for (let block = 100; block < 320; block++) {
      const dir = join(root, String(block));
      try {
        mkdirSync(dir);
      } catch {
        // held already: by a live test process (left alone), or stale from a killed one
        const owner = Number(readFileSync(join(dir, 'pid'), 'utf8'));
        if (spawnSync('kill', ['-0', String(owner)]).status !== 0) stale.push(dir);
        continue;
      }
      writeFileSync(join(dir, 'pid'), dead);
      marked.push(dir);
    }
    try {
      const taken = await reservePortBlocks(1, [1]);
      const dir = join(root, String(taken.base / 100));
      expect([...marked, ...stale]).toContain(dir);
      expect(readFileSync(join(dir, 'pid'), 'utf8')).toBe(String(process.pid));
      taken.release();
      expect(existsSync(dir)).toBe(false);
    } finally {
      for (const dir of marked) {
        if (existsSync(dir) && readFileSync(join(dir, 'pid'), 'utf8') === dead) {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  });
});
