import { type ContractContext, ContractError } from '@trellis/chain-core';
import { parseMap, requireText } from './keys';

/** Hash algorithms an RFC 3161 request may use, with their digest lengths. */
export const TIMESTAMP_ALGORITHMS: Readonly<Record<string, number>> = Object.freeze({
  sha256: 32,
  sha384: 48,
  sha512: 64,
  sm3: 32,
});

export interface TimestampArgs {
  readonly hashAlgorithm: string;
  readonly imprint: Uint8Array;
}

export function parseTimestampArgs(args: unknown): TimestampArgs {
  const map = parseMap(args, 'args');
  const hashAlgorithm = requireText(map, 'hashAlgorithm');
  const length = TIMESTAMP_ALGORITHMS[hashAlgorithm];
  if (length === undefined || !Object.hasOwn(TIMESTAMP_ALGORITHMS, hashAlgorithm)) {
    throw new ContractError(
      'invalid-args',
      `args.hashAlgorithm must be one of ${Object.keys(TIMESTAMP_ALGORITHMS).join(', ')}`,
    );
  }
  const imprint = map['imprint'];
  if (!(imprint instanceof Uint8Array) || imprint.length !== length) {
    throw new ContractError(
      'invalid-args',
      `args.imprint must be ${length} bytes (${hashAlgorithm})`,
    );
  }
  return { hashAlgorithm, imprint };
}

/**
 * Anchors an RFC 3161 time-stamp request's message imprint in a block: the time-stamp token the
 * service then issues names this transaction and its block. The same imprint may be stamped
 * any number of times (each stamp is its own fact); nothing is stored but the event.
 */
export function timestamp(ctx: ContractContext, args: unknown): void {
  const { hashAlgorithm, imprint } = parseTimestampArgs(args);
  ctx.emit({
    type: 'evidence.timestamped',
    data: {
      hashAlgorithm,
      imprint,
      tsa: ctx.caller.org,
      height: ctx.block.height,
      timeMs: ctx.block.timeMs,
    },
  });
}
