// Shared by the TSA tests: the RFC 3161 corpus (required: a missing corpus fails the tests, it
// is not skipped), openssl runs that report their status and output, and scratch directories.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// Copied into the repository (fixtures/rfc3161/SOURCES.md) so CI needs nothing outside it.
export const CORPUS = resolve(__dirname, '..', 'fixtures', 'rfc3161');

/** A corpus file's bytes; throws (failing the test) when the corpus is not there. */
export function corpus(file: string): Buffer {
  const path = join(CORPUS, file);
  if (!existsSync(path)) throw new Error(`RFC 3161 corpus file missing: ${path}`);
  return readFileSync(path);
}

export function corpusPath(file: string): string {
  corpus(file);
  return join(CORPUS, file);
}

export interface OpensslRun {
  readonly status: number | null;
  /** stdout and stderr together (openssl ts prints its verdict on stdout, errors on stderr). */
  readonly output: string;
  readonly stdout: Buffer;
}

export function openssl(args: readonly string[], input?: Uint8Array): OpensslRun {
  const run = spawnSync('openssl', args, { input, maxBuffer: 16 * 1024 * 1024 });
  if (run.error !== undefined) throw run.error;
  return {
    status: run.status,
    output: `${run.stdout.toString('latin1')}${run.stderr.toString('latin1')}`,
    stdout: run.stdout,
  };
}

/** `openssl ts -verify …`: true on "Verification: OK" with status 0. */
export function opensslTsVerifies(args: readonly string[]): { ok: boolean; output: string } {
  const run = openssl(['ts', '-verify', ...args]);
  const ok = run.status === 0 && run.output.includes('Verification: OK');
  if (!ok && run.status === 0) throw new Error(`openssl said neither OK nor failed: ${run.output}`);
  return { ok, output: run.output };
}

export class Scratch {
  private readonly dirs: string[] = [];

  dir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-tsa-'));
    this.dirs.push(dir);
    return dir;
  }

  dispose(): void {
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** "hello", the message every corpus token stamps (EXPECTED.md). */
export const HELLO = Buffer.from('hello');
