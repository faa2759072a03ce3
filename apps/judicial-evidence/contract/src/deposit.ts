import { type ContractContext, ContractError, decodeValue, encodeValue } from '@trellis/chain-core';
import {
  type ArgsMap,
  depositKey,
  digestKey,
  hasControlCharacter,
  optionalDepositId,
  parseMap,
  requireBytes,
  requireText,
} from './keys';

/** Evidence types a deposit may declare: what a court's docket lists evidence as. */
export const EVIDENCE_TYPES = [
  'contract',
  'payment',
  'notice',
  'chat',
  'email',
  'image',
  'audio',
  'video',
  'web-page',
  'document',
  'other',
] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

export const MAX_TITLE_CHARS = 200;

/** Arguments of `deposit`. */
export interface DepositArgs {
  /** SHA-256 of the evidence (32 bytes). */
  readonly sha256: Uint8Array;
  /** SM3 of the evidence (32 bytes, GB/T 32905). */
  readonly sm3: Uint8Array;
  readonly type: EvidenceType;
  /** 1..200 characters, no control characters. */
  readonly title: string;
  /** The deposit this one follows in an evidence chain (its transaction id). */
  readonly parent?: Uint8Array;
  /** The depositor's own earlier deposit this one corrects (its transaction id). */
  readonly corrects?: Uint8Array;
  /** Private metadata: the commitment of a private transaction (docs/spec/private-data.md). */
  readonly private?: { readonly payloadHash: Uint8Array; readonly recipients: readonly string[] };
}

/** What the chain keeps of a deposit, under `deposit/<id>`: never changed once written. */
export interface DepositRecord {
  readonly sha256: Uint8Array;
  readonly sm3: Uint8Array;
  readonly type: EvidenceType;
  readonly title: string;
  readonly depositor: string;
  readonly parent: Uint8Array | null;
  readonly corrects: Uint8Array | null;
  /** Hash of the private metadata, or null. */
  readonly privateHash: Uint8Array | null;
  readonly height: bigint;
  readonly timeMs: bigint;
}

function parsePrivate(map: ArgsMap): DepositArgs['private'] {
  const value = map['private'];
  if (value === undefined) return undefined;
  const inner = parseMap(value, 'args.private');
  const payloadHash = requireBytes(inner, 'payloadHash', 32, 'args.private');
  const recipients = inner['recipients'];
  if (!Array.isArray(recipients) || recipients.some((r) => typeof r !== 'string')) {
    throw new ContractError('invalid-args', 'args.private.recipients must be a list of org ids');
  }
  return { payloadHash, recipients: recipients as string[] };
}

export function parseDepositArgs(args: unknown): DepositArgs {
  const map = parseMap(args, 'args');
  const type = requireText(map, 'type');
  if (!(EVIDENCE_TYPES as readonly string[]).includes(type)) {
    throw new ContractError(
      'invalid-args',
      `args.type must be one of ${EVIDENCE_TYPES.join(', ')}`,
    );
  }
  const title = requireText(map, 'title');
  const chars = [...title].length;
  if (
    chars < 1 ||
    chars > MAX_TITLE_CHARS ||
    hasControlCharacter(title) ||
    title.trim() !== title
  ) {
    throw new ContractError(
      'invalid-args',
      `args.title must be 1..${MAX_TITLE_CHARS} characters without control characters or surrounding spaces`,
    );
  }
  const parent = optionalDepositId(map, 'parent');
  const corrects = optionalDepositId(map, 'corrects');
  const priv = parsePrivate(map);
  return {
    sha256: requireBytes(map, 'sha256', 32),
    sm3: requireBytes(map, 'sm3', 32),
    type: type as EvidenceType,
    title,
    ...(parent ? { parent } : {}),
    ...(corrects ? { corrects } : {}),
    ...(priv ? { private: priv } : {}),
  };
}

/** Reads a deposit's record, or undefined. */
export function readDeposit(
  state: ContractContext['state'],
  id: Uint8Array,
): DepositRecord | undefined {
  const bytes = state.get(depositKey(id));
  if (bytes === undefined) return undefined;
  const v = decodeValue(bytes) as Record<string, unknown>;
  return {
    sha256: v['sha256'] as Uint8Array,
    sm3: v['sm3'] as Uint8Array,
    type: v['type'] as EvidenceType,
    title: v['title'] as string,
    depositor: v['depositor'] as string,
    parent: (v['parent'] as Uint8Array | null) ?? null,
    corrects: (v['corrects'] as Uint8Array | null) ?? null,
    privateHash: (v['privateHash'] as Uint8Array | null) ?? null,
    height: v['height'] as bigint,
    timeMs: v['timeMs'] as bigint,
  };
}

/**
 * Deposits evidence by its digests. A digest is deposited once per depositor organisation
 * (the SHA-256 is the key; `notarise` shares it). Deposits never change: a correction is a new
 * deposit naming the depositor's own earlier one; an evidence chain names its parent deposit,
 * of any depositor. The deposit id is the transaction id.
 */
export function deposit(ctx: ContractContext, args: unknown): void {
  const a = parseDepositArgs(args);
  const depositor = ctx.caller.org;
  const key = digestKey(depositor, a.sha256);
  if (ctx.state.get(key) !== undefined) {
    throw new ContractError('already-deposited', `${depositor} has already deposited this digest`);
  }
  if (a.parent !== undefined && readDeposit(ctx.state, a.parent) === undefined) {
    throw new ContractError('unknown-parent', 'args.parent names no deposit');
  }
  if (a.corrects !== undefined) {
    const old = readDeposit(ctx.state, a.corrects);
    if (old === undefined)
      throw new ContractError('unknown-deposit', 'args.corrects names no deposit');
    if (old.depositor !== depositor) {
      throw new ContractError(
        'not-depositor',
        `only ${old.depositor} can correct its deposit; ${depositor} may deposit evidence of its own`,
      );
    }
  }
  if (a.private !== undefined && !a.private.recipients.includes(depositor)) {
    throw new ContractError('invalid-args', 'args.private.recipients must include the depositor');
  }
  const record = {
    sha256: a.sha256,
    sm3: a.sm3,
    type: a.type,
    title: a.title,
    depositor,
    parent: a.parent ?? null,
    corrects: a.corrects ?? null,
    privateHash: a.private?.payloadHash ?? null,
    height: ctx.block.height,
    timeMs: ctx.block.timeMs,
  };
  ctx.state.put(key, ctx.txId);
  ctx.state.put(depositKey(ctx.txId), encodeValue(record));
  ctx.emit({
    type: 'evidence.deposited',
    data: {
      id: ctx.txId,
      ...record,
      privateRecipients: a.private ? [...a.private.recipients] : null,
    },
  });
}
