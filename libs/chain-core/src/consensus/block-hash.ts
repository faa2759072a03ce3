import type { HashFn } from '../codec';
import { BlockHeader } from '../types';

const cache = new WeakMap<BlockHeader, { readonly fn: HashFn; readonly hash: Uint8Array }>();

/**
 * `BlockHeader.hash`, remembered per header object: a header is hashed when verified, when
 * inserted, when checked for equivocation and when served, and headers are immutable.
 */
export function blockHash(fn: HashFn, header: BlockHeader): Uint8Array {
  const hit = cache.get(header);
  if (hit !== undefined && hit.fn === fn) return hit.hash;
  const hash = BlockHeader.hash(fn, header);
  cache.set(header, { fn, hash });
  return hash;
}
