/**
 * A TCP proxy for every ordered pair of validators: node A dials node B at port P(A, B) (its
 * config's `dialAddresses`), which forwards to B's real listening port. Each pair's links pass
 * through its own port, so the proxy can cut exactly the links between two sets of nodes —
 * a network partition — without touching the processes: `cut(a, b)` destroys the live
 * connections both ways and refuses new ones until `heal`.
 */
import { type Server, type Socket, createConnection, createServer } from 'node:net';

interface Pair {
  readonly from: string;
  readonly to: string;
  readonly server: Server;
  readonly sockets: Set<Socket>;
}

export class FaultProxy {
  private readonly pairs = new Map<string, Pair>();
  private readonly blocked = new Set<string>();

  private constructor() {}

  /**
   * Listens on `basePort + i·n + j` for the link from node i to node j (i ≠ j).
   * `targets` are the real listening ports by node name.
   */
  static async start(targets: ReadonlyMap<string, number>, basePort: number): Promise<FaultProxy> {
    const proxy = new FaultProxy();
    const names = [...targets.keys()];
    for (const [i, from] of names.entries()) {
      for (const [j, to] of names.entries()) {
        if (i === j) continue;
        await proxy.listen(from, to, basePort + i * names.length + j, targets.get(to)!);
      }
    }
    return proxy;
  }

  /** Where `from` dials `to`. */
  port(from: string, to: string): number {
    const address = this.pairs.get(key(from, to))!.server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  /** Cuts every link between a node of `side` and a node of `other`, both directions. */
  cut(side: readonly string[], other: readonly string[]): void {
    for (const a of side) {
      for (const b of other) {
        for (const k of [key(a, b), key(b, a)]) {
          this.blocked.add(k);
          const pair = this.pairs.get(k);
          for (const socket of pair?.sockets ?? []) socket.destroy();
        }
      }
    }
  }

  heal(): void {
    this.blocked.clear();
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.pairs.values()].map(
        (pair) =>
          new Promise<void>((resolve) => {
            for (const socket of pair.sockets) socket.destroy();
            pair.server.close(() => resolve());
          }),
      ),
    );
  }

  private listen(from: string, to: string, port: number, target: number): Promise<void> {
    const k = key(from, to);
    const sockets = new Set<Socket>();
    const server = createServer((inbound) => {
      if (this.blocked.has(k)) {
        inbound.destroy();
        return;
      }
      const outbound = createConnection({ host: '127.0.0.1', port: target });
      for (const socket of [inbound, outbound]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      inbound.on('close', () => outbound.destroy());
      outbound.on('close', () => inbound.destroy());
      inbound.pipe(outbound);
      outbound.pipe(inbound);
    });
    this.pairs.set(k, { from, to, server, sockets });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  }
}

function key(from: string, to: string): string {
  return `${from}→${to}`;
}
