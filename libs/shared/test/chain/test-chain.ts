/**
 * A deterministic chain of blocks with events for the stream and projection tests: the same
 * seed always gives the same blocks, byte for byte.
 */
import { createHash } from 'node:crypto';
import { type CborValue, encodeValue, toJson } from '@trellis/chain-core';
import type { ChainBlock, ChainEvent } from '@trellis/shared/chain';
import { seededRandom } from '@trellis/shared/testing';

const KINDS = [
  ['invoice', 'invoice.issued'],
  ['invoice', 'invoice.paid'],
  ['judicial-evidence', 'evidence.notarised'],
  ['copyright', 'work.registered'],
] as const;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Blocks 0..count-1; each has 0..3 transactions of 1..3 events. */
export function testChain(count: number, seed = 1): ChainBlock[] {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const blocks: ChainBlock[] = [];
  for (let h = 0; h < count; h++) {
    const events: ChainEvent[] = [];
    const txs = pick(4);
    for (let txIndex = 0; txIndex < txs; txIndex++) {
      const txId = sha256(`tx ${seed} ${h} ${txIndex}`);
      const n = 1 + pick(3);
      for (let eventIndex = 0; eventIndex < n; eventIndex++) {
        const [contract, type] = KINDS[pick(KINDS.length)]!;
        const data: CborValue = {
          amount: BigInt(pick(1_000_000)) * 10n ** 12n,
          ref: Uint8Array.from({ length: 8 }, () => pick(256)),
          note: `block ${h} event ${eventIndex}`,
        };
        events.push({
          txId,
          txIndex,
          eventIndex,
          contract,
          type,
          data: toJson(data),
          dataCbor: encodeValue(data),
        });
      }
    }
    blocks.push({
      height: BigInt(h),
      hash: sha256(`block ${seed} ${h}`),
      timestampMs: 1_763_600_000_000n + BigInt(h) * 1000n,
      events,
    });
  }
  return blocks;
}
