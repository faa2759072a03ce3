// The judicial-evidence API as the pages' browser code sees it: same-origin paths (the portal
// rewrites /api/* to the API server), its JSON shapes, and its RFC 9457 problems as errors.

export const EVIDENCE_API = '/api/judicial-evidence';

export interface Presentation {
  readonly caseNumber: string;
  readonly court: string;
  readonly height: string;
  readonly time: string;
}

export interface Deposit {
  readonly id: string;
  readonly sha256: string;
  readonly sm3: string;
  readonly type: string;
  readonly title: string;
  readonly depositor: string;
  readonly depositorName: string;
  readonly parent: string | null;
  readonly corrects: string | null;
  readonly correctedBy: readonly string[];
  readonly children: readonly string[];
  readonly hasPrivateMetadata: boolean;
  readonly height: string;
  readonly timeMs: string;
  readonly time: string;
  readonly blockHash: string | null;
  readonly presentations: readonly Presentation[];
}

/** The evidence types the contract accepts (judicial-evidence contract, EVIDENCE_TYPES). */
export const EVIDENCE_TYPES = [
  'contract',
  'payment',
  'notice',
  'chat',
  'email',
  'image',
  'audio',
  'video',
  'web-page',
  'document',
  'other',
] as const;

export interface Organisation {
  readonly id: string;
  readonly name: string;
}

/** The organisations a genesis file names (`organisations[].id/name`); [] for anything else. */
export function genesisOrganisations(genesis: unknown): Organisation[] {
  const list =
    genesis !== null && typeof genesis === 'object'
      ? (genesis as { organisations?: unknown }).organisations
      : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((o: unknown) => {
    const { id, name } = (o ?? {}) as { id?: unknown; name?: unknown };
    return typeof id === 'string' && typeof name === 'string' ? [{ id, name }] : [];
  });
}

/** An API answer that is not what the page asked for: its problem, or what went wrong. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The problem's `code`, or a page-side code (`network`, `bad-response`). */
    readonly code: string,
    message: string,
    readonly problem: Readonly<Record<string, unknown>> | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

/** True for a 64-character lower-case hex string (a digest or a deposit id). */
export function isHex64(value: string): boolean {
  return HEX64.test(value);
}

/** The error an answer with a non-2xx status stands for, from its problem document if any. */
export async function problemOf(res: Response): Promise<ApiError> {
  let problem: Record<string, unknown> | null = null;
  try {
    const body: unknown = await res.json();
    if (body !== null && typeof body === 'object') problem = body as Record<string, unknown>;
  } catch {
    // not JSON: the status says enough
  }
  // Trellis problems name their code in `type` (urn:trellis:problem:<code>, docs/problems.md).
  const type = typeof problem?.['type'] === 'string' ? problem['type'] : '';
  const code =
    typeof problem?.['code'] === 'string'
      ? problem['code']
      : (/^urn:trellis:problem:([a-z0-9-]+)$/.exec(type)?.[1] ?? `http-${res.status}`);
  const detail =
    typeof problem?.['detail'] === 'string'
      ? problem['detail']
      : typeof problem?.['title'] === 'string'
        ? problem['title']
        : `HTTP ${res.status}`;
  return new ApiError(res.status, code, detail, problem);
}

/** Fetches `path` (under the API) and returns its JSON body, or throws an ApiError. */
export async function apiJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${EVIDENCE_API}${path}`, { cache: 'no-store', ...init });
  } catch (error) {
    throw new ApiError(0, 'network', `the API could not be reached (${String(error)})`);
  }
  if (!res.ok) throw await problemOf(res);
  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiError(res.status, 'bad-response', `the API answered ${path} with invalid JSON`);
  }
}

/** Fetches `path` and returns its bytes and headers, or throws an ApiError. */
export async function apiBytes(path: string): Promise<{ bytes: Uint8Array; headers: Headers }> {
  let res: Response;
  try {
    res = await fetch(`${EVIDENCE_API}${path}`, { cache: 'no-store' });
  } catch (error) {
    throw new ApiError(0, 'network', `the API could not be reached (${String(error)})`);
  }
  if (!res.ok) throw await problemOf(res);
  return { bytes: new Uint8Array(await res.arrayBuffer()), headers: res.headers };
}

/** Where the court page verifies a deposit (the certificate's QR code points here too). */
export function courtVerifyHref(id: string): string {
  return `/court/verify?deposit=${encodeURIComponent(id)}`;
}

export function certificateHref(id: string): string {
  return `${EVIDENCE_API}/deposits/${encodeURIComponent(id)}/certificate.pdf`;
}

/** A time as "2026-11-21 09:31:02 UTC" (courts compare times across zones: always UTC). */
export function formatUtc(ms: number): string {
  if (!Number.isFinite(ms)) return 'an unknown time';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A byte count for people. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
