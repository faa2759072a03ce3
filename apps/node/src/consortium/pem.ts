/**
 * PEM text (RFC 7468) for the files of a consortium: reading exactly one block with a known
 * label, and writing the strict form (64-character lines), so that the genesis file, whose hash
 * nodes compare, spells every certificate one way.
 */

const BLOCK =
  /^-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]*?)\r?\n?-----END ([A-Z0-9 ]+)-----$/;

/**
 * The label and DER of the single PEM block of `text`, which must carry `label` if one is given;
 * or why not.
 */
export function decodePem(
  text: string,
  label?: string,
): { ok: true; label: string; der: Uint8Array } | { ok: false; reason: string } {
  const match = BLOCK.exec(text.trim());
  if (match === null)
    return { ok: false, reason: `not a single PEM${label === undefined ? '' : ` ${label}`} block` };
  const [, begin, body, end] = match;
  if (begin !== end) return { ok: false, reason: `BEGIN ${begin} does not match END ${end}` };
  if (label !== undefined && begin !== label) {
    return { ok: false, reason: `expected a ${label} block, got ${begin}` };
  }
  const base64 = body!.replace(/\r?\n/g, '');
  const der = Buffer.from(base64, 'base64');
  // Buffer's decoder skips bad characters; a round trip proves the text was canonical base64.
  if (der.length === 0 || der.toString('base64') !== base64) {
    return { ok: false, reason: `the ${begin} block is not canonical base64` };
  }
  return { ok: true, label: begin!, der: new Uint8Array(der) };
}

/** `der` as a PEM block with `label`, 64-character lines, LF endings. */
export function encodePem(label: string, der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** `text` (one PEM block) in the strict form `encodePem` writes; throws if it is not PEM. */
export function normalisePem(text: string): string {
  const pem = decodePem(text);
  if (!pem.ok) throw new TypeError(pem.reason);
  return encodePem(pem.label, pem.der);
}
