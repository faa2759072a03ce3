/**
 * The HTTP client of the node API (`/v1/transactions`, `/v1/status`), over several nodes.
 *
 * Idempotence is what makes retrying safe: a retry sends the SAME signed bytes, so it is the
 * same transaction (same id) and the chain commits it at most once. The client never signs.
 * Network errors, timeouts, 5xx answers (503 `busy` after its `retry-after`) are retried with
 * jittered exponential backoff, each retry on the next node. A `409 replayed` to a retry means
 * an earlier attempt got in: it is a success, and the client waits for the commit by polling the
 * status. A `504 commit-timeout` means the transaction is pooled but not yet committed: the
 * client keeps polling. Other 4xx problems are final: {@link ChainRequestError}, no retry.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Backoff,
  type BackoffOptions,
  HASH_IDS,
  type HashId,
  MAX_PRIVATE_PAYLOAD_BYTES,
  PrivateSubmissionSchema,
  fromHex,
  Transaction,
  hash,
  limits,
  toHex,
} from '@trellis/chain-core';
import { ChainError, ChainRequestError, invalidArgument, messageOf, protocolError } from './errors';
import { checkBackoff, checkInteger, checkNodes } from './options';
import {
  type ChainStatus,
  type CommittedTransaction,
  ResponseProblem,
  type SubmitResult,
  type TransactionStatus,
  type PrivatePayload,
  parseChainStatus,
  parseJson,
  parsePrivatePayload,
  parseProblem,
  parseTransactionStatus,
} from './responses';
import { TransactionSigner } from './signer';
import type { SignedTransaction } from './transactions';

export interface ChainClientOptions {
  /** Base URLs of the nodes, tried in order, the next one after each failure. */
  readonly nodes: readonly string[];
  /** Timeout of one HTTP request, ms (default 10 000; a commit wait adds its own wait). */
  readonly timeoutMs?: number;
  /** Retries after the first attempt of one call (default 4). */
  readonly retries?: number;
  /** The fetch to use (default the global one). */
  readonly fetch?: typeof fetch;
  /** Delays between retries: equal-jitter exponential backoff (default 100 ms … 2 s). */
  readonly backoff?: BackoffOptions;
  /** How often `submit` polls a transaction's status while waiting, ms (default 250). */
  readonly pollIntervalMs?: number;
  /**
   * The chain's hash (its suite's: `sm3` for SM2 chains, else `sha256`, the default): the
   * client computes the id of the bytes it submits, to follow them after a lost answer.
   */
  readonly hash?: HashId;
}

export interface SubmitOptions {
  /** `commit`: resolve only once the transaction is committed (or fail). */
  readonly wait?: 'commit';
  /** With `wait`: how long to wait for the commit overall, ms (default 60 000). */
  readonly timeoutMs?: number;
}

/** One HTTP exchange with one node. */
interface Answer {
  readonly node: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/** What one attempt came to: a result, or a reason to try again (on the next node). */
type Outcome<T> = { readonly done: T } | { readonly retry: string; readonly retryAfterMs?: number };

/** How a submission was taken: answered in full, or accepted and still to be followed. */
type Accepted =
  | { readonly kind: 'committed'; readonly result: CommittedTransaction }
  | { readonly kind: 'pending' }
  | { readonly kind: 'replayed' };

const MAX_COMMIT_WAIT_MS = 120_000;
const MAX_RETRY_AFTER_MS = 60_000;
const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 100, maxMs: 2_000 };

export class ChainClient {
  readonly nodes: readonly string[];
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #fetch: typeof fetch;
  readonly #backoff: BackoffOptions;
  readonly #pollIntervalMs: number;
  readonly #hash: HashId;
  /** Index of the node to ask first: the last one that answered. */
  #preferred = 0;
  /** The chain's id, asked once (a private read signs over it). */
  #chainId: string | undefined;

  constructor(options: ChainClientOptions) {
    if (typeof options !== 'object' || options === null) {
      throw invalidArgument('options', 'expected { nodes, … }');
    }
    this.nodes = checkNodes(options.nodes, 'options.nodes');
    this.#timeoutMs = checkInteger(options.timeoutMs, 'options.timeoutMs', 1, 600_000, 10_000);
    this.#retries = checkInteger(options.retries, 'options.retries', 0, 100, 4);
    this.#pollIntervalMs = checkInteger(
      options.pollIntervalMs,
      'options.pollIntervalMs',
      1,
      60_000,
      250,
    );
    this.#backoff = checkBackoff(options.backoff, 'options.backoff', DEFAULT_BACKOFF);
    if (options.fetch !== undefined && typeof options.fetch !== 'function') {
      throw invalidArgument('options.fetch', 'expected a function');
    }
    this.#fetch = options.fetch ?? fetch;
    if (options.hash !== undefined && !HASH_IDS.includes(options.hash)) {
      throw invalidArgument('options.hash', `expected one of ${HASH_IDS.join(', ')}`);
    }
    this.#hash = options.hash ?? 'sha256';
  }

  /**
   * Submits signed transaction bytes (or what `signTransaction` / a signer returned). Resolves
   * `pending` once a node took it, or with `wait: 'commit'` the committed status and receipt
   * (a failed receipt is a committed transaction too: check `receipt.status`).
   * @throws ChainRequestError (a node refused it), ChainError `invalid-argument`, `unavailable`,
   *   `commit-timeout`, `expired` or `protocol`.
   */
  async submit(
    transaction: Uint8Array | SignedTransaction,
    options: SubmitOptions = {},
  ): Promise<SubmitResult> {
    const identified = this.#identify(transaction);
    return this.#submitTo('/v1/transactions', identified.bytes, identified, options);
  }

  /**
   * Submits a private transaction (its args carry `private: { payloadHash, recipients }`, see
   * `privateCommitment`) with its plaintext payload, through the nodes of the signer's own
   * organisation (give this client only those): the node delivers the payload encrypted to the
   * recipient organisations, then submits. Resolves like `submit`.
   * @throws as `submit`; ChainRequestError `recipients-refused`, `payload-hash-mismatch`,
   *   `not-private`, `not-authorised` (another organisation's node); `delivery-failed` is retried.
   */
  async submitPrivate(
    transaction: Uint8Array | SignedTransaction,
    payload: Uint8Array,
    options: SubmitOptions = {},
  ): Promise<SubmitResult> {
    const identified = this.#identify(transaction);
    if (!(payload instanceof Uint8Array) || payload.length > MAX_PRIVATE_PAYLOAD_BYTES) {
      throw invalidArgument('payload', `expected at most ${MAX_PRIVATE_PAYLOAD_BYTES} bytes`);
    }
    const body = PrivateSubmissionSchema.encode({ transaction: identified.bytes, payload });
    return this.#submitTo('/v1/private/transactions', body, identified, options);
  }

  /**
   * Reads a private payload, signed by `reader` (a member of the organisation of this client's
   * nodes, which must be a recipient).
   * @throws ChainRequestError `unauthenticated`, `not-a-member`, `not-authorised`,
   *   `unknown-private-data`; ChainError `unavailable` or `protocol`.
   */
  async readPrivate(txId: string | Uint8Array, reader: TransactionSigner): Promise<PrivatePayload> {
    const id = checkTxId(txId);
    if (!(reader instanceof TransactionSigner)) {
      throw invalidArgument('reader', 'expected a TransactionSigner');
    }
    const chainId = (this.#chainId ??= (await this.chainStatus()).chainId);
    return this.#attempts<PrivatePayload>(
      (node) =>
        this.#send(node, 'GET', `/v1/private/${id}`, undefined, this.#timeoutMs, {
          ...reader.signPrivateRead(chainId, fromHex(id)),
        }),
      (answer) => {
        if (answer.status !== 200) return interpretFailure(answer);
        const payload = parsePrivatePayload(parseJson(answer.body));
        if (payload.txId !== id)
          throw protocolError(answer.node, `asked for ${id}, got ${payload.txId}`);
        return { done: payload };
      },
    );
  }

  async #submitTo(
    path: string,
    body: Uint8Array,
    { id, expiryHeight }: { id: string; expiryHeight: bigint },
    options: SubmitOptions,
  ): Promise<SubmitResult> {
    if (options.wait !== undefined && options.wait !== 'commit') {
      throw invalidArgument('options.wait', 'expected "commit" or nothing');
    }
    const waitMs = checkInteger(options.timeoutMs, 'options.timeoutMs', 1, 3_600_000, 60_000);
    const wait = options.wait === 'commit';
    const deadline = wait ? Date.now() + waitMs : undefined;
    const accepted = await this.#attempts<Accepted>(
      (node) => {
        if (!wait) return this.#send(node, 'POST', path, body, this.#timeoutMs);
        const serverWaitMs = Math.max(1, Math.min(MAX_COMMIT_WAIT_MS, deadline! - Date.now()));
        return this.#send(
          node,
          'POST',
          `${path}?wait=commit&timeoutMs=${serverWaitMs}`,
          body,
          serverWaitMs + this.#timeoutMs,
        );
      },
      (answer, attempt) => interpretSubmission(answer, attempt, id, this.#hash),
      deadline,
    );
    if (accepted.kind === 'committed') return accepted.result;
    if (wait) return this.#waitForCommit(id, expiryHeight, deadline!, waitMs);
    if (accepted.kind === 'replayed') {
      // An earlier attempt got in; it may even be committed already.
      const status = await this.status(id);
      if (status.status === 'committed') return status;
    }
    return { id, status: 'pending' };
  }

  /** A transaction's status at the first node that answers. */
  async status(txId: string | Uint8Array): Promise<TransactionStatus> {
    const id = checkTxId(txId);
    return this.#attempts<TransactionStatus>(
      (node) => this.#send(node, 'GET', `/v1/transactions/${id}`, undefined, this.#timeoutMs),
      (answer) => {
        if (answer.status === 404) {
          // The node's documented answer for a transaction neither pending nor committed there.
          const problem = parseProblem(answer.status, answer.body);
          if (problem.code === 'unknown-transaction') return { done: { id, status: 'unknown' } };
        }
        if (answer.status !== 200) return interpretFailure(answer);
        const status = parseTransactionStatus(parseJson(answer.body));
        if (status.id !== id) throw protocolError(answer.node, `asked for ${id}, got ${status.id}`);
        return { done: status };
      },
    );
  }

  /** The chain id and height at the first node that answers (`GET /v1/status`). */
  async chainStatus(): Promise<ChainStatus> {
    return this.#attempts<ChainStatus>(
      (node) => this.#send(node, 'GET', '/v1/status', undefined, this.#timeoutMs),
      (answer) =>
        answer.status === 200
          ? { done: parseChainStatus(parseJson(answer.body)) }
          : interpretFailure(answer),
    );
  }

  /** The bytes to send, their id (hex) and expiry: checked by decoding them. */
  #identify(transaction: Uint8Array | SignedTransaction): {
    bytes: Uint8Array;
    id: string;
    expiryHeight: bigint;
  } {
    const bytes = transaction instanceof Uint8Array ? transaction : transaction?.bytes;
    if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
      throw invalidArgument('transaction', 'expected signed transaction bytes');
    }
    if (bytes.length > limits.MAX_TRANSACTION_BYTES) {
      throw invalidArgument(
        'transaction',
        `${bytes.length} bytes exceed the ${limits.MAX_TRANSACTION_BYTES}-byte limit`,
      );
    }
    let tx: Transaction;
    try {
      tx = Transaction.decode(bytes);
    } catch (error) {
      throw invalidArgument('transaction', `not an encoded transaction: ${messageOf(error)}`);
    }
    const id = toHex(Transaction.id((data) => hash(this.#hash, data), tx));
    return { bytes, id, expiryHeight: tx.body.expiryHeight };
  }

  /** Polls the status until committed, expired (past its expiry height) or the deadline. */
  async #waitForCommit(
    id: string,
    expiryHeight: bigint,
    deadline: number,
    waitMs: number,
  ): Promise<CommittedTransaction> {
    for (;;) {
      const status = await this.status(id);
      if (status.status === 'committed') return status;
      if (status.status === 'unknown') {
        const chain = await this.chainStatus();
        if (chain.height > expiryHeight) {
          // Looked up again: it may have committed at its expiry height meanwhile.
          const again = await this.status(id);
          if (again.status === 'committed') return again;
          throw new ChainError(
            'expired',
            { txId: id, expiryHeight, chainHeight: chain.height },
            `chain: transaction ${id} was not committed by its expiry height ${expiryHeight} (chain at ${chain.height}); it never will be`,
          );
        }
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new ChainError(
          'commit-timeout',
          { txId: id, waitedMs: waitMs },
          `chain: transaction ${id} was accepted but not committed within ${waitMs} ms; it may still commit (poll its status, do not sign it again)`,
        );
      }
      await sleep(Math.min(this.#pollIntervalMs, remaining));
    }
  }

  /**
   * Runs `request` on the preferred node and `interpret`s the answer; on a retryable outcome
   * moves to the next node, waits (backoff, at least the node's retry-after) and tries again,
   * `retries` times at most and never past `deadline`.
   */
  async #attempts<T>(
    request: (node: string) => Promise<Answer>,
    interpret: (answer: Answer, attempt: number) => Outcome<T>,
    deadline?: number,
  ): Promise<T> {
    const backoff = new Backoff(this.#backoff);
    // Each call walks the nodes in turn from the preferred one: concurrent calls moving the
    // preferred node must not send one call back to the node that just failed it.
    const start = this.#preferred;
    const failures: string[] = [];
    for (let attempt = 0; ; attempt++) {
      const index = (start + attempt) % this.nodes.length;
      const node = this.nodes[index]!;
      let outcome: Outcome<T>;
      try {
        outcome = interpret(await request(node), attempt);
      } catch (error) {
        if (error instanceof ChainRequestError || error instanceof ChainError) throw error;
        const what = error instanceof ResponseProblem ? 'answered outside the contract' : 'failed';
        outcome = { retry: `${node} ${what}: ${messageOf(error)}` };
      }
      if ('done' in outcome) return outcome.done;
      failures.push(outcome.retry);
      if (this.#preferred === index) this.#preferred = (index + 1) % this.nodes.length;
      const delay = Math.max(backoff.next(), outcome.retryAfterMs ?? 0);
      const remaining = deadline === undefined ? Infinity : deadline - Date.now();
      if (attempt >= this.#retries || remaining <= delay) {
        throw new ChainError(
          'unavailable',
          { attempts: attempt + 1, lastError: outcome.retry, errors: failures },
          `chain: no node answered after ${attempt + 1} attempt(s): ${failures.join('; ')}`,
        );
      }
      await sleep(delay);
    }
  }

  async #send(
    node: string,
    method: 'GET' | 'POST',
    path: string,
    body: Uint8Array | undefined,
    timeoutMs: number,
    extraHeaders: Record<string, string> = {},
  ): Promise<Answer> {
    const response = await this.#fetch(`${node}${path}`, {
      method,
      headers:
        body === undefined
          ? { accept: 'application/json', ...extraHeaders }
          : { accept: 'application/json', 'content-type': 'application/cbor', ...extraHeaders },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return {
      node,
      status: response.status,
      headers: response.headers,
      body: await response.text(),
    };
  }
}

/** The outcome of one `POST /v1/transactions` answer. */
function interpretSubmission(
  answer: Answer,
  attempt: number,
  id: string,
  hashId: HashId,
): Outcome<Accepted> {
  if (answer.status === 200 || answer.status === 202) {
    const status = parseTransactionStatus(parseJson(answer.body));
    if (status.id !== id) {
      // Not retryable: the client computes ids with another hash than the chain's.
      throw protocolError(
        answer.node,
        `it names the submitted transaction ${status.id}, the client computed ${id} with ${hashId} (is options.hash the chain's?)`,
      );
    }
    if (status.status === 'committed') return { done: { kind: 'committed', result: status } };
    if (status.status === 'pending') return { done: { kind: 'pending' } };
    throw new ResponseProblem(`a submission answered status ${status.status}`);
  }
  const problem = parseProblem(answer.status, answer.body);
  if (answer.status === 409 && problem.code === 'replayed' && attempt > 0) {
    return { done: { kind: 'replayed' } };
  }
  if (answer.status === 504 && problem.code === 'commit-timeout') {
    return { done: { kind: 'pending' } };
  }
  return interpretFailure(answer);
}

/** A non-success answer: retry (5xx, 408, 429) or a final {@link ChainRequestError} (4xx). */
function interpretFailure(answer: Answer): Outcome<never> {
  const problem = parseProblem(answer.status, answer.body);
  const retryable = answer.status >= 500 || answer.status === 408 || answer.status === 429;
  if (retryable) {
    return {
      retry: `${answer.node} answered ${answer.status} ${problem.code}`,
      retryAfterMs: retryAfterMs(answer.headers.get('retry-after')),
    };
  }
  if (answer.status >= 400) throw new ChainRequestError(problem, answer.node);
  return { retry: `${answer.node} answered an unexpected ${answer.status}` };
}

/** `retry-after` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; capped at a minute. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const ms = /^\d{1,6}$/.test(header.trim())
    ? Number(header.trim()) * 1000
    : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

function checkTxId(txId: unknown): string {
  if (txId instanceof Uint8Array && txId.length === 32) return toHex(txId);
  // Upper-case hex is accepted and normalised: the API's ids are lower-case.
  if (typeof txId === 'string' && /^[0-9a-fA-F]{64}$/.test(txId)) return txId.toLowerCase();
  throw invalidArgument('txId', 'expected 32 bytes or 64 hex digits');
}
