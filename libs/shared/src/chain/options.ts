/**
 * Checks of the options the chain SDK's entry points share: node lists, durations, counts and
 * backoff settings. Each throws `invalid-argument` naming the field.
 */
import type { BackoffOptions } from '@trellis/chain-core';
import { invalidArgument } from './errors';

/**
 * Node base URLs (`http(s)://host:port[/prefix]`), without a trailing slash. The list is
 * non-empty, without duplicates, and every URL has no query, fragment or credentials.
 */
export function checkNodes(nodes: unknown, field = 'nodes'): readonly string[] {
  if (!Array.isArray(nodes) || nodes.length === 0) {
    throw invalidArgument(field, 'expected a non-empty array of node base URLs');
  }
  const checked = nodes.map((node: unknown, i: number) => {
    let url: URL;
    try {
      url = new URL(String(node));
    } catch (_error) {
      throw invalidArgument(`${field}[${i}]`, `${JSON.stringify(node)} is not a URL`);
    }
    if (typeof node !== 'string' || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw invalidArgument(`${field}[${i}]`, `${JSON.stringify(node)} is not an http(s) URL`);
    }
    if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
      throw invalidArgument(`${field}[${i}]`, 'a base URL has no query, fragment or credentials');
    }
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  });
  if (new Set(checked).size !== checked.length) {
    throw invalidArgument(field, 'lists a node twice');
  }
  return Object.freeze(checked);
}

/** An integer in [min, max], or `fallback` when undefined. */
export function checkInteger(
  value: unknown,
  field: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(field, `${String(value)} is not an integer in [${min}, ${max}]`);
  }
  return value;
}

export function checkBackoff(
  value: unknown,
  field: string,
  fallback: BackoffOptions,
): BackoffOptions {
  if (value === undefined) return fallback;
  if (typeof value !== 'object' || value === null) {
    throw invalidArgument(field, 'expected { initialMs, maxMs }');
  }
  const { initialMs, maxMs } = value as Partial<BackoffOptions>;
  const initial = checkInteger(initialMs, `${field}.initialMs`, 1, 600_000, Number.NaN);
  const max = checkInteger(maxMs, `${field}.maxMs`, initial, 3_600_000, Number.NaN);
  if (Number.isNaN(initial) || Number.isNaN(max)) {
    throw invalidArgument(field, 'expected { initialMs, maxMs }');
  }
  return { initialMs: initial, maxMs: max };
}
