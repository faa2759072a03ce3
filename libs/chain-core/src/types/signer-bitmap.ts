import { CodecError, type Field, bytes } from '../codec';
import { MAX_VALIDATORS } from './limits';

/**
 * Which validators of an epoch signed a certificate: bit i (byte i >> 3, bit i & 7, least
 * significant first) is validator i. Canonical: no trailing zero byte, so one signer set has
 * exactly one encoding.
 */
export const signerBitmap: Field<Uint8Array> = bytes(1, MAX_VALIDATORS / 8);

/** Validator indexes set in `bitmap`, ascending. */
export function signersOf(bitmap: Uint8Array): number[] {
  const out: number[] = [];
  bitmap.forEach((byte, i) => {
    for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) out.push(i * 8 + bit);
  });
  return out;
}

/** The canonical bitmap of a set of validator indexes. */
export function bitmapOf(indexes: readonly number[]): Uint8Array {
  if (indexes.length === 0)
    throw new CodecError('invalid', 'a signer set cannot be empty', 'signers');
  const max = Math.max(...indexes);
  if (!indexes.every((i) => Number.isInteger(i) && i >= 0 && i < MAX_VALIDATORS)) {
    throw new CodecError(
      'invalid',
      `validator indexes must be in [0, ${MAX_VALIDATORS})`,
      'signers',
    );
  }
  const out = new Uint8Array((max >> 3) + 1);
  for (const i of indexes) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

/** Checks that `bitmap` is canonical and names exactly `count` signers. */
export function checkSigners(bitmap: Uint8Array, count: number, path: string): void {
  if (bitmap[bitmap.length - 1] === 0)
    throw new CodecError('invalid', 'signer bitmap has a trailing zero byte', `${path}.signers`);
  const signers = signersOf(bitmap).length;
  if (signers !== count) {
    throw new CodecError(
      'invalid',
      `${signers} signers in the bitmap but ${count} signatures`,
      path,
    );
  }
}
