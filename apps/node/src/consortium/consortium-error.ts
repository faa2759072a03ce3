/**
 * The one error type of the consortium files (genesis, node configuration, key files) and of the
 * operator commands that write them. A code from a closed union, the file it is about, and one
 * issue per bad field, each naming the field by its JSON path (`validators[1].publicKey`), so an
 * operator editing a file by hand sees every mistake and where it is.
 */

export type ConsortiumErrorCode =
  /** genesis.json breaks its format or its rules (issues name the JSON paths). */
  | 'invalid-genesis'
  /** A node's config.json breaks its format (issues name the fields). */
  | 'invalid-config'
  /** A function of this module was called with a bad option (the issue names it). */
  | 'invalid-argument'
  /** `init` would overwrite a non-empty directory and `force` was not given. */
  | 'directory-not-empty'
  /** `init --force` was pointed at a non-empty directory that holds no genesis.json. */
  | 'not-a-consortium'
  /** A file to be written exists already. */
  | 'file-exists'
  /** A file could not be read (missing, unreadable, not UTF-8 text). */
  | 'unreadable-file'
  /** A PEM or key file has the wrong content. */
  | 'invalid-key-file'
  /** A private key file can be read by its group or by others. */
  | 'insecure-key-file';

/** One bad field: where it is (a JSON path, or an option name) and what is wrong with it. */
export interface ConsortiumIssue {
  readonly path: string;
  readonly message: string;
}

export class ConsortiumError extends Error {
  /** The file the error is about (absolute path), when there is one. */
  readonly file: string | undefined;
  readonly issues: readonly ConsortiumIssue[];

  constructor(
    readonly code: ConsortiumErrorCode,
    issues: readonly ConsortiumIssue[],
    file?: string,
  ) {
    const where = file === undefined ? '' : `${file}: `;
    const what = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    super(`${where}${what}`);
    this.name = 'ConsortiumError';
    this.file = file;
    this.issues = Object.freeze(issues.map((issue) => Object.freeze({ ...issue })));
  }
}

/** An error about one field. */
export function consortiumError(
  code: ConsortiumErrorCode,
  path: string,
  message: string,
  file?: string,
): ConsortiumError {
  return new ConsortiumError(code, [{ path, message }], file);
}

/** A JSON path as operators read it: `validators[1].publicKey` (`$` for the document itself). */
export function jsonPath(segments: readonly PropertyKey[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path === '' ? String(segment) : `.${String(segment)}`;
  }
  return path === '' ? '$' : path;
}

/** The message of anything thrown, for wrapping lower layers' errors into an issue. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
