// The e-invoice API as the invoice pages' browser code sees it (same-origin /api/invoice, which
// the portal forwards to the API server), its JSON shapes, and exact money: amounts travel as
// strings of integer minor units (fen) and are parsed and printed here without any float.
// Sign-in: POST /api/sessions sets an HttpOnly session cookie the browser sends with every
// /api request; the routes act as the signed-in account's organisation, by its roles.
import { ApiError, problemOf } from './evidence-api';

export { ApiError };

export const INVOICE_API = '/api/invoice';

export interface Organisation {
  readonly id: string;
  readonly name: string;
}

/** The consortium's organisations as `GET /organisations` lists them (from its genesis). */
export function organisations(): Promise<Organisation[]> {
  return invoiceApi<unknown>('/organisations').then((list) => {
    if (!Array.isArray(list)) {
      throw new ApiError(200, 'bad-response', 'the API answered /organisations with no list');
    }
    return list.flatMap((o: unknown) => {
      const { id, name } = (o ?? {}) as { id?: unknown; name?: unknown };
      return typeof id === 'string' && typeof name === 'string' ? [{ id, name }] : [];
    });
  });
}

/** An organisation's name among `known` (as `organisations()` gave them); else its id. */
export function organisationName(
  id: string | null | undefined,
  known: readonly Organisation[] = [],
): string {
  if (!id) return '—';
  return known.find((o) => o.id === id)?.name ?? id;
}

/** The roles of the e-invoice routes (apps/invoice/src/invoices/roles.ts). */
export const INVOICE_ROLES = ['tax-bureau', 'merchant', 'buyer', 'enterprise'] as const;
export type InvoiceRole = (typeof INVOICE_ROLES)[number];

/** A signed-in account: who, for which organisation, with which roles. */
export interface Account {
  readonly username: string;
  readonly organisation: string;
  readonly roles: readonly string[];
  /** The person's own id where a role needs one (a buyer's wallet id), else null. */
  readonly subject: string | null;
}

export function hasRole(account: Account, role: InvoiceRole): boolean {
  return account.roles.includes(role);
}

export interface Merchant {
  readonly taxId: string;
  readonly name: string;
  readonly industry: string;
  readonly region: string;
  readonly org: string;
  readonly ordinal: string;
}

/** A line as the read model stores it (the chain event's JSON: integers may be strings). */
export type InvoiceLine = Readonly<Record<string, unknown>>;

export interface Invoice {
  readonly number: string;
  readonly kind: 'invoice' | 'credit-note' | string;
  readonly status: 'issued' | 'claimed' | 'reimbursed' | 'credited' | string;
  readonly frozen: boolean;
  readonly merchant: { readonly taxId: string; readonly org: string };
  readonly buyer: {
    readonly name: string;
    readonly taxId: string | null;
    readonly id: string | null;
  };
  readonly paymentId: string | null;
  readonly currency: string;
  readonly lines: readonly InvoiceLine[];
  readonly netMinor: string;
  readonly taxMinor: string;
  readonly grossMinor: string;
  readonly creditedMinor: string;
  readonly original: string | null;
  readonly reason: string | null;
  readonly claimedBy: { readonly org: string; readonly buyerId: string } | null;
  readonly reimbursedBy: string | null;
  readonly issuedHeight: string;
  readonly issuedAt: string;
  readonly txId: string;
}

export interface HistoryEntry {
  readonly type: string;
  readonly org: string | null;
  readonly txId: string;
  readonly height: string;
  readonly time: string;
}

export type InvoiceDetail = Invoice & { readonly history: readonly HistoryEntry[] };

export const TOTAL_DIMENSIONS = ['merchant', 'industry', 'region', 'day'] as const;
export type TotalDimension = (typeof TOTAL_DIMENSIONS)[number];

export interface TotalsRow {
  readonly key: string;
  readonly invoices: number;
  readonly creditNotes: number;
  readonly netMinor: string;
  readonly taxMinor: string;
  readonly grossMinor: string;
  readonly reimbursed: number;
}

export interface Anomaly {
  readonly kind: string;
  readonly number: string;
  readonly merchantTaxId: string | null;
  readonly detail: string | null;
  readonly height: string | null;
  readonly time: string;
}

/** A value the page refused before asking the API; `code` names the rule. */
export class InvoiceInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvoiceInputError';
  }
}

/**
 * Dispatched on `window` when the API answers 401 sign-in-required: the session has ended
 * (expired, signed out elsewhere), and the sign-in box asks again.
 */
export const SESSION_ENDED_EVENT = 'trellis:session-ended';

/**
 * Calls `url` (same-origin, under /api) and returns its JSON, or undefined for 204. The session
 * travels as the HttpOnly cookie the sign-in set: the page never sees the token.
 */
async function callApi<T>(
  url: string,
  options: { method?: 'GET' | 'POST' | 'DELETE'; body?: unknown; announceSessionEnd?: boolean },
): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
  };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers,
      cache: 'no-store',
      credentials: 'same-origin',
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch (error) {
    throw new ApiError(0, 'network', `the API could not be reached (${String(error)})`);
  }
  if (!res.ok) {
    const error = await problemOf(res);
    if (
      options.announceSessionEnd === true &&
      error.code === 'sign-in-required' &&
      typeof window !== 'undefined'
    ) {
      window.dispatchEvent(new Event(SESSION_ENDED_EVENT));
    }
    throw error;
  }
  if (res.status === 204) return undefined as T;
  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiError(res.status, 'bad-response', `the API answered ${url} with invalid JSON`);
  }
}

/** Calls `path` under the e-invoice API as the signed-in account (if any) and returns its JSON. */
export function invoiceApi<T>(
  path: string,
  options: { method?: 'GET' | 'POST'; body?: unknown } = {},
): Promise<T> {
  return callApi<T>(`${INVOICE_API}${path}`, { ...options, announceSessionEnd: true });
}

export const SESSIONS_API = '/api/sessions';

function accountOf(value: unknown): Account {
  const a = (value ?? {}) as Record<string, unknown>;
  const roles = a['roles'];
  if (
    typeof a['username'] !== 'string' ||
    typeof a['organisation'] !== 'string' ||
    !Array.isArray(roles) ||
    !roles.every((r) => typeof r === 'string') ||
    !(a['subject'] === null || typeof a['subject'] === 'string')
  ) {
    throw new ApiError(200, 'bad-response', 'the API answered with no account');
  }
  return {
    username: a['username'],
    organisation: a['organisation'],
    roles: [...(roles as string[])],
    subject: a['subject'],
  };
}

/**
 * Signs in: the API sets the session as an HttpOnly cookie (the browser sends it with every
 * /api request from here on). Throws InvoiceInputError for an empty field, ApiError
 * `sign-in-failed` (401) for a wrong username or password, `sign-in-locked` (429) after too many.
 */
export async function signIn(username: string, password: string): Promise<Account> {
  const name = username.trim();
  if (!name) throw new InvoiceInputError('no-username', 'Give your username.');
  if (!password) throw new InvoiceInputError('no-password', 'Give your password.');
  const session = await callApi<{ account?: unknown }>(SESSIONS_API, {
    method: 'POST',
    body: { username: name, password },
  });
  return accountOf(session?.account);
}

/** The signed-in account, or null when nobody is (401). */
export async function currentAccount(): Promise<Account | null> {
  try {
    const answer = await callApi<{ account?: unknown }>(`${SESSIONS_API}/current`, {});
    return accountOf(answer?.account);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Ends the session here and now (the API clears the cookie); no session is not an error. */
export async function signOut(): Promise<void> {
  try {
    await callApi<void>(`${SESSIONS_API}/current`, { method: 'DELETE' });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    throw error;
  }
}

/** When a locked account may try again (`retryAfter` of a sign-in-locked problem), or null. */
export function retryAfterOf(error: unknown): Date | null {
  if (!(error instanceof ApiError) || error.code !== 'sign-in-locked') return null;
  const at = error.problem?.['retryAfter'];
  const ms = typeof at === 'string' ? Date.parse(at) : NaN;
  return Number.isFinite(ms) ? new Date(ms) : null;
}

/** A failed sign-in in plain words. */
export function signInErrorText(error: unknown, now = Date.now()): string {
  if (error instanceof InvoiceInputError) return error.message;
  if (error instanceof ApiError) {
    if (error.code === 'sign-in-failed') return 'Wrong username or password.';
    if (error.code === 'sign-in-locked') {
      const until = retryAfterOf(error);
      if (until === null) return 'Too many failed sign-ins: this account is locked for a while.';
      const minutes = Math.max(1, Math.ceil((until.getTime() - now) / 60_000));
      return (
        `Too many failed sign-ins: this account is locked until ${formatTime(until.toISOString())} ` +
        `(about ${minutes} minute${minutes === 1 ? '' : 's'}).`
      );
    }
  }
  return `Sign-in did not work: ${errorText(error)}`;
}

/** The contract's refusal reason of an API error (`reason` of an invoice-refused problem). */
export function refusalReason(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const reason = error.problem?.['reason'];
  return typeof reason === 'string' ? reason : null;
}

/** An error for people: the message, then the problem code and the contract's reason. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const reason = refusalReason(error);
    const errors = error.problem?.['errors'];
    const fields = Array.isArray(errors)
      ? errors
          .map((e: unknown) => {
            const { field, message } = (e ?? {}) as { field?: unknown; message?: unknown };
            return typeof message === 'string'
              ? `${typeof field === 'string' ? `${field}: ` : ''}${message}`
              : '';
          })
          .filter(Boolean)
      : [];
    const detail = fields.length > 0 ? `${error.message}: ${fields.join('; ')}` : error.message;
    return `${detail} (${reason ? `${error.code}: ${reason}` : error.code})`;
  }
  if (error instanceof InvoiceInputError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

const INTEGER = /^-?\d+$/;

/** An integer amount of the API (string or safe integer) as a bigint; throws on anything else. */
export function toMinor(value: unknown): bigint {
  if (typeof value === 'string' && INTEGER.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'bigint') return value;
  throw new InvoiceInputError('bad-amount', `not an integer amount: ${String(value)}`);
}

/** Minor units (fen) as yuan, exactly: "¥1,130.00", "-¥15,000.00". */
export function formatYuan(minor: unknown): string {
  let n: bigint;
  try {
    n = toMinor(minor);
  } catch {
    return '—';
  }
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().padStart(3, '0');
  const whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}¥${whole}.${digits.slice(-2)}`;
}

const MAX_UNIT_PRICE_MINOR = 1_000_000_000_000n;

/**
 * A price typed in yuan ("1,250.5", "999.99", "12") as minor units, parsed as a decimal string:
 * at most two decimals, no sign, no exponent. Throws InvoiceInputError (`bad-price`).
 */
export function parseYuan(text: string): number {
  const clean = text.trim().replace(/^¥/, '').replace(/,/g, '');
  const m = /^(\d{1,13})(?:\.(\d{0,2}))?$/.exec(clean);
  if (!m) {
    throw new InvoiceInputError(
      'bad-price',
      `“${text}” is not a price in yuan (digits, at most two decimals, e.g. 1250.50)`,
    );
  }
  const minor = BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
  if (minor > MAX_UNIT_PRICE_MINOR) {
    throw new InvoiceInputError('bad-price', `a unit price is at most ¥10,000,000,000.00`);
  }
  return Number(minor); // ≤ 10^12: a safe integer
}

/** A tax rate typed in percent ("13", "6", "0", "1.5") as basis points; `bad-rate` otherwise. */
export function parsePercent(text: string): number {
  const m = /^(\d{1,3})(?:\.(\d{0,2}))?$/.exec(text.trim().replace(/\s*%$/, ''));
  const bp = m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : NaN;
  if (!m || bp > 10_000) {
    throw new InvoiceInputError(
      'bad-rate',
      `“${text}” is not a tax rate in percent from 0 to 100 (at most two decimals)`,
    );
  }
  return bp;
}

/** Basis points as a percentage: 1300 → "13 %", 150 → "1.5 %". */
export function formatPercent(basisPoints: unknown): string {
  let bp: bigint;
  try {
    bp = toMinor(basisPoints);
  } catch {
    return '—';
  }
  const whole = bp / 100n;
  const frac = (bp % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''} %`;
}

/** A whole quantity from 1 to 1 000 000 000; `bad-quantity` otherwise. */
export function parseQuantity(text: string): number {
  const clean = text.trim();
  const n = /^\d{1,10}$/.test(clean) ? Number(clean) : NaN;
  if (!(n >= 1 && n <= 1_000_000_000)) {
    throw new InvoiceInputError(
      'bad-quantity',
      `“${text}” is not a quantity (a whole number from 1 to 1,000,000,000)`,
    );
  }
  return n;
}

export interface LineInput {
  readonly description: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
  readonly taxRateBasisPoints: number;
}

/**
 * The totals the contract will compute (apps/invoice/contract/src/tax.ts): line net = quantity ×
 * unit price, line tax rounded half up per line, totals the sums; bigint throughout.
 */
export function lineTotals(lines: readonly LineInput[]): {
  netMinor: bigint;
  taxMinor: bigint;
  grossMinor: bigint;
} {
  let net = 0n;
  let tax = 0n;
  for (const l of lines) {
    const lineNet = BigInt(l.quantity) * BigInt(l.unitPriceMinor);
    net += lineNet;
    tax += (lineNet * BigInt(l.taxRateBasisPoints) + 5_000n) / 10_000n;
  }
  return { netMinor: net, taxMinor: tax, grossMinor: net + tax };
}

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** True for a unified social credit code (GB 32100-2015) whose check character is right. */
export function isUscc(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  const sum = [...code.slice(0, 17)].reduce(
    (acc, c, i) => acc + USCC_ALPHABET.indexOf(c) * USCC_WEIGHTS[i]!,
    0,
  );
  return code[17] === USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

export function isInvoiceNumber(text: string): boolean {
  return /^\d{20}$/.test(text);
}

/** Where an invoice's drill-down page is. */
export function invoiceHref(number: string): string {
  return `/invoices/${encodeURIComponent(number)}`;
}

/** A time (ISO) as "2026-11-21 09:31:02 UTC". */
export function formatTime(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A totals answer (`[{ <by>: key, invoices, … }]`) with its key under `key`. */
export function totalsRows(
  by: TotalDimension,
  rows: readonly Record<string, unknown>[],
): TotalsRow[] {
  return rows.map((r) => ({
    key: String(r[by] ?? ''),
    invoices: Number(r['invoices'] ?? 0),
    creditNotes: Number(r['creditNotes'] ?? 0),
    netMinor: String(r['netMinor'] ?? '0'),
    taxMinor: String(r['taxMinor'] ?? '0'),
    grossMinor: String(r['grossMinor'] ?? '0'),
    reimbursed: Number(r['reimbursed'] ?? 0),
  }));
}
