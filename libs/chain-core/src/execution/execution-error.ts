/**
 * The one error type of the execution layer: what the layer throws at its caller (the node),
 * never what a transaction's failure looks like — a failing transaction is a failed `Receipt`,
 * not an exception. `code` says what went wrong, `meta` carries the names and numbers.
 *
 * - `invalid-argument`: an entry point was given something malformed; `meta.field` names it.
 * - `overlay-committed`: a write to, or a second commit of, an overlay already committed into
 *   its parent (its writes live in the parent now; writing it again would be a silent no-op).
 * - `state-unavailable`: the parent state threw while a transaction read it (a storage
 *   failure). The block cannot be executed deterministically, so it is not executed at all,
 *   even if the contract caught the failure.
 */
/** The metadata each code carries. */
export interface ExecutionErrorMeta {
  'invalid-argument': { readonly field: string };
  'overlay-committed': Record<string, never>;
  'state-unavailable': { readonly operation: 'get' | 'range'; readonly txIndex: number };
}

/** What went wrong, as a string-literal union (see `ExecutionErrorMeta`). */
export type ExecutionErrorCode = keyof ExecutionErrorMeta;

/** Thrown by the execution layer's entry points; see `ExecutionErrorMeta` for the codes. */
export class ExecutionError<C extends ExecutionErrorCode = ExecutionErrorCode> extends Error {
  constructor(
    readonly code: C,
    readonly meta: ExecutionErrorMeta[C],
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExecutionError';
  }
}

/** `invalid-argument` naming `field`: "execution: transactions[3].id: must be 32 bytes". */
export function invalidArgument(
  field: string,
  problem: string,
): ExecutionError<'invalid-argument'> {
  return new ExecutionError('invalid-argument', { field }, `execution: ${field}: ${problem}`);
}
