import { type ContractContext, ContractError } from '@trellis/chain-core';
import { hasControlCharacter, parseMap, presentedKey, requireBytes, requireText } from './keys';
import { readDeposit } from './deposit';

/** The role a member needs to record that a deposit was presented in a case. */
export const COURT_ROLE = 'court';

/** Case numbers as courts write them, e.g. `(2026)浙0192民初1234号` or `2026-CV-001234`. */
export const MAX_CASE_NUMBER_CHARS = 64;

export interface PresentArgs {
  readonly deposit: Uint8Array;
  readonly caseNumber: string;
}

export function parsePresentArgs(args: unknown): PresentArgs {
  const map = parseMap(args, 'args');
  const deposit = requireBytes(map, 'deposit', 32);
  const caseNumber = requireText(map, 'caseNumber');
  const chars = [...caseNumber].length;
  if (
    chars < 1 ||
    chars > MAX_CASE_NUMBER_CHARS ||
    hasControlCharacter(caseNumber) ||
    caseNumber.includes('/') ||
    caseNumber.trim() !== caseNumber
  ) {
    throw new ContractError(
      'invalid-args',
      `args.caseNumber must be 1..${MAX_CASE_NUMBER_CHARS} characters without control characters, '/' or surrounding spaces`,
    );
  }
  return { deposit, caseNumber };
}

/**
 * A court records that a deposit was presented as evidence in a case: the audit trail of who
 * looked at what. Only members holding the `court` role may call it (the contract's `access`,
 * checked at admission and execution); once per (deposit, court, case).
 */
export function present(ctx: ContractContext, args: unknown): void {
  const { deposit, caseNumber } = parsePresentArgs(args);
  if (readDeposit(ctx.state, deposit) === undefined) {
    throw new ContractError('unknown-deposit', 'args.deposit names no deposit');
  }
  const key = presentedKey(deposit, ctx.caller.org, caseNumber);
  if (ctx.state.get(key) !== undefined) {
    throw new ContractError(
      'already-presented',
      `${ctx.caller.org} has already recorded this deposit in case ${caseNumber}`,
    );
  }
  ctx.state.put(key, ctx.txId);
  ctx.emit({
    type: 'evidence.presented',
    data: {
      deposit,
      caseNumber,
      court: ctx.caller.org,
      by: ctx.caller.name,
      height: ctx.block.height,
      timeMs: ctx.block.timeMs,
    },
  });
}
