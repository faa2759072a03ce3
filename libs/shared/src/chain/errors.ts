/**
 * The errors of the chain SDK. Two kinds:
 *
 * - {@link ChainRequestError}: a node refused a request with an RFC 9457 problem (4xx). It
 *   carries the problem's `code` (`bad-signature`, `expired`, `not-a-member`, …); retrying the
 *   same request cannot help, so the client never does.
 * - {@link ChainError}: everything the SDK itself decides — bad arguments, no node reachable
 *   after the retries, a commit that did not happen in time, a node answering outside the
 *   contract, a projection whose `apply` failed. A code from a closed union, metadata typed per
 *   code, and a message with the facts.
 *
 * Keystore errors are separate ({@link KeystoreError}, keystore-error.ts): they concern a file.
 */

/** The metadata of each {@link ChainError} code. */
export interface ChainErrorMeta {
  /** An argument or option is missing, of the wrong type or out of range; `field` names it. */
  'invalid-argument': { readonly field: string };
  /** No node answered usefully within the retries: `errors` has each attempt's failure. */
  unavailable: {
    readonly attempts: number;
    readonly lastError: string;
    readonly errors: readonly string[];
  };
  /** Accepted by the chain but not committed before the deadline; it may still commit. */
  'commit-timeout': { readonly txId: string; readonly waitedMs: number };
  /** Never committed and never will: the chain passed the transaction's expiry height. */
  expired: { readonly txId: string; readonly expiryHeight: bigint; readonly chainHeight: bigint };
  /** A node answered outside the API contract (malformed JSON, wrong id, a gap in a stream). */
  protocol: { readonly node: string; readonly problem: string };
  /** A node refused an event subscription (`{"kind":"error"}`): the query itself is wrong. */
  'stream-rejected': { readonly node: string; readonly code: string; readonly detail: string };
  /** A projection's `apply` (or its database transaction) failed; nothing of the block stayed. */
  'apply-failed': { readonly projection: string; readonly height: bigint };
  /** A method was called in a lifecycle state that does not allow it. */
  'invalid-state': { readonly state: string; readonly operation: string };
}

/** Every code a {@link ChainError} can carry. */
export type ChainErrorCode = keyof ChainErrorMeta;

/** An error the chain SDK raises itself: `code`, typed `meta`, a message with the facts. */
export class ChainError<C extends ChainErrorCode = ChainErrorCode> extends Error {
  constructor(
    readonly code: C,
    readonly meta: ChainErrorMeta[C],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ChainError';
  }
}

/** `invalid-argument` naming `field`: "chain: nodes[1]: 'ftp://x' is not an http(s) URL". */
export function invalidArgument(field: string, problem: string): ChainError<'invalid-argument'> {
  return new ChainError('invalid-argument', { field }, `chain: ${field}: ${problem}`);
}

/** `protocol`: a node's answer broke the API contract. */
export function protocolError(node: string, problem: string): ChainError<'protocol'> {
  return new ChainError(
    'protocol',
    { node, problem },
    `chain: ${node} broke the contract: ${problem}`,
  );
}

/** The fields of an RFC 9457 problem a node answered with. */
export interface ChainProblem {
  readonly type: string;
  readonly title: string;
  /** The HTTP status. */
  readonly status: number;
  readonly detail: string;
  /** The node's stable code, e.g. `bad-signature`; `http-<status>` if the body had none. */
  readonly code: string;
}

/**
 * A node refused a request with a 4xx problem (RFC 9457). Not retried: the same request would
 * be refused again. `code` is the problem's code.
 */
export class ChainRequestError extends Error implements ChainProblem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;

  constructor(
    problem: ChainProblem,
    /** The node (base URL) that answered. */
    readonly node: string,
  ) {
    super(
      `chain: ${node} refused the request: ${problem.status} ${problem.code}: ${problem.detail}`,
    );
    this.name = 'ChainRequestError';
    this.type = problem.type;
    this.title = problem.title;
    this.status = problem.status;
    this.detail = problem.detail;
    this.code = problem.code;
  }
}

/** The message of any thrown value, for error metadata and logs. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const code = (cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
