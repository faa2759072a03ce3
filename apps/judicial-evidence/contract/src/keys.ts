import { ContractError } from '@trellis/chain-core';

/** A decoded CBOR map of a transaction's args. */
export type ArgsMap = Readonly<Record<string, unknown>>;

const encoder = new TextEncoder();

function withPrefix(prefix: string, bytes: Uint8Array): Uint8Array {
  const head = encoder.encode(prefix);
  const key = new Uint8Array(head.length + bytes.length);
  key.set(head);
  key.set(bytes, head.length);
  return key;
}

/** `digest/<org>/` then the 32-byte SHA-256: the deposit id holding that digest for that depositor. */
export const digestKey = (org: string, sha256: Uint8Array): Uint8Array =>
  withPrefix(`digest/${org}/`, sha256);

/** `deposit/` then the 32-byte deposit (transaction) id: the deposit's record. */
export const depositKey = (id: Uint8Array): Uint8Array => withPrefix('deposit/', id);

/** `presented/<deposit id>/<court org>/<case number>`: a court's record of a presentation. */
export const presentedKey = (id: Uint8Array, court: string, caseNumber: string): Uint8Array =>
  withPrefix('presented/', new Uint8Array([...id, ...encoder.encode(`/${court}/${caseNumber}`)]));

export function parseMap(value: unknown, field: string): ArgsMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ContractError('invalid-args', `${field} must be a map`);
  }
  if (value instanceof Uint8Array)
    throw new ContractError('invalid-args', `${field} must be a map`);
  return value as ArgsMap;
}

export function requireBytes(
  map: ArgsMap,
  name: string,
  length: number,
  parent = 'args',
): Uint8Array {
  const value = map[name];
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new ContractError('invalid-args', `${parent}.${name} must be ${length} bytes`);
  }
  return value;
}

export function requireText(map: ArgsMap, name: string): string {
  const value = map[name];
  if (typeof value !== 'string') {
    throw new ContractError('invalid-args', `args.${name} must be text`);
  }
  return value;
}

/** An optional 32-byte deposit id (`null` or absent: none). */
export function optionalDepositId(map: ArgsMap, name: string): Uint8Array | undefined {
  const value = map[name];
  if (value === undefined || value === null) return undefined;
  if (!(value instanceof Uint8Array) || value.length !== 32) {
    throw new ContractError('invalid-args', `args.${name} must be a 32-byte deposit id`);
  }
  return value;
}

/** Whether `text` holds a C0 or C1 control character (U+0000–U+001F, U+007F–U+009F). */
export function hasControlCharacter(text: string): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}
