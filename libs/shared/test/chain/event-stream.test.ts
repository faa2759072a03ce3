import { setTimeout as sleep } from 'node:timers/promises';
import { toHex } from '@trellis/chain-core';
import {
  type ChainBlock,
  ChainError,
  EventStream,
  type StreamNotice,
  blockMessage,
  matchesEventFilter,
  parseStreamMessage,
} from '@trellis/shared/chain';
import { EventNode, type FaultPlan } from './event-node';
import { testChain } from './test-chain';

const servers: EventNode[] = [];
const streams: EventStream[] = [];
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(
  blocks: ChainBlock[],
  options: Parameters<typeof EventNode.start>[1] = {},
): Promise<EventNode> {
  const started = await EventNode.start(blocks, options);
  servers.push(started);
  return started;
}

function stream(options: ConstructorParameters<typeof EventStream>[0]): EventStream {
  const made = new EventStream({ backoff: { initialMs: 10, maxMs: 40 }, ...options });
  streams.push(made);
  return made;
}

/** The first `count` blocks the stream yields. */
async function take(source: AsyncIterable<ChainBlock>, count: number): Promise<ChainBlock[]> {
  const taken: ChainBlock[] = [];
  if (count === 0) return taken;
  for await (const block of source) {
    taken.push(block);
    if (taken.length === count) break;
  }
  return taken;
}

/** Comparable form of blocks: the message a node would send for each. */
const wire = (blocks: readonly ChainBlock[]) => blocks.map((b) => blockMessage(b));

describe('EventStream', () => {
  it('dropDuplicateAndGap_yieldEachHeightExactlyOnce_inOrder_acrossTwoNodes', async () => {
    const chain = testChain(80, 7);
    // Connection 0 drops before 10, 1 repeats 24 in place of 25, 2 skips 40; 3 is clean.
    const faults: FaultPlan = (connection, height) =>
      connection === 0 && height === 10n
        ? 'drop'
        : connection === 1 && height === 25n
          ? 'duplicate'
          : connection === 2 && height === 40n
            ? 'gap'
            : undefined;
    const counter = { value: 0 };
    const a = await server(chain, { faults, counter });
    const b = await server(chain, { faults, counter });
    const notices: StreamNotice[] = [];
    const events = stream({
      nodes: [a.url, b.url],
      fromHeight: 0n,
      onNotice: (n) => notices.push(n),
    });

    const received = await take(events, 80);

    expect(received.map((block) => block.height)).toEqual(chain.map((block) => block.height));
    expect(wire(received)).toEqual(wire(chain));
    expect(toHex(received[3]!.events[0]?.dataCbor ?? new Uint8Array())).toBe(
      toHex(chain[3]!.events[0]?.dataCbor ?? new Uint8Array()),
    );
    // Each reconnection resumed at the first height not received in full, alternating nodes.
    const resumed = [...a.subscriptions, ...b.subscriptions]
      .map((s) => s.fromHeight)
      .sort((x, y) => Number(x! - y!));
    expect(resumed).toEqual([0n, 10n, 25n, 40n]);
    expect(a.subscriptions.map((s) => s.fromHeight)).toEqual([0n, 25n]);
    expect(b.subscriptions.map((s) => s.fromHeight)).toEqual([10n, 40n]);
    expect(events.reconnects).toBe(3);
    expect(events.protocolErrors).toBe(2);
    expect(
      notices
        .filter((n) => n.kind === 'protocol-error')
        .map((n) => (n as { problem: string }).problem),
    ).toEqual(['height 24 again (expected 25)', 'height 41 skips 40..40']);
  });

  it('liveBlocks_arriveAsTheyAreAppended_fromTheTip', async () => {
    const chain = testChain(30, 3);
    const node = await server(chain.slice(0, 10));
    const events = stream({ nodes: [node.url], fromHeight: 5n });
    const heights: number[] = [];
    for await (const block of events) {
      heights.push(Number(block.height));
      // At the tip: the node has nothing more until blocks are committed.
      if (block.height === 9n) setTimeout(() => node.append(...chain.slice(10)), 50);
      if (block.height === 29n) break;
    }
    expect(heights).toEqual([...Array(25).keys()].map((i) => i + 5));
    expect(node.connectionCount).toBe(1);
  });

  it('filter_isTheSubscriptionQuery_andOnlyMatchingEventsArrive', async () => {
    const chain = testChain(40, 11);
    const node = await server(chain);
    const filter = { contracts: ['invoice', 'copyright'], types: ['invoice.*', 'work.registered'] };
    const received = await take(stream({ nodes: [node.url], fromHeight: 0n, ...filter }), 40);
    expect(node.subscriptions[0]).toEqual({
      fromHeight: 0n,
      contract: 'invoice,copyright',
      type: 'invoice.*,work.registered',
    });
    const expected = chain.map((b) => ({
      ...b,
      events: b.events.filter((e) => matchesEventFilter(filter, e)),
    }));
    expect(wire(received)).toEqual(wire(expected));
    const types = new Set(received.flatMap((b) => b.events.map((e) => e.type)));
    expect([...types].sort()).toEqual(['invoice.issued', 'invoice.paid', 'work.registered']);
  });

  it('aRefusedSubscription_endsTheIterationWithStreamRejected', async () => {
    const node = await server(testChain(5));
    const events = stream({ nodes: [node.url], fromHeight: 0n, types: ['*'] });
    // The test node refuses a bare "*" (its pattern wants a prefix): the iterator throws.
    const error = await take(events, 5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChainError);
    expect(error).toMatchObject({ code: 'stream-rejected', meta: { code: 'bad-query' } });
    await sleep(100);
    expect(node.connectionCount).toBe(1); // not retried
  });

  it('aSilentNode_isDroppedAfterTheIdleTimeout_forTheNext', async () => {
    const chain = testChain(10);
    const silent = await server(chain, { silent: true });
    const live = await server(chain);
    const events = stream({ nodes: [silent.url, live.url], fromHeight: 0n, idleTimeoutMs: 200 });
    const started = Date.now();
    const received = await take(events, 10);
    expect(received.map((b) => b.height)).toEqual(chain.map((b) => b.height));
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(silent.connectionCount).toBe(1);
  });

  it('aSlowConsumer_pausesTheSocket_andStillGetsEveryBlockOnce', async () => {
    const chain = testChain(120, 5);
    const node = await server(chain);
    const events = stream({ nodes: [node.url], fromHeight: 0n, highWaterMark: 4 });
    const heights: bigint[] = [];
    for await (const block of events) {
      heights.push(block.height);
      if (heights.length % 20 === 0) await sleep(30);
      if (heights.length === 120) break;
    }
    expect(heights).toEqual(chain.map((b) => b.height));
    expect(node.connectionCount).toBe(1);
  });

  it('close_endsAPendingNext', async () => {
    const node = await server([]);
    const events = stream({ nodes: [node.url] });
    const pending = events.next();
    await sleep(50);
    events.close();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    expect(node.subscriptions).toEqual([{ fromHeight: undefined, contract: null, type: null }]);
  });

  it('messagesOutsideTheContract_areProblems', () => {
    const block = testChain(10, 2).find((b) => b.events.length > 1)!;
    const good = blockMessage(block);
    expect(parseStreamMessage(good)).toEqual({ kind: 'block', block });
    const bad = [
      '{"kind":"block","height":12,"hash":"00","timestampMs":"1","events":[]}',
      good.replace(`"height":"${block.height}"`, `"height":"-${block.height}"`),
      good.replace('"eventIndex":1', '"eventIndex":0'),
      good.replace(/"dataCbor":"[0-9a-f]*"/, '"dataCbor":"abc"'),
      '{"kind":"other"}',
      'not json',
    ];
    for (const text of bad) expect(() => parseStreamMessage(text)).toThrow();
    expect(() => stream({ nodes: ['http://a'], types: ['Invoice'] })).toThrow(
      /options\.types\[0\]/,
    );
    expect(() => stream({ nodes: ['http://a'], fromHeight: -1n })).toThrow(/fromHeight/);
  });
});
