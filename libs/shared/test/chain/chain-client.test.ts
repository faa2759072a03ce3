import { toHex } from '@trellis/chain-core';
import {
  ChainClient,
  type ChainClientOptions,
  ChainError,
  ChainRequestError,
  type SignedTransaction,
  TransactionSigner,
} from '@trellis/shared/chain';
import { ContractNode, type Handler, committed, json, problem } from './contract-node';
import { testMember } from './identity';

let signed: SignedTransaction;
let id: string;
const nodes: ContractNode[] = [];

beforeAll(async () => {
  const member = await testMember('acme-bank', 'ed25519');
  const signer = TransactionSigner.create('invoice', member);
  signed = signer.sign({
    chainId: 'trellis-test',
    contract: 'invoice',
    method: 'issue',
    args: { amount: 1250n },
    expiryHeight: 100n,
  });
  id = toHex(signed.id);
});
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

async function node(handler: Handler): Promise<ContractNode> {
  const started = await ContractNode.start(handler);
  nodes.push(started);
  return started;
}

/** Answers the n-th call (0-based) with handlers[n], the last one thereafter. */
function sequence(...handlers: Handler[]): Handler {
  let n = 0;
  return (request, response) => handlers[Math.min(n++, handlers.length - 1)]!(request, response);
}

const accepted: Handler = (_request, response) => json(response, 202, { id, status: 'pending' });
const reset: Handler = () => 'reset';

function client(urls: string[], options: Partial<ChainClientOptions> = {}): ChainClient {
  return new ChainClient({
    nodes: urls,
    backoff: { initialMs: 10, maxMs: 40 },
    pollIntervalMs: 20,
    ...options,
  });
}

/** Every POST carried exactly the signed bytes (never re-signed), as CBOR. */
function expectSameBytes(...servers: ContractNode[]): void {
  for (const server of servers) {
    for (const post of server.posts()) {
      expect(toHex(post.body)).toBe(toHex(signed.bytes));
      expect(post.contentType).toBe('application/cbor');
    }
  }
}

describe('ChainClient', () => {
  it('busy503_isRetriedAfterItsRetryAfter_withTheSameBytes', async () => {
    const a = await node(
      sequence((_q, r) => problem(r, 503, 'busy', { 'retry-after': '1' }), accepted),
    );
    const started = Date.now();
    const result = await client([a.url]).submit(signed);
    expect(result).toEqual({ id, status: 'pending' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(a.posts()).toHaveLength(2);
    expectSameBytes(a);
  });

  it('connectionReset_thenAccepted_sameBytes', async () => {
    const a = await node(sequence(reset, accepted));
    expect(await client([a.url]).submit(signed.bytes)).toEqual({ id, status: 'pending' });
    expect(a.posts()).toHaveLength(2);
    expectSameBytes(a);
  });

  it('internalError500_and502_thenAccepted', async () => {
    const a = await node(
      sequence(
        (_q, r) => problem(r, 500, 'internal'),
        (_q, r) => problem(r, 502, 'bad-gateway'),
        accepted,
      ),
    );
    expect(await client([a.url]).submit(signed)).toEqual({ id, status: 'pending' });
    expect(a.posts()).toHaveLength(3);
    expectSameBytes(a);
  });

  it('deadFirstNode_failsOverToTheNext_andKeepsUsingIt', async () => {
    const dead = await ContractNode.deadUrl();
    const b = await node((request, response) =>
      request.method === 'POST' ? accepted(request, response) : json(response, 200, committed(id)),
    );
    const chain = client([dead, b.url]);
    expect(await chain.submit(signed)).toEqual({ id, status: 'pending' });
    const status = await chain.status(id);
    expect(status).toMatchObject({ status: 'committed', height: 17n, index: 0 });
    // The status went straight to the node that answered, not back to the dead one.
    expect(b.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
    expectSameBytes(b);
  });

  it('replayedAfterARetry_isSuccess_followedByStatusPolling', async () => {
    // The first attempt gets in but its answer is lost; the retry is told "replayed".
    let polls = 0;
    const a = await node((request, response) => {
      if (request.method === 'POST') {
        if (a.posts().length === 1) return 'reset';
        return problem(response, 409, 'replayed');
      }
      polls += 1;
      return json(response, 200, polls < 3 ? { id, status: 'pending' } : committed(id, 21n, 3));
    });
    const result = await client([a.url]).submit(signed, { wait: 'commit', timeoutMs: 10_000 });
    expect(result).toMatchObject({ id, status: 'committed', height: 21n, index: 3 });
    expect(result.status === 'committed' && result.receipt.events[0]?.type).toBe('invoice.issued');
    expect(a.posts()).toHaveLength(2);
    expect(polls).toBe(3);
    expect(a.requests.filter((r) => r.method === 'GET').map((r) => r.url)).toEqual(
      Array(3).fill(`/v1/transactions/${id}`),
    );
    expectSameBytes(a);
  });

  it('replayedOnTheFirstAttempt_isARequestError', async () => {
    const a = await node((_q, r) => problem(r, 409, 'replayed'));
    await expect(client([a.url]).submit(signed)).rejects.toMatchObject({
      name: 'ChainRequestError',
      status: 409,
      code: 'replayed',
    });
  });

  it('badRequest400_isATypedError_neverRetried', async () => {
    const b = await node(accepted);
    const a = await node((_q, r) => problem(r, 400, 'bad-signature'));
    const error = await client([a.url, b.url])
      .submit(signed)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChainRequestError);
    expect(error).toMatchObject({
      code: 'bad-signature',
      status: 400,
      detail: 'the test node says bad-signature',
      node: a.url,
    });
    expect(a.posts()).toHaveLength(1);
    expect(b.requests).toHaveLength(0);
  });

  it('oversized413_isATypedError', async () => {
    const a = await node((_q, r) => problem(r, 413, 'oversized'));
    await expect(client([a.url]).submit(signed)).rejects.toMatchObject({ code: 'oversized' });
    expect(a.posts()).toHaveLength(1);
  });

  it('commitTimeout504_keepsPolling_neverResubmits', async () => {
    let polls = 0;
    const a = await node((request, response) => {
      if (request.method === 'POST') return problem(response, 504, 'commit-timeout');
      polls += 1;
      return json(response, 200, polls < 4 ? { id, status: 'pending' } : committed(id));
    });
    const result = await client([a.url]).submit(signed, { wait: 'commit', timeoutMs: 10_000 });
    expect(result.status).toBe('committed');
    expect(a.posts()).toHaveLength(1);
    expect(polls).toBe(4);
  });

  it('waitCommit_asksTheNodeToWait_andReturnsTheReceipt', async () => {
    const a = await node((_q, r) => json(r, 200, committed(id, 5n, 1)));
    const result = await client([a.url]).submit(signed, { wait: 'commit', timeoutMs: 500_000 });
    expect(result).toMatchObject({ status: 'committed', height: 5n, index: 1 });
    const url = new URL(a.posts()[0]!.url, 'http://x');
    expect(url.pathname).toBe('/v1/transactions');
    expect(url.searchParams.get('wait')).toBe('commit');
    expect(Number(url.searchParams.get('timeoutMs'))).toBeLessThanOrEqual(120_000);
  });

  it('neverCommitted_pastItsExpiry_isExpired', async () => {
    const a = await node((request, response) => {
      if (request.method === 'POST') return accepted(request, response);
      if (request.url === '/v1/status') return json(response, 200, { chainId: 'c', height: '101' });
      return problem(response, 404, 'unknown-transaction');
    });
    const error = await client([a.url])
      .submit(signed, { wait: 'commit' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChainError);
    expect(error).toMatchObject({
      code: 'expired',
      meta: { txId: id, expiryHeight: 100n, chainHeight: 101n },
    });
  });

  it('pendingPastTheDeadline_isCommitTimeout', async () => {
    const a = await node((request, response) =>
      request.method === 'POST'
        ? problem(response, 504, 'commit-timeout')
        : json(response, 200, { id, status: 'pending' }),
    );
    await expect(
      client([a.url]).submit(signed, { wait: 'commit', timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'commit-timeout', meta: { txId: id } });
    expect(a.posts()).toHaveLength(1);
  });

  it('everyNodeDown_isUnavailable_afterTheRetries', async () => {
    const a = await node((_q, r) => problem(r, 503, 'busy', { 'retry-after': '0' }));
    const dead = await ContractNode.deadUrl();
    const error = await client([a.url, dead], { retries: 3 })
      .submit(signed)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unavailable', meta: { attempts: 4 } });
    expect(a.posts()).toHaveLength(2); // attempts 1 and 3; 2 and 4 went to the dead node
    expectSameBytes(a);
  });

  it('concurrentCallsFailingOnOneNode_eachTryTheOthers', async () => {
    // Three calls fail on the dead first node at once (moving the shared preferred node three
    // times, round to the dead one); each must still reach the live one with its one retry.
    const [dead1, dead2] = [await ContractNode.deadUrl(), await ContractNode.deadUrl()];
    const b = await node((_q, r) => json(r, 200, { chainId: 'trellis-test', height: '12' }));
    const shared = client([dead1, b.url, dead2], { retries: 1 });
    const answers = await Promise.all([1, 2, 3].map(() => shared.chainStatus()));
    expect(answers.map((a) => a.height)).toEqual([12n, 12n, 12n]);
  });

  it('unavailable_listsEveryAttemptsFailure', async () => {
    const a = await node((_q, r) => problem(r, 503, 'busy', { 'retry-after': '0' }));
    const dead = await ContractNode.deadUrl();
    const error = await client([a.url, dead], { retries: 1 })
      .chainStatus()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'unavailable',
      meta: {
        errors: [expect.stringContaining('503 busy'), expect.stringContaining('failed')],
      },
    });
  });

  it('anAnswerOutsideTheContract_failsOver', async () => {
    const a = await node((_q, r) => json(r, 200, { chainId: 'c', height: 12 })); // not a string
    const b = await node((_q, r) => json(r, 200, { chainId: 'trellis-test', height: '12' }));
    const status = await client([a.url, b.url]).chainStatus();
    expect(status).toMatchObject({ chainId: 'trellis-test', height: 12n });
  });

  it('aDifferentIdFromTheNode_isAProtocolError_notRetried', async () => {
    const a = await node((_q, r) => json(r, 202, { id: 'ab'.repeat(32), status: 'pending' }));
    await expect(client([a.url]).submit(signed)).rejects.toMatchObject({ code: 'protocol' });
    expect(a.posts()).toHaveLength(1);
  });

  it('badArguments_areNamed', async () => {
    expect(() => client(['ftp://x'])).toThrow(/options\.nodes\[0\]/);
    expect(() => client([])).toThrow(/options\.nodes/);
    expect(() => client(['http://a', 'http://a/'])).toThrow(/twice/);
    expect(() => client(['http://a'], { hash: 'md5' as 'sha256' })).toThrow(/options\.hash/);
    const chain = client(['http://127.0.0.1:1']);
    await expect(chain.submit(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({
      code: 'invalid-argument',
      meta: { field: 'transaction' },
    });
    await expect(chain.status('xyz')).rejects.toMatchObject({ meta: { field: 'txId' } });
  });
});
