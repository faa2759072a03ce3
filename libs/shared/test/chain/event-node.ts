/**
 * A real WebSocket server playing the node's event-stream contract (`GET /v1/events`) over a
 * scripted chain, with faults on demand: a dropped connection, a repeated block, a skipped one.
 * It sends each block only after the previous one was written to the socket, so a client that
 * pauses its socket slows it down as TCP would slow a real node.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ChainBlock,
  type EventFilter,
  blockMessage,
  matchesEventFilter,
} from '@trellis/shared/chain';
import { type WebSocket, WebSocketServer } from 'ws';

/** What to do instead of sending the block at `height` on connection number `connection`. */
export type Fault = 'drop' | 'duplicate' | 'gap' | undefined;
export type FaultPlan = (connection: number, height: bigint) => Fault;

export interface Subscription {
  readonly fromHeight: bigint | undefined;
  readonly contract: string | null;
  readonly type: string | null;
}

export class EventNode {
  /** The query of every connection, in order. */
  readonly subscriptions: Subscription[] = [];
  private readonly sockets = new Set<WebSocket>();
  private readonly wake = new Set<() => void>();
  private connections = 0;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    readonly url: string,
    private readonly blocks: ChainBlock[],
    private readonly faults: FaultPlan,
    /** Connections share this counter when several nodes play one script. */
    private readonly counter: { value: number },
  ) {}

  static async start(
    blocks: ChainBlock[],
    options: { faults?: FaultPlan; silent?: boolean; counter?: { value: number } } = {},
  ): Promise<EventNode> {
    const server = createServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    const wss = new WebSocketServer({ server, path: '/v1/events' });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const node = new EventNode(
      server,
      wss,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      blocks,
      options.faults ?? (() => undefined),
      options.counter ?? { value: 0 },
    );
    wss.on('connection', (socket, request) => {
      node.connections += 1;
      node.sockets.add(socket);
      socket.on('close', () => node.sockets.delete(socket));
      socket.on('error', () => undefined);
      if (options.silent) return;
      void node.serve(socket, new URL(request.url ?? '/', 'http://x'));
    });
    return node;
  }

  /** Appends blocks and wakes the connections waiting at the tip. */
  append(...blocks: ChainBlock[]): void {
    this.blocks.push(...blocks);
    for (const wake of [...this.wake]) wake();
  }

  /** Drops every open connection (as a node restart would). */
  dropAll(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  get connectionCount(): number {
    return this.connections;
  }

  async close(): Promise<void> {
    this.dropAll();
    for (const wake of [...this.wake]) wake();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(socket: WebSocket, url: URL): Promise<void> {
    const connection = this.counter.value++;
    const from = url.searchParams.get('fromHeight');
    const contract = url.searchParams.get('contract');
    const type = url.searchParams.get('type');
    this.subscriptions.push({
      fromHeight: from === null ? undefined : BigInt(from),
      contract,
      type,
    });
    const filter: EventFilter = {
      ...(contract !== null ? { contracts: contract.split(',') } : {}),
      ...(type !== null ? { types: type.split(',') } : {}),
    };
    const bad =
      (from !== null && !/^(0|[1-9]\d{0,19})$/.test(from)) ||
      [...(filter.types ?? [])].some((t) => !/^[a-z][a-z0-9.-]*\*?$/.test(t));
    if (bad) {
      socket.send(JSON.stringify({ kind: 'error', code: 'bad-query', detail: url.search }));
      socket.close(1008, 'bad query');
      return;
    }
    let height = from === null ? BigInt(this.blocks.length) : BigInt(from);
    while (socket.readyState === socket.OPEN) {
      const block = this.blocks[Number(height)];
      if (block === undefined) {
        await new Promise<void>((resolve) => {
          const done = () => {
            this.wake.delete(done);
            socket.off('close', done);
            resolve();
          };
          this.wake.add(done);
          socket.once('close', done);
        });
        continue;
      }
      const fault = this.faults(connection, height);
      if (fault === 'drop') {
        socket.terminate();
        return;
      }
      if (fault === 'gap') {
        height += 1n;
        continue;
      }
      const sent = fault === 'duplicate' ? this.blocks[Number(height) - 1]! : block;
      const events = sent.events.filter((e) => matchesEventFilter(filter, e));
      const ok = await new Promise<boolean>((resolve) =>
        socket.send(blockMessage({ ...sent, events }), (error) => resolve(!error)),
      );
      if (!ok) return;
      if (fault !== 'duplicate') height += 1n;
    }
  }
}
