import { type ContractContext, ContractError } from '@trellis/chain-core';
import { digestKey } from './keys';

/** Arguments of `notarise`: the SHA-256 digest of a piece of evidence. */
export interface NotariseArgs {
  readonly digest: Uint8Array;
}

function parseArgs(args: unknown): NotariseArgs {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new ContractError('invalid-args', 'args must be a map { digest }');
  }
  const digest = (args as Record<string, unknown>)['digest'];
  if (!(digest instanceof Uint8Array) || digest.length !== 32) {
    throw new ContractError('invalid-args', 'args.digest must be 32 bytes (a SHA-256 digest)');
  }
  return { digest };
}

/**
 * Notarises a bare digest (no type, title or SM3): the minimal deposit the benchmarks and the
 * fault suite use. It shares `deposit`'s digest key, so a digest is still deposited once per
 * depositor whichever method deposited it. Notarises a digest: the chain records who deposited it and when. A digest is deposited once
 * per depositor organisation (DigestIsDepositedOncePerDepositorRule); deposits never change.
 */
export function notarise(ctx: ContractContext, args: unknown): void {
  const { digest } = parseArgs(args);
  const key = digestKey(ctx.caller.org, digest);
  if (ctx.state.get(key) !== undefined) {
    throw new ContractError(
      'already-deposited',
      `${ctx.caller.org} has already deposited this digest`,
    );
  }
  ctx.state.put(key, ctx.txId);
  ctx.emit({
    type: 'evidence.notarised',
    data: { digest, depositor: ctx.caller.org, height: ctx.block.height, timeMs: ctx.block.timeMs },
  });
}
