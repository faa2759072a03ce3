/**
 * Reconnection delays: exponential backoff with "equal jitter" (AWS Architecture Blog,
 * "Exponential Backoff And Jitter", 2015). The n-th delay (n from 0) is drawn uniformly from
 * [base/2, base] with base = min(maxMs, initialMs · 2^n): it grows like plain exponential
 * backoff, never drops below half of it (a peer that keeps failing is not hammered), and the
 * random half spreads out validators that lost the same peer at the same instant.
 */
import { invalidArgument } from './net-error';

/** The first delay's base and the cap, in milliseconds. */
export interface BackoffOptions {
  /** Base of the first delay, ms (> 0). */
  readonly initialMs: number;
  /** Cap of the base, ms (>= initialMs). */
  readonly maxMs: number;
}

/** The delays of one peer's reconnection attempts (one instance per peer). */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly opts: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {
    checkBackoffOptions(opts, 'opts');
    if (typeof random !== 'function') throw invalidArgument('random', 'expected a function');
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const base = Math.min(this.opts.maxMs, this.opts.initialMs * 2 ** Math.min(this.attempt, 52));
    this.attempt += 1;
    return Math.round(base / 2 + (this.random() * base) / 2);
  }

  /** Back to the first delay (after a link stayed up). */
  reset(): void {
    this.attempt = 0;
  }
}

/** Validates `{ initialMs, maxMs }` at `field`. */
export function checkBackoffOptions(value: unknown, field: string): BackoffOptions {
  if (typeof value !== 'object' || value === null) {
    throw invalidArgument(field, 'expected { initialMs, maxMs }');
  }
  const { initialMs, maxMs } = value as Partial<BackoffOptions>;
  if (typeof initialMs !== 'number' || !Number.isFinite(initialMs) || initialMs <= 0) {
    throw invalidArgument(`${field}.initialMs`, `${String(initialMs)} is not a positive number`);
  }
  if (typeof maxMs !== 'number' || !Number.isFinite(maxMs) || maxMs < initialMs) {
    throw invalidArgument(
      `${field}.maxMs`,
      `${String(maxMs)} is not a number >= initialMs ${initialMs}`,
    );
  }
  return { initialMs, maxMs };
}
