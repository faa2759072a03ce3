/** What went wrong, as a stable string a controller can map to an HTTP problem. */
export type DocumentErrorCode =
  /** A fact is missing or malformed; `field` names it. */
  | 'invalid-facts'
  /** The signing certificate, key or chain is unusable (wrong curve, key does not match, expired…). */
  | 'invalid-signer'
  /** The PDF could not be laid out (a bug or an unreadable font file). */
  | 'render-failed'
  /** Building the CMS signature or placing it into the PDF failed. */
  | 'signing-failed';

export class DocumentError extends Error {
  override readonly name = 'DocumentError';
  readonly code: DocumentErrorCode;
  readonly field?: string;

  constructor(code: DocumentErrorCode, message: string, field?: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    if (field !== undefined) this.field = field;
  }
}
