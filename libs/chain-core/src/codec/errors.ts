/** Why bytes or a value could not be encoded or decoded. */
export type CodecErrorCode =
  | 'too-large' // input over the byte limit
  | 'malformed' // not well-formed CBOR, or not in deterministic (preferred) form
  | 'unsupported' // well-formed CBOR outside the Trellis profile (floats, tags, undefined, …)
  | 'too-deep' // nesting deeper than the limit
  | 'invalid'; // a typed field is missing, of the wrong type or out of range

/**
 * The only error the codec throws. `path` names the offending field of a typed value
 * (`body.args.items[3]`), or is empty for whole-input problems.
 */
export class CodecError extends Error {
  constructor(
    readonly code: CodecErrorCode,
    message: string,
    readonly path = '',
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'CodecError';
  }
}
