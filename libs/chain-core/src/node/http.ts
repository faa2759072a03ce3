/**
 * The node's operator and submission endpoints over HTTP (docs/spec/node.md §6): status,
 * Prometheus metrics, submitting a signed transaction, and a transaction's status. The full
 * client API (proofs, blocks, event streams, OpenAPI) builds on this in the API issue.
 * Errors are RFC 9457 problem+json with a typed `code`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fromHex, toHex } from '../codec';
import { AdmissionError } from '../mempool';
import { Receipt, limits } from '../types';
import type { ChainNode } from './chain-node';
import { decodeProposal, decodeResult } from './records';

const MAX_BODY = limits.MAX_TRANSACTION_BYTES + 1024;

export interface NodeHttpServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

export async function startNodeHttp(
  node: ChainNode,
  listen: { host: string; port: number },
): Promise<NodeHttpServer> {
  const server = createServer((req, res) => {
    handle(node, req, res).catch((error: unknown) => {
      problem(res, 500, 'internal', 'Internal error', String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  return {
    server,
    port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function handle(node: ChainNode, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://node');
  const path = url.pathname;
  if (req.method === 'GET' && path === '/metrics') {
    res.writeHead(200, { 'content-type': node.metrics.registry.contentType });
    res.end(await node.metrics.registry.metrics());
    return;
  }
  if (req.method === 'GET' && (path === '/v1/status' || path === '/health')) {
    json(res, 200, node.status());
    return;
  }
  if (req.method === 'POST' && path === '/v1/transactions') {
    const body = await readBody(req, res);
    if (body === undefined) return;
    try {
      const { id } = await node.submit(body);
      const wait = url.searchParams.get('wait');
      if (wait === 'commit') {
        const timeoutMs = Math.min(Number(url.searchParams.get('timeoutMs') ?? 30_000), 120_000);
        const done = await Promise.race([
          node.waitForCommit(id),
          new Promise<undefined>((r) => setTimeout(() => r(undefined), timeoutMs)),
        ]);
        if (done === undefined) {
          problem(
            res,
            504,
            'commit-timeout',
            'Not committed in time',
            `transaction ${toHex(id)} is pending`,
          );
          return;
        }
        json(res, 200, transactionStatus(node, id));
        return;
      }
      json(res, 202, { id: toHex(id), status: 'pending' });
    } catch (error) {
      if (error instanceof AdmissionError) {
        const status = error.code === 'busy' ? 503 : error.code === 'replayed' ? 409 : 400;
        if (error.code === 'busy') res.setHeader('retry-after', '1');
        problem(res, status, error.code, 'Transaction refused', error.message);
        return;
      }
      throw error;
    }
    return;
  }
  const block = /^\/v1\/blocks\/(\d{1,19})$/.exec(path);
  if (req.method === 'GET' && block) {
    const found = blockSummary(node, BigInt(block[1]!));
    if (found === undefined)
      problem(res, 404, 'unknown-block', 'No such block', `no committed block ${block[1]}`);
    else json(res, 200, found);
    return;
  }
  const tx = /^\/v1\/transactions\/([0-9a-f]{64})$/.exec(path);
  if (req.method === 'GET' && tx) {
    json(res, 200, transactionStatus(node, fromHex(tx[1]!)));
    return;
  }
  if (req.method === 'GET' && /^\/v1\/transactions\/[^/]*$/.test(path)) {
    problem(
      res,
      400,
      'invalid-id',
      'Invalid transaction id',
      'a transaction id is 64 lower-case hex digits',
    );
    return;
  }
  problem(res, 404, 'not-found', 'Not found', `${req.method} ${path}`);
}

/** A committed block's header, hash and the state root its execution gave. */
function blockSummary(node: ChainNode, height: bigint): Record<string, unknown> | undefined {
  const stored = node.store.blockAt(height);
  if (stored === undefined) return undefined;
  const result = decodeResult(stored.result);
  return {
    height: String(height),
    hash: toHex(stored.hash),
    header: stored.block.length === 0 ? null : toJson(decodeProposal(stored.block).header),
    result: toJson(result),
    receipts: node.store.receiptsAt(height).length,
  };
}

function transactionStatus(node: ChainNode, id: Uint8Array): Record<string, unknown> {
  const at = node.store.txLocation(id);
  if (at === undefined) return { id: toHex(id), status: 'unknown' };
  const receipt = Receipt.decode(node.store.receiptOf(id)!);
  return {
    id: toHex(id),
    status: 'committed',
    height: String(at.height),
    index: at.index,
    receipt: toJson(receipt),
  };
}

/** CBOR values as JSON: bigint → decimal string, bytes → hex. */
export function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return toHex(value);
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Map)
    return Object.fromEntries([...value].map(([k, v]) => [String(k), toJson(v)]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}

async function readBody(
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) {
      problem(res, 413, 'oversized', 'Transaction too large', `at most ${MAX_BODY} bytes`);
      req.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function problem(
  res: ServerResponse,
  status: number,
  code: string,
  title: string,
  detail: string,
): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(
    JSON.stringify({ type: `https://trellis.dev/problems/${code}`, title, status, detail, code }),
  );
}
