/**
 * The node API's JSON answers, checked at the edge: every field the SDK hands on has the type
 * and form the contract gives it. Parsers throw {@link ResponseProblem} naming the field; the
 * client turns it into a `protocol` error naming the node.
 */
import type { ChainProblem } from './errors';

/** A node's answer broke the contract; `message` names the field. */
export class ResponseProblem extends Error {}

const U64_MAX = (1n << 64n) - 1n;
const TX_ID = /^[0-9a-f]{64}$/;

export interface ReceiptEventView {
  readonly contract: string;
  readonly type: string;
  /** The event data in the API's JSON form (bytes → hex, bigint → decimal string). */
  readonly data: unknown;
}

export interface ReceiptView {
  readonly status: 'ok' | 'failed';
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly events: readonly ReceiptEventView[];
  /** The receipt exactly as the node sent it. */
  readonly json: Readonly<Record<string, unknown>>;
}

export interface PendingTransaction {
  /** Lower-case hex of the transaction id. */
  readonly id: string;
  readonly status: 'pending';
}

export interface UnknownTransaction {
  readonly id: string;
  /** Neither pooled at the node asked nor committed. */
  readonly status: 'unknown';
}

export interface CommittedTransaction {
  readonly id: string;
  readonly status: 'committed';
  readonly height: bigint;
  /** Position of the transaction in its block. */
  readonly index: number;
  readonly receipt: ReceiptView;
}

export type TransactionStatus = PendingTransaction | UnknownTransaction | CommittedTransaction;

/** What `submit` resolves to: accepted (pending) or, when waited for, committed. */
export type SubmitResult = PendingTransaction | CommittedTransaction;

export interface ChainStatus {
  readonly chainId: string;
  /** The node's last committed height. */
  readonly height: bigint;
  /** The whole answer, for the fields this SDK does not interpret. */
  readonly json: Readonly<Record<string, unknown>>;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (_error) {
    throw new ResponseProblem('the body is not JSON');
  }
}

export function objectAt(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ResponseProblem(`${field} is not an object`);
  }
  return value as Record<string, unknown>;
}

export function stringAt(value: unknown, field: string, pattern?: RegExp): string {
  if (typeof value !== 'string' || (pattern !== undefined && !pattern.test(value))) {
    throw new ResponseProblem(
      `${field} is not a string${pattern === undefined ? '' : ` matching ${pattern}`}`,
    );
  }
  return value;
}

/** A u64 sent as a decimal string (JSON numbers cannot carry 64 bits). */
export function u64At(value: unknown, field: string): bigint {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,19})$/.test(value)) {
    throw new ResponseProblem(`${field} is not a decimal string`);
  }
  const n = BigInt(value);
  if (n > U64_MAX) throw new ResponseProblem(`${field} exceeds 2^64-1`);
  return n;
}

export function indexAt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ResponseProblem(`${field} is not a non-negative integer`);
  }
  return value;
}

function parseReceipt(value: unknown, field: string): ReceiptView {
  const json = objectAt(value, field);
  const status = json['status'];
  if (status !== 'ok' && status !== 'failed') {
    throw new ResponseProblem(`${field}.status is not "ok" or "failed"`);
  }
  let error: ReceiptView['error'] = null;
  if (json['error'] !== null && json['error'] !== undefined) {
    const e = objectAt(json['error'], `${field}.error`);
    error = {
      code: stringAt(e['code'], `${field}.error.code`),
      message: stringAt(e['message'], `${field}.error.message`),
    };
  }
  if ((status === 'ok') !== (error === null)) {
    throw new ResponseProblem(`${field}.error must be present exactly when the status is failed`);
  }
  const events = json['events'] ?? [];
  if (!Array.isArray(events)) throw new ResponseProblem(`${field}.events is not an array`);
  return {
    status,
    error,
    events: events.map((event: unknown, i: number) => {
      const at = `${field}.events[${i}]`;
      const e = objectAt(event, at);
      return {
        contract: stringAt(e['contract'], `${at}.contract`),
        type: stringAt(e['type'], `${at}.type`),
        data: e['data'],
      };
    }),
    json,
  };
}

/** A transaction status (`GET /v1/transactions/{id}`, or the 200/202 of a submission). */
export function parseTransactionStatus(value: unknown): TransactionStatus {
  const json = objectAt(value, '$');
  const id = stringAt(json['id'], '$.id', TX_ID);
  switch (json['status']) {
    case 'pending':
      return { id, status: 'pending' };
    case 'unknown':
      return { id, status: 'unknown' };
    case 'committed':
      return {
        id,
        status: 'committed',
        height: u64At(json['height'], '$.height'),
        index: indexAt(json['index'], '$.index'),
        receipt: parseReceipt(json['receipt'], '$.receipt'),
      };
    default:
      throw new ResponseProblem('$.status is not "pending", "unknown" or "committed"');
  }
}

/** A private payload as `GET /v1/private/{id}` answers it. */
export interface PrivatePayload {
  readonly txId: string;
  readonly payloadHash: string;
  /** The recipient organisations, sorted. */
  readonly recipients: readonly string[];
  readonly payload: Uint8Array;
}

export function parsePrivatePayload(value: unknown): PrivatePayload {
  const json = objectAt(value, '$');
  const txId = stringAt(json['txId'], '$.txId', TX_ID);
  const payloadHash = stringAt(json['payloadHash'], '$.payloadHash', TX_ID);
  const recipients = json['recipients'];
  if (!Array.isArray(recipients) || !recipients.every((r) => typeof r === 'string')) {
    throw new ResponseProblem('$.recipients is not an array of organisation ids');
  }
  const encoded = stringAt(json['payload'], '$.payload', /^[A-Za-z0-9+/]*={0,2}$/);
  return {
    txId,
    payloadHash,
    recipients: recipients as string[],
    payload: new Uint8Array(Buffer.from(encoded, 'base64')),
  };
}

export function parseChainStatus(value: unknown): ChainStatus {
  const json = objectAt(value, '$');
  return {
    chainId: stringAt(json['chainId'], '$.chainId'),
    height: u64At(json['height'], '$.height'),
    json,
  };
}

/**
 * The RFC 9457 problem of an error answer. A body that is not a problem still gives one:
 * code `http-<status>` and the start of the body as detail.
 */
export function parseProblem(status: number, body: string): ChainProblem {
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    json =
      typeof parsed === 'object' && parsed !== null
        ? (parsed as Record<string, unknown>)
        : undefined;
  } catch (_error) {
    json = undefined;
  }
  const text = (key: string): string | undefined =>
    typeof json?.[key] === 'string' ? (json[key] as string) : undefined;
  return {
    type: text('type') ?? 'about:blank',
    title: text('title') ?? `HTTP ${status}`,
    status,
    detail: text('detail') ?? body.slice(0, 200),
    code: text('code') ?? `http-${status}`,
  };
}
