/**
 * A proof file as users have them: the raw CBOR bundle (`application/cbor` from the node
 * API), or the JSON the node API returns (`{ "bundle": "<hex>", … }`, docs/spec/node.md §6).
 * A CBOR bundle starts with 0x85 (an array of five), never with `{`, so the first
 * non-blank byte tells them apart.
 */
import { ProofError } from '@trellis/chain-core/proofs';

const OPEN_BRACE = 0x7b;
const BLANK = new Set([0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf]); // white space, UTF-8 BOM
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/**
 * The bundle bytes of a proof file.
 * @throws ProofError('malformed') naming `bundle` for JSON that holds no hex bundle.
 */
export function bundleOfProofFile(file: Uint8Array): Uint8Array {
  const first = file.find((byte) => !BLANK.has(byte));
  if (first !== OPEN_BRACE) return file;
  let document: unknown;
  try {
    document = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file));
  } catch (error) {
    throw new ProofError('malformed', `the proof file is not JSON (${String(error)})`);
  }
  const hex = (document as Record<string, unknown> | null)?.['bundle'];
  if (typeof hex !== 'string' || hex.length === 0 || !HEX.test(hex)) {
    throw new ProofError('malformed', 'must be the bundle as a hex string', 'bundle');
  }
  return Uint8Array.from(hex.match(/../g)!, (pair) => parseInt(pair, 16));
}
