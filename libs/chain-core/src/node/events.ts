/**
 * The event stream (docs/spec/node.md §6.3): WebSocket `GET /v1/events?fromHeight=&contract=&type=`.
 * One JSON message per committed block, in height order from `fromHeight` with no gap, each
 * carrying the block's events that pass the filter (possibly none), so that a consumer can
 * record the height it applied and resume at the next one after any disconnect.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { toHex } from '../codec';
import { NAME } from '../types/limits';
import type { ChainNode } from './chain-node';
import { JsonBytes, writeStreamEvents } from './receipt-json';
import { decodeProposal } from './records';

const PING_INTERVAL_MS = 15_000;
/** Above this many buffered bytes a stream waits for the client to read. */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;
const TYPE_PATTERN = /^[a-z0-9][a-z0-9.-]{0,127}\*?$|^\*$/;
const MAX_FILTER_ENTRIES = 32;

interface Filter {
  readonly contracts: ReadonlySet<string> | undefined;
  readonly types: readonly string[] | undefined;
}

interface Subscriber {
  readonly ws: WebSocket;
  readonly filter: Filter;
  next: bigint;
  pumping: boolean;
  readonly ping: NodeJS.Timeout;
}

class StreamQueryError extends Error {}

export class EventStreams {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly subscribers = new Set<Subscriber>();
  private readonly unsubscribe: () => void;
  /** Where messages are written, one at a time. */
  private readonly json = new JsonBytes();

  constructor(
    private readonly node: ChainNode,
    server: Server,
  ) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://node');
      if (url.pathname !== '/v1/events') {
        const body = JSON.stringify({
          type: 'https://trellis.dev/problems/not-found',
          title: 'Not found',
          status: 404,
          detail: `no WebSocket route ${url.pathname}`,
          code: 'not-found',
        });
        socket.end(
          `HTTP/1.1 404 Not Found\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        );
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, url));
    });
    this.unsubscribe = node.onCommitted(() => {
      for (const s of this.subscribers) void this.pump(s);
    });
  }

  close(): void {
    this.unsubscribe();
    for (const s of this.subscribers) s.ws.terminate();
    this.subscribers.clear();
    this.wss.close();
  }

  private open(ws: WebSocket, url: URL): void {
    let filter: Filter;
    let from: bigint | undefined;
    try {
      ({ filter, from } = parseQuery(url));
    } catch (error) {
      ws.send(
        JSON.stringify({ kind: 'error', code: 'invalid-query', detail: (error as Error).message }),
      );
      ws.close(1008, 'invalid-query');
      return;
    }
    const head = this.node.store.head()?.height ?? -1n;
    const subscriber: Subscriber = {
      ws,
      filter,
      next: from ?? head + 1n,
      pumping: false,
      ping: setInterval(() => ws.ping(), PING_INTERVAL_MS),
    };
    this.subscribers.add(subscriber);
    ws.on('close', () => {
      clearInterval(subscriber.ping);
      this.subscribers.delete(subscriber);
    });
    ws.on('error', () => ws.terminate());
    // Clients only listen; anything they send is ignored.
    void this.pump(subscriber);
  }

  /** Sends every committed block from `next` on, pausing while the client is slow. */
  private async pump(s: Subscriber): Promise<void> {
    if (s.pumping) return;
    s.pumping = true;
    try {
      while (s.ws.readyState === WebSocket.OPEN) {
        const head = this.node.store.head()?.height ?? -1n;
        if (s.next > head) break;
        if (s.ws.bufferedAmount > HIGH_WATER_BYTES) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        const message = this.blockMessage(s.next, s.filter);
        // A text frame: the message is JSON, written as UTF-8 bytes.
        await new Promise<void>((resolve) =>
          s.ws.send(message, { binary: false }, () => resolve()),
        );
        s.next += 1n;
      }
    } finally {
      s.pumping = false;
    }
  }

  private blockMessage(height: bigint, filter: Filter): Buffer {
    const stored = this.node.store.blockAt(height)!;
    // Block 0 is not stored as a proposal: its time is the genesis file's.
    const timestampMs = String(
      stored.block.length > 0
        ? decodeProposal(stored.block).header.timestampMs
        : this.node.genesis.timestampMs,
    );
    // Written from the stored receipts' bytes (receipt-json.ts): the spec's message, each
    // event's data in JSON and as the exact CBOR the contract emitted.
    const out = this.json
      .reset()
      .ascii(`{"kind":"block","height":"${height}","hash":"${toHex(stored.hash)}",`)
      .ascii(`"timestampMs":"${timestampMs}","events":[`);
    const wanted = (contract: string, type: string) => matches(filter, contract, type);
    let first = true;
    this.node.store.receiptsAt(height).forEach((bytes, txIndex) => {
      if (writeStreamEvents(out, bytes, txIndex, wanted, first)) first = false;
    });
    return out.ascii(']}').bytes();
  }
}

function parseQuery(url: URL): { filter: Filter; from: bigint | undefined } {
  for (const name of url.searchParams.keys()) {
    if (!['fromHeight', 'contract', 'type'].includes(name)) {
      throw new StreamQueryError(`${name}: allowed are fromHeight, contract, type`);
    }
    if (url.searchParams.getAll(name).length > 1) {
      throw new StreamQueryError(`${name}: given more than once (use a comma-separated list)`);
    }
  }
  const rawFrom = url.searchParams.get('fromHeight');
  if (rawFrom !== null && !/^\d{1,19}$/.test(rawFrom)) {
    throw new StreamQueryError('fromHeight: a decimal height');
  }
  const list = (name: string, pattern: RegExp): string[] | undefined => {
    const raw = url.searchParams.get(name);
    if (raw === null) return undefined;
    const items = raw.split(',');
    if (items.length > MAX_FILTER_ENTRIES) {
      throw new StreamQueryError(`${name}: at most ${MAX_FILTER_ENTRIES} entries`);
    }
    for (const item of items) {
      if (!pattern.test(item)) throw new StreamQueryError(`${name}: "${item}" is not valid`);
    }
    return items;
  };
  const contracts = list('contract', NAME);
  return {
    from: rawFrom === null ? undefined : BigInt(rawFrom),
    filter: {
      contracts: contracts === undefined ? undefined : new Set(contracts),
      types: list('type', TYPE_PATTERN),
    },
  };
}

function matches(filter: Filter, contract: string, type: string): boolean {
  if (filter.contracts && !filter.contracts.has(contract)) return false;
  if (filter.types === undefined) return true;
  return filter.types.some((t) => (t.endsWith('*') ? type.startsWith(t.slice(0, -1)) : t === type));
}
