/**
 * PEM (RFC 7468) and base64 (RFC 4648 §4) without Buffer or atob, so that it runs anywhere.
 * Writing follows RFC 7468's strict form (64-character lines, LF). Reading accepts exactly one
 * block with the expected label, optional surrounding whitespace, any line length and CRLF;
 * it refuses other labels, headers, text around the block and non-canonical base64.
 */

export class PemError extends Error {
  override name = 'PemError';
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Map([...ALPHABET].map((char, index) => [char, index]));

export function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    out += ALPHABET[b0 >> 2];
    out += ALPHABET[((b0 & 0x03) << 4) | ((b1 ?? 0) >> 4)];
    out += b1 === undefined ? '=' : ALPHABET[((b1 & 0x0f) << 2) | ((b2 ?? 0) >> 6)];
    out += b2 === undefined ? '=' : ALPHABET[b2 & 0x3f];
  }
  return out;
}

/** Strict: length a multiple of 4, padding only at the end, unused bits zero. */
export function fromBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new PemError('base64 length is not a multiple of 4');
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let bits = 0;
  let bitCount = 0;
  let offset = 0;
  for (let i = 0; i < text.length - padding; i++) {
    const value = DECODE.get(text[i]!);
    if (value === undefined) throw new PemError(`invalid base64 character at ${i}`);
    bits = (bits << 6) | value;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      out[offset++] = (bits >> bitCount) & 0xff;
      bits &= (1 << bitCount) - 1;
    }
  }
  if (bits !== 0) throw new PemError('base64 has non-zero unused bits');
  return out;
}

export function toPem(label: string, der: Uint8Array): string {
  const body = toBase64(der).replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${body}${body.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

const BLOCK =
  /^-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]*?)\r?\n?-----END ([A-Z0-9 ]+)-----$/;

/** The DER inside the one PEM block of `text`, which must carry `label`. */
export function fromPem(text: string, label: string): Uint8Array {
  const match = BLOCK.exec(text.trim());
  if (match === null) throw new PemError('not a single PEM block');
  const [, begin, body, end] = match;
  if (begin !== end) throw new PemError(`BEGIN ${begin} does not match END ${end}`);
  if (begin !== label) throw new PemError(`expected a ${label} block, got ${begin}`);
  return fromBase64(body!.replace(/\r?\n/g, ''));
}
