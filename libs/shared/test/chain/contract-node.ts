/**
 * A small real HTTP server that plays the node API contract for the client's tests: each test
 * scripts the answers, the server records every request (method, URL and body bytes).
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly body: Buffer;
  readonly contentType: string | undefined;
}

/** Answers one request; `reset` drops the connection without an answer. */
export type Handler = (request: RecordedRequest, response: ServerResponse) => void | 'reset';

export class ContractNode {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    /** Every request received, in order. */
    readonly requests: RecordedRequest[],
  ) {}

  static async start(handler: Handler): Promise<ContractNode> {
    const requests: RecordedRequest[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: RecordedRequest = {
          method: req.method ?? '',
          url: req.url ?? '',
          body: Buffer.concat(chunks),
          contentType: req.headers['content-type'],
        };
        requests.push(request);
        if (handler(request, res) === 'reset') req.socket.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    return new ContractNode(server, `http://127.0.0.1:${port}`, requests);
  }

  /** The URL of a port nothing listens on (a dead node). */
  static async deadUrl(): Promise<string> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return `http://127.0.0.1:${port}`;
  }

  posts(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST');
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export function problem(
  response: ServerResponse,
  status: number,
  code: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
  response.end(
    JSON.stringify({
      type: `https://trellis.dev/problems/${code}`,
      title: code,
      status,
      detail: `the test node says ${code}`,
      code,
    }),
  );
}

/** A committed status as the contract gives it. */
export function committed(id: string, height = 17n, index = 0): Record<string, unknown> {
  return {
    id,
    status: 'committed',
    height: height.toString(),
    index,
    receipt: {
      txId: id,
      status: 'ok',
      error: null,
      events: [{ contract: 'invoice', type: 'invoice.issued', data: { amount: '1250' } }],
      steps: '311',
    },
  };
}
