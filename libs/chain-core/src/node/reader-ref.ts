import type { RangeOptions, StateEntry } from '../contract';
import type { StateReader } from '../storage';

/**
 * A reader whose target can be swapped: an executed block reads its parent through one, and
 * when the parent commits the node points it at the store, so chains of overlays never grow.
 */
export class ReaderRef implements StateReader {
  constructor(public target: StateReader) {}
  get(key: Uint8Array): Uint8Array | undefined {
    return this.target.get(key);
  }
  range(options: RangeOptions & { readonly limit: number }): readonly StateEntry[] {
    return this.target.range(options);
  }
}
