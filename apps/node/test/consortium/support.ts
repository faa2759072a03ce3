// Shared fixtures for the consortium tests: a fixed genesis time (never the wall clock for what
// is checked on chain), scratch directories, and one generated consortium per test file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConsortiumError,
  type ConsortiumErrorCode,
  DEFAULT_CONSORTIUM,
  initConsortium,
  type InitConsortiumResult,
} from '../../src/consortium';

/** Genesis time of the test consortia; certificates run from an hour before it for ten years. */
export const NOW = new Date('2026-06-01T00:00:00Z');

/** Temporary directories, removed by `dispose`. */
export class Scratch {
  private readonly dirs: string[] = [];

  dir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-consortium-'));
    this.dirs.push(dir);
    return dir;
  }

  dispose(): void {
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** The default four-organisation consortium, plus an observer for the bank, in `dir`. */
export function initDefault(dir: string): Promise<InitConsortiumResult> {
  return initConsortium({ ...DEFAULT_CONSORTIUM, dir, observers: ['bank'], now: NOW });
}

export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** The ConsortiumError `action` throws or rejects with (fails the test otherwise). */
export async function consortiumErrorOf(
  action: () => unknown,
  code: ConsortiumErrorCode,
): Promise<ConsortiumError> {
  let outcome: unknown;
  try {
    await action();
  } catch (error) {
    outcome = error;
  }
  if (!(outcome instanceof ConsortiumError)) {
    throw new Error(`expected a ConsortiumError, got ${String(outcome)}`);
  }
  expect(outcome.code).toBe(code);
  return outcome;
}
