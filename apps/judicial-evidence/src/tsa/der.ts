/** DER plumbing shared by the request parser, the issuer and the verifier. */
import * as asn1js from 'asn1js';

/** Resource limits handed to asn1js for untrusted input: no deep recursion, no huge trees. */
export interface DerLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly maxNodes: number;
}

/** A request is ~100 bytes and 5 levels deep. */
export const REQUEST_LIMITS: DerLimits = { maxBytes: 4096, maxDepth: 12, maxNodes: 256 };
/** A response carries a few certificates; real ones are under 8 KiB. */
export const RESPONSE_LIMITS: DerLimits = { maxBytes: 256 * 1024, maxDepth: 32, maxNodes: 20_000 };

/** One BER element filling `bytes` exactly, or why not. */
export function decodeDer(
  bytes: Uint8Array,
  limits: DerLimits,
): { ok: true; value: asn1js.AsnType } | { ok: false; reason: string } {
  if (!(bytes instanceof Uint8Array)) return { ok: false, reason: 'expected bytes' };
  if (bytes.length === 0) return { ok: false, reason: 'empty input' };
  if (bytes.length > limits.maxBytes) {
    return { ok: false, reason: `${bytes.length} bytes, more than ${limits.maxBytes}` };
  }
  const parsed = asn1js.fromBER(bytes, {
    maxDepth: limits.maxDepth,
    maxNodes: limits.maxNodes,
    maxContentLength: limits.maxBytes,
  });
  if (parsed.offset === -1 || parsed.result.error !== '') {
    return { ok: false, reason: `not DER: ${parsed.result.error || 'unparseable'}` };
  }
  if (parsed.offset !== bytes.length) {
    return { ok: false, reason: `${bytes.length - parsed.offset} bytes after the DER element` };
  }
  return { ok: true, value: parsed.result };
}

/** The content of an OCTET STRING, primitive or (BER) constructed. */
export function octets(value: asn1js.OctetString): Uint8Array {
  if (!value.idBlock.isConstructed) return new Uint8Array(value.valueBlock.valueHexView);
  const parts = value.valueBlock.value.map((part) =>
    part instanceof asn1js.OctetString ? octets(part) : new Uint8Array(0),
  );
  return Buffer.concat(parts);
}

export function der(value: { toBER(): ArrayBuffer }): Uint8Array {
  return new Uint8Array(value.toBER());
}

export function hex(bytes: Uint8Array | ArrayBuffer): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');
}

/** A signed integer as text: lower-case hex, `-` before a negative one. */
export function signedHex(value: bigint): string {
  return value < 0n ? `-${(-value).toString(16)}` : value.toString(16);
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\s]*?)-----END \1-----/g;

/**
 * The certificates of a trust file: PEM `CERTIFICATE` blocks (other blocks ignored), or, when
 * bytes without a PEM header are given, DER certificates one after another (some TSAs publish
 * `ts_chain.pem` in DER).
 */
export function certificatesOf(input: string | Uint8Array): Uint8Array[] | string {
  if (input instanceof Uint8Array) {
    const text = Buffer.from(input).toString('latin1');
    if (text.includes('-----BEGIN ')) return certificatesOf(text);
    const out: Uint8Array[] = [];
    let rest = input;
    while (rest.length > 0) {
      const parsed = asn1js.fromBER(rest, { maxDepth: 32, maxNodes: 20_000 });
      if (parsed.offset <= 0 || parsed.result.error !== '') return 'not DER certificates';
      out.push(rest.subarray(0, parsed.offset));
      rest = rest.subarray(parsed.offset);
    }
    return out;
  }
  if (typeof input !== 'string') return 'expected PEM text or DER bytes';
  const out: Uint8Array[] = [];
  for (const match of input.matchAll(PEM_BLOCK)) {
    if (match[1] !== 'CERTIFICATE') continue;
    const body = match[2]!.replace(/\s+/g, '');
    const bytes = Buffer.from(body, 'base64');
    if (bytes.length === 0 || bytes.toString('base64') !== body) {
      return 'a CERTIFICATE block is not canonical base64';
    }
    out.push(new Uint8Array(bytes));
  }
  return out;
}
