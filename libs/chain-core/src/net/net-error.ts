/**
 * The one error type of the net layer: a code from a closed union, metadata typed per code, and
 * a message that carries the numbers and names.
 *
 * What throws and what does not is part of the contract: constructors and entry points throw
 * `invalid-argument` (naming the argument) and `invalid-state`; `start` throws `listen-failed`;
 * the decoder throws `frame-too-large`. Anything a remote peer does — garbage, a bad certificate,
 * an oversize frame, a slow reader — never throws: the link is closed and the fact logged.
 */

/** The metadata of each error code. */
export interface NetErrorMeta {
  /** An argument is missing, of the wrong type or out of range; `field` names it. */
  'invalid-argument': { readonly field: string };
  /** A frame is longer than the limit: the decoder throws it, and the network closes that link. */
  'frame-too-large': { readonly bytes: number; readonly maxFrameBytes: number };
  /** The listening socket could not be opened. */
  'listen-failed': { readonly host: string; readonly port: number; readonly cause: string };
  /** A method was called in a lifecycle state that does not allow it. */
  'invalid-state': { readonly state: string; readonly operation: string };
}

/** Every code a `NetError` can carry. */
export type NetErrorCode = keyof NetErrorMeta;

/** The error of the net layer: `code`, typed `meta`, and a message with the facts. */
export class NetError<C extends NetErrorCode = NetErrorCode> extends Error {
  constructor(
    readonly code: C,
    readonly meta: NetErrorMeta[C],
    message: string,
  ) {
    super(message);
    this.name = 'NetError';
  }
}

/** `invalid-argument` naming `field`: "net: opts.listen.port: 70000 is not in 0..65535". */
export function invalidArgument(field: string, problem: string): NetError<'invalid-argument'> {
  return new NetError('invalid-argument', { field }, `net: ${field}: ${problem}`);
}

/** `frame-too-large`: "net: a frame of 102400 bytes exceeds maxFrameBytes 65536". */
export function frameTooLarge(bytes: number, maxFrameBytes: number): NetError<'frame-too-large'> {
  return new NetError(
    'frame-too-large',
    { bytes, maxFrameBytes },
    `net: a frame of ${bytes} bytes exceeds maxFrameBytes ${maxFrameBytes}`,
  );
}
