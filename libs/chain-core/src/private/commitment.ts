/**
 * What a private transaction commits to on chain (docs/spec/private-data.md §7): its args are a
 * CBOR map with a `private` entry `{ payloadHash, recipients }` — the payload's tagged hash and
 * the recipient organisations, sorted and each once. The signature over the transaction thus
 * fixes both the payload and its audience; nodes check envelopes against it, and contracts may
 * read it like any other argument.
 *
 * Also the body of `POST /v1/private/transactions`: the signed transaction and its payload.
 */
import { type CborValue, CodecError, RecordSchema, bytes, equalBytes, isBytes } from '../codec';
import type { SuiteId } from '../crypto';
import { ORG_ID_PATTERN } from '../identity';
import { MAX_TRANSACTION_BYTES } from '../types/limits';
import { privatePayloadHash } from './envelope';
import { MAX_PRIVATE_PAYLOAD_BYTES } from './envelope-format';
import { PrivateDataError, invalidArgument } from './private-data-error';

/** The args key of the commitment. */
export const PRIVATE_ARG = 'private';
/** Most recipient organisations of one private transaction. */
export const MAX_PRIVATE_RECIPIENT_ORGS = 64;

export interface PrivateCommitment {
  readonly payloadHash: Uint8Array;
  /** Organisation ids, sorted, each once. */
  readonly recipients: readonly string[];
}

/** The commitment of `plaintext` to `recipients` (sorted and de-duplicated here). */
export function privateCommitment(
  suite: SuiteId,
  plaintext: Uint8Array,
  recipients: readonly string[],
): PrivateCommitment {
  if (!isBytes(plaintext)) throw invalidArgument('plaintext', 'expected a Uint8Array');
  if (plaintext.length > MAX_PRIVATE_PAYLOAD_BYTES) {
    throw new PrivateDataError(
      'too-large',
      `${plaintext.length} bytes exceed the ${MAX_PRIVATE_PAYLOAD_BYTES}-byte limit`,
      { field: 'plaintext' },
    );
  }
  if (!Array.isArray(recipients)) throw invalidArgument('recipients', 'expected org ids');
  const sorted = [...new Set(recipients)].sort();
  checkRecipients(sorted, 'recipients');
  return { payloadHash: privatePayloadHash(suite, plaintext), recipients: sorted };
}

/**
 * The commitment in a transaction's args: undefined when the args carry none (not a map, or
 * no `private` key); `malformed` when the entry is there but not of the form.
 */
export function readPrivateCommitment(args: CborValue): PrivateCommitment | undefined {
  if (typeof args !== 'object' || args === null || Array.isArray(args) || isBytes(args)) {
    return undefined;
  }
  const map = args as { readonly [key: string]: CborValue };
  if (!Object.prototype.hasOwnProperty.call(map, PRIVATE_ARG)) return undefined;
  const entry = map[PRIVATE_ARG];
  const field = `args.${PRIVATE_ARG}`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry) || isBytes(entry)) {
    throw malformed(field, 'expected a map { payloadHash, recipients }');
  }
  const record = entry as { readonly [key: string]: CborValue };
  const keys = Object.keys(record).sort();
  if (keys.length !== 2 || keys[0] !== 'payloadHash' || keys[1] !== 'recipients') {
    throw malformed(field, `expected exactly payloadHash and recipients, got ${keys.join(', ')}`);
  }
  const payloadHash = record['payloadHash'];
  if (!isBytes(payloadHash) || payloadHash.length !== 32) {
    throw malformed(`${field}.payloadHash`, 'expected 32 bytes');
  }
  const recipients = record['recipients'];
  if (!Array.isArray(recipients) || !recipients.every((r) => typeof r === 'string')) {
    throw malformed(`${field}.recipients`, 'expected an array of organisation ids');
  }
  const orgs = recipients as string[];
  checkRecipients(orgs, `${field}.recipients`);
  for (let i = 1; i < orgs.length; i++) {
    if (orgs[i - 1]! >= orgs[i]!) {
      throw malformed(`${field}.recipients`, 'organisation ids must be sorted, each once');
    }
  }
  return { payloadHash: payloadHash.slice(), recipients: [...orgs] };
}

/** Whether the payload hashes to the commitment's hash. */
export function matchesCommitment(
  suite: SuiteId,
  commitment: PrivateCommitment,
  plaintext: Uint8Array,
): boolean {
  return equalBytes(privatePayloadHash(suite, plaintext), commitment.payloadHash);
}

function checkRecipients(orgs: readonly string[], field: string): void {
  if (orgs.length === 0 || orgs.length > MAX_PRIVATE_RECIPIENT_ORGS) {
    throw malformed(field, `expected 1 to ${MAX_PRIVATE_RECIPIENT_ORGS} organisations`);
  }
  orgs.forEach((org, i) => {
    if (typeof org !== 'string' || !ORG_ID_PATTERN.test(org)) {
      throw malformed(`${field}[${i}]`, `not an organisation id: ${JSON.stringify(org)}`);
    }
  });
}

function malformed(field: string, message: string): PrivateDataError {
  return new PrivateDataError('malformed', message, { field });
}

export interface PrivateSubmission {
  /** The signed transaction (its args carry the commitment). */
  readonly transaction: Uint8Array;
  /** The plaintext payload. */
  readonly payload: Uint8Array;
}

/** The body of `POST /v1/private/transactions` (CBOR; docs/spec/node.md §6). */
export const PrivateSubmissionSchema = new RecordSchema<PrivateSubmission>('PrivateSubmission', {
  transaction: bytes(1, MAX_TRANSACTION_BYTES),
  payload: bytes(0, MAX_PRIVATE_PAYLOAD_BYTES),
});

/** Largest encoded private submission. */
export const MAX_PRIVATE_SUBMISSION_BYTES = MAX_TRANSACTION_BYTES + MAX_PRIVATE_PAYLOAD_BYTES + 64;

/** Untrusted bytes → a submission, or `malformed`. */
export function decodePrivateSubmission(body: Uint8Array): PrivateSubmission {
  try {
    return PrivateSubmissionSchema.decode(body, MAX_PRIVATE_SUBMISSION_BYTES);
  } catch (error) {
    if (error instanceof CodecError) {
      throw new PrivateDataError('malformed', `not a private submission: ${error.message}`, {
        field: 'body',
        cause: error,
      });
    }
    throw error;
  }
}
