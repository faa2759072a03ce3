/**
 * Port ranges for tests that start real processes on fixed ports (a consortium's nodes take
 * base+1, base+2, … from their config). Probing that a port is free is not enough when test
 * files run in parallel: two files can probe the same free range before either binds it. So a
 * range is also *reserved*: one directory per block of 100 ports under the system's temporary
 * folder, created atomically (mkdir fails if it exists), holding the owner's pid. A block whose
 * owner is no longer alive is taken over; a process releases its blocks when it exits.
 *
 * Bases are multiples of 100 in 10 000–31 999: below Linux's ephemeral range (32 768+), so the
 * tests' own outgoing connections cannot take them.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOCK_ROOT = join(tmpdir(), 'trellis-test-port-blocks');
const FIRST_BLOCK = 100;
const BLOCKS = 220;
const held = new Set<string>();
let exitHookInstalled = false;

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock of one block, or false if a living process holds it. */
function lockBlock(block: number): boolean {
  const dir = join(LOCK_ROOT, String(block));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      held.add(dir);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner: number;
      try {
        owner = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      } catch {
        return false; // being created right now by someone else
      }
      if (!Number.isInteger(owner) || alive(owner)) return false;
      rmSync(dir, { recursive: true, force: true }); // its owner died: take it over
    }
  }
  return false;
}

function unlock(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  held.delete(dir);
}

export interface PortBlocks {
  /** A multiple of 100; the reservation covers base … base + 100·blocks − 1. */
  readonly base: number;
  release(): void;
}

/**
 * Reserves `blocks` consecutive blocks of 100 ports whose `offsets` (from the base) are free
 * now, for this process until `release()` or exit.
 */
export async function reservePortBlocks(
  blocks: number,
  offsets: readonly number[],
): Promise<PortBlocks> {
  mkdirSync(LOCK_ROOT, { recursive: true });
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => [...held].forEach(unlock));
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const first = FIRST_BLOCK + Math.floor(Math.random() * (BLOCKS - blocks + 1));
    const taken: number[] = [];
    for (let b = first; b < first + blocks && lockBlock(b); b++) taken.push(b);
    const dirs = taken.map((b) => join(LOCK_ROOT, String(b)));
    if (taken.length === blocks) {
      const base = first * 100;
      if ((await Promise.all(offsets.map((o) => isFree(base + o)))).every(Boolean)) {
        return { base, release: () => dirs.forEach(unlock) };
      }
    }
    dirs.forEach(unlock);
  }
  throw new Error(`no free, unreserved range of ${blocks} × 100 ports`);
}
