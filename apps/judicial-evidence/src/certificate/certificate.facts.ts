import { DocumentError as CertificateError } from '@trellis/shared/documents';

/** What the certificate states about one deposit. */
export interface CertificateFacts {
  /** 64 lower-case hex: the deposit transaction's id. */
  depositId: string;
  /** 1..200 characters, any Unicode (controls and bidi overrides refused). */
  title: string;
  /** e.g. 'contract', 'payment', 'notice', 'chat', 'email', 'image', 'video', 'audio', 'document', 'other'. */
  evidenceType: string;
  /** 64 hex (either case; printed lower-case). */
  sha256: string;
  /** 64 hex (either case; printed lower-case). */
  sm3: string;
  /** Organisation id, e.g. 'bank'. */
  depositorOrg: string;
  /** Organisation display name, e.g. 'Bank of Example'. */
  depositorName: string;
  /** The block time. */
  depositedAt: Date;
  /** Block height. */
  height: bigint;
  /** 64 hex, when known. */
  blockHash?: string | null;
  chainId: string;
  /** Evidence chain: the deposit this one follows. */
  parentDepositId?: string | null;
  /** This deposit corrects that one. */
  correctsDepositId?: string | null;
  /** Absolute http(s) URL of the court verification page for this deposit (the QR code encodes it). */
  verifyUrl: string;
  /** When this PDF was produced. */
  issuedAt: Date;
}

/** The facts after validation: hex lower-cased, optional links null when absent. */
export interface CheckedFacts {
  depositId: string;
  title: string;
  evidenceType: string;
  sha256: string;
  sm3: string;
  depositorOrg: string;
  depositorName: string;
  depositedAt: Date;
  height: bigint;
  blockHash: string | null;
  chainId: string;
  parentDepositId: string | null;
  correctsDepositId: string | null;
  verifyUrl: string;
  issuedAt: Date;
}

const HEX64 = /^[0-9a-fA-F]{64}$/;
const LOWER_HEX64 = /^[0-9a-f]{64}$/;
// The chain's name rule (chain ids, organisation ids, contract names).
const NAME = /^[a-z][a-z0-9-]{0,62}$/;
const EVIDENCE_TYPE = /^[a-z][a-z0-9-]{0,31}$/;
// C0/C1 controls, and the bidi embeddings/overrides/isolates that could make printed text
// read differently from the stored text on a court document.
const FORBIDDEN_TEXT = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// Keeps the QR code at a version a phone reads off paper, and the printed URL short.
const MAX_URL = 512;
const MAX_HEIGHT = (1n << 64n) - 1n;

function bad(field: string, message: string): CertificateError {
  return new CertificateError('invalid-facts', `${field}: ${message}`, field);
}

function hex64(value: unknown, field: string, lowerOnly = false): string {
  if (typeof value !== 'string' || !(lowerOnly ? LOWER_HEX64 : HEX64).test(value)) {
    throw bad(field, lowerOnly ? 'must be 64 lower-case hex digits' : 'must be 64 hex digits');
  }
  return value.toLowerCase();
}

function optionalHex64(value: unknown, field: string, lowerOnly: boolean): string | null {
  return value === undefined || value === null ? null : hex64(value, field, lowerOnly);
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw bad(field, 'must be a string');
  if (LONE_SURROGATE.test(value)) throw bad(field, 'is not well-formed Unicode');
  const length = [...value].length;
  if (value.trim() === '' || length > max)
    throw bad(field, `must be 1..${max} characters, not blank`);
  if (FORBIDDEN_TEXT.test(value)) {
    throw bad(field, 'must not contain control characters or bidi overrides');
  }
  return value;
}

function date(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw bad(field, 'must be a valid Date');
  }
  return new Date(value.getTime());
}

function name(value: unknown, field: string, rule: RegExp): string {
  if (typeof value !== 'string' || !rule.test(value)) {
    throw bad(field, `must match ${rule.source}`);
  }
  return value;
}

function url(value: unknown): string {
  const field = 'verifyUrl';
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_URL) {
    throw bad(field, `must be an absolute URL of 1..${MAX_URL} characters`);
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw bad(field, 'must be an absolute URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw bad(field, 'must be an http(s) URL');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw bad(field, 'must not carry credentials');
  }
  // Printed under the QR code as given: refuse what would print ambiguously.
  if (/[^\x21-\x7e]/.test(value))
    throw bad(field, 'must be printable ASCII (percent-encode the rest)');
  return value;
}

/** Checks every fact (throws `CertificateError('invalid-facts')` naming the field) and normalises hex. */
export function checkFacts(input: unknown): CheckedFacts {
  if (typeof input !== 'object' || input === null) {
    throw new CertificateError('invalid-facts', 'facts must be an object');
  }
  const f = input as Record<keyof CertificateFacts, unknown>;
  const depositId = hex64(f.depositId, 'depositId', true);
  const height = f.height;
  if (typeof height !== 'bigint' || height < 0n || height > MAX_HEIGHT) {
    throw bad('height', 'must be a bigint in 0..2^64-1');
  }
  const checked: CheckedFacts = {
    depositId,
    title: text(f.title, 'title', 200),
    evidenceType: name(f.evidenceType, 'evidenceType', EVIDENCE_TYPE),
    sha256: hex64(f.sha256, 'sha256'),
    sm3: hex64(f.sm3, 'sm3'),
    depositorOrg: name(f.depositorOrg, 'depositorOrg', NAME),
    depositorName: text(f.depositorName, 'depositorName', 200),
    depositedAt: date(f.depositedAt, 'depositedAt'),
    height,
    blockHash: optionalHex64(f.blockHash, 'blockHash', false),
    chainId: name(f.chainId, 'chainId', NAME),
    parentDepositId: optionalHex64(f.parentDepositId, 'parentDepositId', true),
    correctsDepositId: optionalHex64(f.correctsDepositId, 'correctsDepositId', true),
    verifyUrl: url(f.verifyUrl),
    issuedAt: date(f.issuedAt, 'issuedAt'),
  };
  if (checked.parentDepositId === depositId) {
    throw bad('parentDepositId', 'a deposit cannot follow itself');
  }
  if (checked.correctsDepositId === depositId) {
    throw bad('correctsDepositId', 'a deposit cannot correct itself');
  }
  return checked;
}
