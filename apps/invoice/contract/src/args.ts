import { ContractError } from '@trellis/chain-core';

/** A decoded CBOR map of a transaction's args. */
export type ArgsMap = Readonly<Record<string, unknown>>;

export function invalid(field: string, message: string): ContractError {
  return new ContractError('invalid-args', `${field} ${message}`);
}

export function map(value: unknown, field: string): ArgsMap {
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    value instanceof Uint8Array
  ) {
    throw invalid(field, 'must be a map');
  }
  return value as ArgsMap;
}

function hasControl(text: string): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** Text of 1..max characters, no control characters, no surrounding spaces. */
export function text(m: ArgsMap, name: string, max: number, field = `args.${name}`): string {
  const v = m[name];
  if (typeof v !== 'string') throw invalid(field, 'must be text');
  const n = [...v].length;
  if (n < 1 || n > max || hasControl(v) || v.trim() !== v) {
    throw invalid(
      field,
      `must be 1..${max} characters without control characters or surrounding spaces`,
    );
  }
  return v;
}

export function optionalText(
  m: ArgsMap,
  name: string,
  max: number,
  field = `args.${name}`,
): string | undefined {
  return m[name] === undefined || m[name] === null ? undefined : text(m, name, max, field);
}

/** Text matching `pattern` (which says what it must be). */
export function pattern(
  m: ArgsMap,
  name: string,
  re: RegExp,
  what: string,
  field = `args.${name}`,
): string {
  const v = m[name];
  if (typeof v !== 'string' || !re.test(v)) throw invalid(field, `must be ${what}`);
  return v;
}

/** An integer (CBOR integer, decoded as bigint) in [min, max]. */
export function integer(
  m: ArgsMap,
  name: string,
  min: bigint,
  max: bigint,
  field = `args.${name}`,
): bigint {
  const v = m[name];
  if (typeof v !== 'bigint' || v < min || v > max)
    throw invalid(field, `must be an integer from ${min} to ${max}`);
  return v;
}

export function optionalInteger(
  m: ArgsMap,
  name: string,
  min: bigint,
  max: bigint,
): bigint | undefined {
  return m[name] === undefined || m[name] === null ? undefined : integer(m, name, min, max);
}
