/**
 * The node's client API over HTTP and WebSocket (docs/spec/node.md §6, described by the
 * OpenAPI document at `/v1/openapi.json`): submitting transactions (optionally waiting for the
 * commit), their status and receipt, blocks with their certificate, inclusion and state
 * proofs anyone can verify from genesis, the validator sets with their epoch-change proofs,
 * the event stream, health, readiness and Prometheus metrics.
 *
 * Every input is checked before anything happens; every error is RFC 9457 problem+json with
 * a typed `code` (the list is in the OpenAPI document).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { NAME } from '../types/limits';
import { encodeValue, fromHex, toHex } from '../codec';
import { blockHash } from '../consensus';
import { AdmissionError } from '../mempool';
import {
  MAX_PRIVATE_SUBMISSION_BYTES,
  PRIVATE_READ_HEADERS,
  PrivateDataError,
  type PrivateSubmission,
  decodePrivateSubmission,
} from '../private';
import { EpochChangeSchema, type ProofBundle, encodeProofBundle } from '../proofs';
import { Receipt, limits } from '../types';
import type { ChainNode } from './chain-node';
import { EventStreams } from './events';
import { toJson } from './json';
import { JsonBytes, writeReceiptJson } from './receipt-json';
import { OPENAPI_DOCUMENT } from './openapi';
import { ProofBuilder, ProofUnavailableError } from './proofs';
import { decodeResult } from './records';

export { toJson };

/** Largest request body: one transaction and some slack. */
export const MAX_BODY_BYTES = limits.MAX_TRANSACTION_BYTES + 1024;
/** Longest `wait=commit` a client may ask for. */
export const MAX_WAIT_MS = 120_000;
const MAX_STATE_KEY_BYTES = 1024;

export interface NodeHttpServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/** A refusal with its HTTP status and problem code. */
class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export async function startNodeHttp(
  node: ChainNode,
  listen: { host: string; port: number },
): Promise<NodeHttpServer> {
  const proofs = new ProofBuilder(
    { chainId: node.status()['chainId'] as string, hash: node.hash },
    node.store,
  );
  const api = new NodeApi(node, proofs);
  const server = createServer((req, res) => {
    api.handle(req, res).catch((error: unknown) => {
      if (error instanceof Problem) sendProblem(res, error);
      else sendProblem(res, new Problem(500, 'internal', 'Internal error', String(error)));
    });
  });
  const streams = new EventStreams(node, server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  return {
    server,
    port,
    close: async () => {
      streams.close();
      // Waits end now with 503 `stopping` (their timers would keep the process alive for
      // minutes); answers in flight get up to a second, then every connection is cut.
      api.close();
      const closed = new Promise((resolve) => server.close(() => resolve(undefined)));
      server.closeIdleConnections();
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((r) => (grace = setTimeout(r, 1000)))]);
      clearTimeout(grace);
      server.closeAllConnections();
      await closed;
    },
  };
}

class NodeApi {
  /** Resolved when the server closes: ends every `wait=commit` still waiting. */
  private readonly closed: Promise<'closed'>;
  close!: () => void;
  /** Where committed statuses are written, one at a time. */
  private readonly statusJson = new JsonBytes();

  constructor(
    private readonly node: ChainNode,
    private readonly proofs: ProofBuilder,
  ) {
    this.closed = new Promise((resolve) => (this.close = () => resolve('closed')));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://node');
    const path = url.pathname;
    const route = ROUTES.find((r) => r.pattern.test(path));
    if (route === undefined) throw new Problem(404, 'not-found', 'Not found', `no route ${path}`);
    if (route.method !== req.method) {
      throw new Problem(
        405,
        'method-not-allowed',
        'Method not allowed',
        `${path} takes ${route.method}`,
        {
          allow: route.method,
        },
      );
    }
    checkQuery(url, route.query);
    const match = route.pattern.exec(path)!;
    await route.run(this, req, res, url, match.slice(1));
  }

  metrics = async (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': this.node.metrics.registry.contentType });
    res.end(await this.node.metrics.registry.metrics());
  };

  health = (_req: IncomingMessage, res: ServerResponse) => {
    json(res, 200, { status: 'ok' });
  };

  ready = (_req: IncomingMessage, res: ServerResponse) => {
    const { ready, reason } = this.node.readiness();
    if (!ready) throw new Problem(503, 'not-ready', 'Not ready', reason, { 'retry-after': '1' });
    json(res, 200, { status: 'ready' });
  };

  status = (_req: IncomingMessage, res: ServerResponse) => {
    json(res, 200, this.node.status());
  };

  openapi = (_req: IncomingMessage, res: ServerResponse) => {
    json(res, 200, OPENAPI_DOCUMENT);
  };

  submit = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const wait = waitParams(url);
    const body = await readCborBody(req, MAX_BODY_BYTES, 'the encoded transaction');
    if (body.length === 0) throw new Problem(400, 'malformed', 'Transaction refused', 'empty body');
    let id: Uint8Array;
    try {
      ({ id } = await this.node.submit(body));
    } catch (error) {
      if (error instanceof AdmissionError) throw admissionProblem(error);
      throw error;
    }
    await this.answerSubmitted(res, id, wait);
  };

  submitPrivate = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const wait = waitParams(url);
    const body = await readCborBody(
      req,
      MAX_PRIVATE_SUBMISSION_BYTES,
      'a private submission [transaction, payload]',
    );
    let id: Uint8Array;
    try {
      let submission: PrivateSubmission;
      try {
        submission = decodePrivateSubmission(body);
      } catch (error) {
        if (error instanceof PrivateDataError) {
          throw new Problem(400, 'malformed', 'Private submission refused', error.message);
        }
        throw error;
      }
      ({ id } = await this.node.submitPrivate(submission));
    } catch (error) {
      if (error instanceof AdmissionError) throw admissionProblem(error);
      if (error instanceof PrivateDataError) throw privateProblem(error);
      throw error;
    }
    await this.answerSubmitted(res, id, wait);
  };

  readPrivate = async (req: IncomingMessage, res: ServerResponse, _url: URL, [hex]: string[]) => {
    const id = txIdParam(hex!);
    let found;
    try {
      found = await this.node.readPrivate(id, req.headers);
    } catch (error) {
      if (error instanceof PrivateDataError) throw privateProblem(error);
      throw error;
    }
    const { record, reader } = found;
    json(res, 200, {
      txId: hex,
      payloadHash: toHex(record.payloadHash),
      recipients: record.recipients,
      receivedAtMs: String(record.receivedAtMs),
      reader: { org: reader.org, name: reader.name },
      payload: Buffer.from(record.plaintext).toString('base64'),
    });
  };

  /** 202 pending, or (waiting) 200 with the committed status, or 504 commit-timeout. */
  private async answerSubmitted(
    res: ServerResponse,
    id: Uint8Array,
    wait: { commit: boolean; timeoutMs: number },
  ): Promise<void> {
    if (!wait.commit) {
      json(res, 202, { id: toHex(id), status: 'pending' });
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      this.node.waitForCommit(id),
      new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), wait.timeoutMs))),
      this.closed,
    ]);
    clearTimeout(timer);
    if (done === 'closed') {
      throw new Problem(
        503,
        'stopping',
        'The node is stopping',
        `transaction ${toHex(id)} is pending: ask another node for it`,
        { 'retry-after': '1', connection: 'close' },
      );
    }
    if (done === undefined) {
      throw new Problem(
        504,
        'commit-timeout',
        'Not committed in time',
        `transaction ${toHex(id)} is pending: poll GET /v1/transactions/${toHex(id)}`,
      );
    }
    jsonText(res, 200, this.transactionStatus(id)!);
  }

  transaction = (_req: IncomingMessage, res: ServerResponse, _url: URL, [hex]: string[]) => {
    const id = txIdParam(hex!);
    const found = this.transactionStatus(id);
    if (found === undefined) throw unknownTransaction(hex!);
    jsonText(res, 200, found);
  };

  transactionProof = (req: IncomingMessage, res: ServerResponse, _url: URL, [hex]: string[]) => {
    const id = txIdParam(hex!);
    const bundle = this.prove(() => this.proofs.transaction(id));
    sendBundle(req, res, bundle, {
      kind: 'transaction',
      txId: hex,
      height: String(bundle.transaction!.chain.headers[0]!.height),
    });
  };

  block = (_req: IncomingMessage, res: ServerResponse, _url: URL, [ref]: string[]) => {
    const height = /^\d{1,19}$/.test(ref!)
      ? BigInt(ref!)
      : /^[0-9a-f]{64}$/.test(ref!)
        ? this.node.store.heightOf(fromHex(ref!))
        : undefined;
    if (height === undefined && !/^[0-9a-f]{64}$/.test(ref!)) {
      throw new Problem(
        400,
        'invalid-id',
        'Invalid block reference',
        'a block is named by its height (decimal) or its hash (64 lower-case hex digits)',
      );
    }
    const found = height === undefined ? undefined : this.blockView(height);
    if (found === undefined)
      throw new Problem(404, 'unknown-block', 'No such block', `no committed block ${ref}`);
    json(res, 200, found);
  };

  state = (req: IncomingMessage, res: ServerResponse, _url: URL, [contract, keyHex]: string[]) => {
    if (!NAME.test(contract!) || !this.node.contractNames.includes(contract!)) {
      throw new Problem(
        404,
        'unknown-contract',
        'No such contract',
        `this chain runs no contract "${contract}"`,
      );
    }
    if (!/^(?:[0-9a-f]{2})+$/.test(keyHex!) || keyHex!.length > 2 * MAX_STATE_KEY_BYTES) {
      throw new Problem(
        400,
        'invalid-key',
        'Invalid state key',
        `a key is 1 to ${MAX_STATE_KEY_BYTES} bytes in lower-case hex`,
      );
    }
    const bundle = this.prove(() => this.proofs.state(contract!, fromHex(keyHex!)));
    const proof = bundle.state!;
    const last = proof.chain.headers[proof.chain.headers.length - 1]!;
    sendBundle(req, res, bundle, {
      kind: 'state',
      contract,
      key: keyHex,
      value: proof.value === null ? null : toHex(proof.value),
      asOfHeight: String(last.height - 1n),
    });
  };

  epochs = (_req: IncomingMessage, res: ServerResponse) => {
    const current = BigInt(this.node.status()['epoch'] as string);
    const changes = this.prove(() => this.proofs.epochChanges(current));
    json(res, 200, {
      chainId: this.node.status()['chainId'],
      current: String(current),
      epochs: changes.map((c) => ({
        epoch: String(c.epoch),
        validators: c.validators.map(toHex),
        provenAtHeight: String(c.chain.headers[c.chain.headers.length - 1]!.height),
        change: toHex(EpochChangeSchema.encode(c)),
      })),
    });
  };

  private prove<T>(build: () => T): T {
    try {
      return build();
    } catch (error) {
      if (!(error instanceof ProofUnavailableError)) throw error;
      if (error.code === 'unknown-transaction') throw unknownTransaction(error.message);
      throw new Problem(503, error.code, 'Proof not available yet', error.message, {
        'retry-after': '1',
      });
    }
  }

  /** The status as JSON: a committed one's receipt written from its stored bytes. */
  private transactionStatus(id: Uint8Array): string | Buffer | undefined {
    const at = this.node.store.txLocation(id);
    if (at === undefined) {
      return this.node.isPending(id)
        ? JSON.stringify({ id: toHex(id), status: 'pending' })
        : undefined;
    }
    const out = this.statusJson
      .reset()
      .ascii(`{"id":"${toHex(id)}","status":"committed","height":"${at.height}",`)
      .ascii(`"index":${at.index},"receipt":`);
    writeReceiptJson(out, this.node.store.receiptOf(id)!);
    return out.ascii('}').bytes();
  }

  private blockView(height: bigint): Record<string, unknown> | undefined {
    const stored = this.node.store.blockAt(height);
    if (stored === undefined) return undefined;
    const header = this.proofs.header(height)!;
    const qc = this.proofs.certificateOf(height, stored.hash);
    const receipts = this.node.store.receiptsAt(height);
    let commitChain: unknown = null;
    try {
      const chain = this.proofs.headerChain(height);
      commitChain = {
        headers: chain.headers.map((h) => toHex(blockHash(this.node.hash, h))),
        qc: toJson(chain.qc),
      };
    } catch (error) {
      if (!(error instanceof ProofUnavailableError)) throw error;
    }
    return {
      height: String(height),
      hash: toHex(stored.hash),
      header: toJson(header),
      qc: qc === undefined ? null : toJson(qc),
      result: toJson(decodeResult(stored.result)),
      receipts: receipts.length,
      // The transactions this block committed (receipted), in order; a repeat of a committed
      // one that a batch carried again is skipped by execution and not listed.
      transactions: receipts.map((bytes) => toHex(Receipt.decode(bytes).txId)),
      commitChain,
    };
  }
}

interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly query: readonly string[];
  readonly run: (
    api: NodeApi,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    params: string[],
  ) => void | Promise<void>;
}

const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: /^\/metrics$/, query: [], run: (a, q, s) => a.metrics(q, s) },
  { method: 'GET', pattern: /^\/(?:v1\/)?health$/, query: [], run: (a, q, s) => a.health(q, s) },
  { method: 'GET', pattern: /^\/v1\/ready$/, query: [], run: (a, q, s) => a.ready(q, s) },
  { method: 'GET', pattern: /^\/v1\/status$/, query: [], run: (a, q, s) => a.status(q, s) },
  { method: 'GET', pattern: /^\/v1\/openapi\.json$/, query: [], run: (a, q, s) => a.openapi(q, s) },
  {
    method: 'POST',
    pattern: /^\/v1\/transactions$/,
    query: ['wait', 'timeoutMs'],
    run: (a, q, s, u) => a.submit(q, s, u),
  },
  {
    method: 'POST',
    pattern: /^\/v1\/private\/transactions$/,
    query: ['wait', 'timeoutMs'],
    run: (a, q, s, u) => a.submitPrivate(q, s, u),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/private\/([^/]+)$/,
    query: [],
    run: (a, q, s, u, p) => a.readPrivate(q, s, u, p),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/transactions\/([^/]+)\/proof$/,
    query: [],
    run: (a, q, s, u, p) => a.transactionProof(q, s, u, p),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/transactions\/([^/]+)$/,
    query: [],
    run: (a, q, s, u, p) => a.transaction(q, s, u, p),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/blocks\/([^/]+)$/,
    query: [],
    run: (a, q, s, u, p) => a.block(q, s, u, p),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/state\/([^/]+)\/([^/]+)$/,
    query: [],
    run: (a, q, s, u, p) => a.state(q, s, u, p),
  },
  { method: 'GET', pattern: /^\/v1\/epochs$/, query: [], run: (a, q, s) => a.epochs(q, s) },
  {
    method: 'GET',
    pattern: /^\/v1\/events$/,
    query: ['fromHeight', 'contract', 'type'],
    run: () => {
      throw new Problem(426, 'upgrade-required', 'Upgrade required', '/v1/events is a WebSocket', {
        upgrade: 'websocket',
      });
    },
  },
];

function checkQuery(url: URL, allowed: readonly string[]): void {
  for (const name of url.searchParams.keys()) {
    if (!allowed.includes(name)) {
      throw invalidQuery(
        name,
        allowed.length ? `allowed: ${allowed.join(', ')}` : 'this route takes no query',
      );
    }
    if (url.searchParams.getAll(name).length > 1) throw invalidQuery(name, 'given more than once');
  }
}

function invalidQuery(name: string, why: string): Problem {
  return new Problem(400, 'invalid-query', 'Invalid query parameter', `${name}: ${why}`);
}

function integerParam(url: URL, name: string, min: number, max: number): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw invalidQuery(name, `an integer from ${min} to ${max}`);
  }
  return Number(raw);
}

function txIdParam(hex: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new Problem(
      400,
      'invalid-id',
      'Invalid transaction id',
      'a transaction id is 64 lower-case hex digits',
    );
  }
  return fromHex(hex);
}

function unknownTransaction(detail: string): Problem {
  return new Problem(
    404,
    'unknown-transaction',
    'No such transaction',
    `not pending or committed here: ${detail}`,
  );
}

/** HTTP status of each admission refusal (docs/spec/node.md §6). */
function admissionProblem(error: AdmissionError): Problem {
  switch (error.code) {
    case 'busy':
      return new Problem(503, 'busy', 'Busy, retry later', error.message, { 'retry-after': '1' });
    case 'replayed':
      return new Problem(409, 'replayed', 'Transaction refused', error.message);
    case 'oversized':
      return new Problem(413, 'oversized', 'Transaction too large', error.message);
    case 'not-a-validator':
      return new Problem(421, 'not-a-validator', 'Transaction refused', error.message);
    case 'forbidden':
      return new Problem(403, 'forbidden', 'Transaction refused', error.message);
    default:
      return new Problem(400, error.code, 'Transaction refused', error.message);
  }
}

/** `wait=commit` and `timeoutMs` of the submit routes. */
function waitParams(url: URL): { commit: boolean; timeoutMs: number } {
  const wait = url.searchParams.get('wait');
  if (wait !== null && wait !== 'commit') {
    throw invalidQuery('wait', 'the only value is "commit"');
  }
  const timeoutMs = integerParam(url, 'timeoutMs', 1, MAX_WAIT_MS) ?? 30_000;
  return { commit: wait === 'commit', timeoutMs };
}

/** A CBOR body of at most `max` bytes (415 for another content type, 413 above). */
async function readCborBody(req: IncomingMessage, max: number, what: string): Promise<Uint8Array> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/cbor' && type !== 'application/octet-stream') {
    throw new Problem(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      `the body is ${what}: content-type application/cbor`,
    );
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) throw oversized(max);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw oversized(max);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** PrivateDataError → its documented problem (docs/spec/private-data.md §7). */
function privateProblem(error: PrivateDataError): Problem {
  const refused = 'Private data refused';
  switch (error.code) {
    case 'unauthenticated':
      return new Problem(401, 'unauthenticated', 'Not authenticated', error.message, {
        'www-authenticate': `Trellis-Signature headers="${Object.values(PRIVATE_READ_HEADERS).join(' ')}"`,
      });
    case 'not-a-member':
      return new Problem(403, 'not-a-member', 'Not a member', error.message);
    case 'forbidden':
      return new Problem(403, 'not-authorised', 'Not authorised', error.message);
    case 'not-found':
      return new Problem(404, 'unknown-private-data', 'No such private data here', error.message);
    case 'too-large':
      return new Problem(413, 'oversized', refused, error.message);
    case 'delivery-failed':
      return new Problem(503, 'delivery-failed', 'Not delivered', error.message, {
        'retry-after': '2',
      });
    case 'not-private':
    case 'recipients-refused':
    case 'malformed':
      return new Problem(400, error.code, refused, error.message);
    case 'hash-mismatch':
      return new Problem(400, 'payload-hash-mismatch', refused, error.message);
    default:
      return new Problem(500, 'internal', 'Internal error', error.message);
  }
}

function oversized(max: number = MAX_BODY_BYTES): Problem {
  return new Problem(413, 'oversized', 'Body too large', `a body here is at most ${max} bytes`, {
    connection: 'close',
  });
}

/** A bundle as raw CBOR (`accept: application/cbor`) or JSON with its hex and a summary. */
function sendBundle(
  req: IncomingMessage,
  res: ServerResponse,
  bundle: ProofBundle,
  summary: Record<string, unknown>,
): void {
  const bytes = encodeProofBundle(bundle);
  if ((req.headers.accept ?? '').includes('application/cbor')) {
    res.writeHead(200, { 'content-type': 'application/cbor', 'content-length': bytes.length });
    res.end(bytes);
    return;
  }
  json(res, 200, {
    format: bundle.format,
    chainId: bundle.chainId,
    ...summary,
    bundle: toHex(bytes),
  });
}

/**
 * A decoded receipt as JSON, its events' data also as exact CBOR hex. What a node answers is
 * written from the stored bytes by receipt-json.ts, which the tests check against this.
 */
export function receiptJson(receipt: Receipt): Record<string, unknown> {
  return {
    txId: toHex(receipt.txId),
    status: receipt.status,
    error: receipt.error,
    steps: String(receipt.steps),
    events: receipt.events.map((e) => ({
      contract: e.contract,
      type: e.type,
      data: toJson(e.data),
      dataCbor: toHex(encodeValue(e.data)),
    })),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  jsonText(res, status, JSON.stringify(body));
}

function jsonText(res: ServerResponse, status: number, text: string | Buffer): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
}

function sendProblem(res: ServerResponse, p: Problem): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(p.status, { 'content-type': 'application/problem+json', ...p.headers });
  res.end(
    JSON.stringify({
      type: `https://trellis.dev/problems/${p.code}`,
      title: p.title,
      status: p.status,
      detail: p.detail,
      code: p.code,
    }),
  );
}
