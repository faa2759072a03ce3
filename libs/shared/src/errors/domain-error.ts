/**
 * The error model of every Trellis service. Domain code throws a subclass of {@link DomainError};
 * the one exception filter (problem-details.filter.ts) turns it into an RFC 9457
 * `application/problem+json` response. Only that filter knows about HTTP status codes' wire form;
 * a DomainError only says which status class it belongs to.
 */

/** Extension members of a problem: plain JSON values only. */
export type ProblemExtensions = Readonly<Record<string, unknown>>;

/** RFC 9457 §3.1 `type` of a Trellis problem; docs/problems.md lists them. */
export function problemType(code: string): string {
  return `urn:trellis:problem:${code}`;
}

export abstract class DomainError extends Error {
  /** Stable machine-readable code, e.g. `validation-failed`; forms the problem `type`. */
  abstract readonly code: string;
  /** Short, human-readable summary of the problem type (RFC 9457 §3.1.3). */
  abstract readonly title: string;
  /** HTTP status code the problem is served with. */
  abstract readonly status: number;

  constructor(
    /** Explanation specific to this occurrence (RFC 9457 §3.1.4). */
    readonly detail: string,
    readonly extensions: ProblemExtensions = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

/** One field of an input that failed validation. */
export interface FieldError {
  /** Path of the field in the input, e.g. `lines[0].quantity`. */
  readonly field: string;
  /** JSON Pointer (RFC 6901) to the field in the request body, e.g. `#/lines/0/quantity`. */
  readonly pointer: string;
  readonly message: string;
}

export class ValidationFailedError extends DomainError {
  readonly code = 'validation-failed';
  readonly title = 'Request validation failed';
  readonly status = 400;

  constructor(readonly errors: readonly FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; ') || 'the request is invalid', {
      errors,
    });
  }
}

export class MalformedRequestError extends DomainError {
  readonly code = 'malformed-request';
  readonly title = 'Malformed request';
  readonly status = 400;
}

export class NotFoundError extends DomainError {
  readonly code = 'not-found';
  readonly title = 'Not found';
  readonly status = 404;
}

export class ConflictError extends DomainError {
  readonly code = 'conflict';
  readonly title = 'Conflict with the current state';
  readonly status = 409;
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload-too-large';
  readonly title = 'Payload too large';
  readonly status = 413;
}

/** A dependency (database, chain node) cannot serve now; the caller may retry later. */
export class UnavailableError extends DomainError {
  readonly code = 'unavailable';
  readonly title = 'Service unavailable';
  readonly status = 503;
}

/**
 * A DomainError class for one problem type of a vertical:
 * `class NoSuchInvoiceError extends defineProblem('no-such-invoice', 'No such invoice', 404) {}`.
 */
export function defineProblem(code: string, title: string, status: number) {
  return class extends DomainError {
    readonly code = code;
    readonly title = title;
    readonly status = status;
    constructor(detail: string, extensions: ProblemExtensions = {}) {
      super(detail, extensions);
    }
  };
}

/** Builds a {@link FieldError} from a path of keys and indexes. */
export function fieldError(path: readonly (string | number)[], message: string): FieldError {
  const field = path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
  const pointer = `#/${path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
  return { field, pointer, message };
}
