/**
 * The node client API (docs/spec/node.md §6) against a real 4-node cluster: each endpoint's
 * happy path and its bad inputs, every answer checked against the OpenAPI document the node
 * serves (documented status; problem+json with a documented code).
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import {
  OPENAPI_DOCUMENT,
  PROBLEM_CODES,
  ProofError,
  verifyBundle,
  ValidatorSetRecordSchema,
  decodeProofBundle,
  fromHex,
  toHex,
} from '@trellis/chain-core';
import { bundleBrowserVerifier } from '@trellis/verify';
import { Cluster } from './cluster';

jest.setTimeout(240_000);

let cluster: Cluster;
let api: string;

beforeAll(async () => {
  cluster = await Cluster.create();
  cluster.startAll();
  await cluster.waitForHeight(2n, cluster.nodes, 90_000);
  api = cluster.nodes[0]!.api;
});

afterAll(async () => {
  await cluster?.stopAll();
});

const digest = (label: string) => new Uint8Array(createHash('sha256').update(label).digest());

type Doc = typeof OPENAPI_DOCUMENT;
const paths = OPENAPI_DOCUMENT.paths as Record<string, Record<string, { responses: object }>>;

/** The documented statuses of `method` on the OpenAPI path `template`. */
function documented(template: keyof Doc['paths'], method: string): string[] {
  return Object.keys(paths[template]![method]!.responses);
}

async function call(
  template: keyof Doc['paths'],
  method: string,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${api}${path}`, { method: method.toUpperCase(), ...init });
  const text = await response.text();
  expect(documented(template, method)).toContain(String(response.status));
  const type = response.headers.get('content-type') ?? '';
  let body: Record<string, unknown> = {};
  if (type.startsWith('application/problem+json')) {
    body = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(PROBLEM_CODES)).toContain(body['code']);
    expect(body).toMatchObject({ status: response.status, type: expect.any(String) });
  } else if (type.startsWith('application/json')) {
    body = JSON.parse(text) as Record<string, unknown>;
  }
  return { status: response.status, body, headers: response.headers };
}

async function notarise(label: string, wait = true) {
  const key = await cluster.member('bank');
  const tx = cluster.sign(key, 'judicial-evidence', 'notarise', { digest: digest(label) });
  const result = await call(
    '/v1/transactions',
    'post',
    `/v1/transactions${wait ? '?wait=commit' : ''}`,
    { headers: { 'content-type': 'application/cbor' }, body: tx.bytes },
  );
  return { ...result, tx };
}

/** GETs a proof, retrying while the 2-chain above the block is not there yet. */
async function proof(template: keyof Doc['paths'], path: string) {
  for (let i = 0; i < 50; i++) {
    const r = await call(template, 'get', path);
    if (r.status !== 503) return r;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no proof at ${path}`);
}

describe('operational endpoints', () => {
  it('serveHealthReadinessStatusMetricsAndTheOpenApiDocument', async () => {
    expect((await call('/health', 'get', '/health')).body).toEqual({ status: 'ok' });
    expect((await call('/v1/health', 'get', '/v1/health')).status).toBe(200);
    expect((await call('/v1/ready', 'get', '/v1/ready')).body).toEqual({ status: 'ready' });
    const status = await call('/v1/status', 'get', '/v1/status');
    expect(status.body).toMatchObject({ chainId: cluster.genesis.chainId, epoch: '0' });
    const metrics = await fetch(`${api}/metrics`);
    expect(await metrics.text()).toMatch(/trellis_/);
    const doc = await call('/v1/openapi.json', 'get', '/v1/openapi.json');
    expect(doc.body).toEqual(JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)));
  });

  it('unknownRoutes_are404_andWrongMethods_are405WithAllow', async () => {
    const missing = await fetch(`${api}/v1/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'not-found' });
    const wrong = await fetch(`${api}/v1/transactions`);
    expect(wrong.status).toBe(405);
    expect(await wrong.json()).toMatchObject({ code: 'method-not-allowed' });
    expect(wrong.headers.get('allow')).toBe('POST');
  });
});

describe('transactions', () => {
  it('submitAndWait_commits_andReturnsTheReceiptWithItsEvents', async () => {
    const r = await notarise('api-1');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: toHex(r.tx.id), status: 'committed' });
    const receipt = r.body['receipt'] as {
      status: string;
      events: { type: string; dataCbor: string }[];
    };
    expect(receipt.status).toBe('ok');
    expect(receipt.events.map((e) => e.type)).toEqual(['evidence.notarised']);
    const again = await call('/v1/transactions/{id}', 'get', `/v1/transactions/${toHex(r.tx.id)}`);
    expect(again.body).toEqual(r.body);
  });

  it('submitWithoutWait_is202Pending_thenCommitted', async () => {
    const r = await notarise('api-2', false);
    expect(r).toMatchObject({ status: 202, body: { id: toHex(r.tx.id), status: 'pending' } });
    for (let i = 0; i < 100; i++) {
      const s = await call('/v1/transactions/{id}', 'get', `/v1/transactions/${toHex(r.tx.id)}`);
      if (s.body['status'] === 'committed') return;
      expect(s.body['status']).toBe('pending');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('never committed');
  });

  it('badSubmissions_getTheirDocumentedProblems_andChangeNothing', async () => {
    const before = await call('/v1/status', 'get', '/v1/status');
    const post = (query: string, init: RequestInit) =>
      call('/v1/transactions', 'post', `/v1/transactions${query}`, init);
    const cbor = { 'content-type': 'application/cbor' };
    expect((await post('', { headers: cbor, body: new Uint8Array() })).body['code']).toBe(
      'malformed',
    );
    expect((await post('', { headers: cbor, body: new Uint8Array([1, 2, 3]) })).body['code']).toBe(
      'malformed',
    );
    expect((await post('', { headers: cbor, body: new Uint8Array(300_000) })).body['code']).toBe(
      'oversized',
    );
    const json = await post('', { headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json).toMatchObject({ status: 415, body: { code: 'unsupported-media-type' } });
    const key = await cluster.member('bank');
    const tx = cluster.sign(key, 'judicial-evidence', 'notarise', { digest: digest('api-bad') });
    for (const query of [
      '?wait=later',
      '?timeoutMs=0',
      '?timeoutMs=abc',
      '?timeoutMs=999999',
      '?color=red',
    ]) {
      expect((await post(query, { headers: cbor, body: tx.bytes })).body['code']).toBe(
        'invalid-query',
      );
    }
    const wrongTypes = cluster.sign(key, 'judicial-evidence', 'notarise', { digest: 'not bytes' });
    const refused = await post('?wait=commit', { headers: cbor, body: wrongTypes.bytes });
    // Arguments are checked by the contract at execution: the receipt says why.
    expect(refused.status).toBe(200);
    expect(refused.body['receipt']).toMatchObject({ status: 'failed' });
    const unknown = cluster.sign(key, 'no-such-contract', 'x', {});
    expect((await post('', { headers: cbor, body: unknown.bytes })).body['code']).toBe(
      'unknown-contract',
    );
    const committed = await notarise('api-replay');
    const replay = await post('', { headers: cbor, body: committed.tx.bytes });
    expect(replay).toMatchObject({ status: 409, body: { code: 'replayed' } });
    // Nothing of the refused ones is pending or committed.
    expect(
      (await call('/v1/transactions/{id}', 'get', `/v1/transactions/${toHex(tx.id)}`)).status,
    ).toBe(404);
    expect((await call('/v1/status', 'get', '/v1/status')).body['mempool']).toBe(
      before.body['mempool'],
    );
  });

  it('transactionStatus_ofAnUnknownOrMalformedId_isAProblem', async () => {
    const unknown = await call(
      '/v1/transactions/{id}',
      'get',
      `/v1/transactions/${'ab'.repeat(32)}`,
    );
    expect(unknown).toMatchObject({ status: 404, body: { code: 'unknown-transaction' } });
    for (const id of ['xyz', 'AB'.repeat(32), 'ab'.repeat(33)]) {
      const bad = await call('/v1/transactions/{id}', 'get', `/v1/transactions/${id}`);
      expect(bad).toMatchObject({ status: 400, body: { code: 'invalid-id' } });
    }
  });
});

describe('blocks', () => {
  it('aBlockByHeightAndByHash_isTheSame_withTheQcThatCertifiesIt', async () => {
    const byHeight = await call('/v1/blocks/{ref}', 'get', '/v1/blocks/1');
    expect(byHeight.status).toBe(200);
    const byHash = await call(
      '/v1/blocks/{ref}',
      'get',
      `/v1/blocks/${byHeight.body['hash'] as string}`,
    );
    expect(byHash.body['height']).toBe('1');
    expect(byHash.body['hash']).toBe(byHeight.body['hash']);
    const qc = byHeight.body['qc'] as {
      data: { blockHash: string; height: string };
      signatures: string[];
    };
    expect(qc.data).toMatchObject({ blockHash: byHeight.body['hash'], height: '1' });
    expect(qc.signatures.length).toBeGreaterThanOrEqual(3);
  });

  it('unknownAndMalformedBlockReferences_areProblems', async () => {
    expect((await call('/v1/blocks/{ref}', 'get', '/v1/blocks/99999999')).body['code']).toBe(
      'unknown-block',
    );
    expect(
      (await call('/v1/blocks/{ref}', 'get', `/v1/blocks/${'cd'.repeat(32)}`)).body['code'],
    ).toBe('unknown-block');
    expect((await call('/v1/blocks/{ref}', 'get', '/v1/blocks/-1')).body['code']).toBe(
      'invalid-id',
    );
    expect((await call('/v1/blocks/{ref}', 'get', '/v1/blocks/12ab')).body['code']).toBe(
      'invalid-id',
    );
  });
});

describe('proofs', () => {
  it('aTransactionProof_namesItsBlockAndItsReceipt', async () => {
    const r = await notarise('api-proof');
    const p = await proof(
      '/v1/transactions/{id}/proof',
      `/v1/transactions/${toHex(r.tx.id)}/proof`,
    );
    expect(p.body).toMatchObject({
      format: 'trellis-proof/v1',
      kind: 'transaction',
      txId: toHex(r.tx.id),
    });
    const bundle = decodeProofBundle(fromHex(p.body['bundle'] as string));
    expect(bundle.transaction!.chain.headers[0]!.height).toBe(BigInt(r.body['height'] as string));
    expect(bundle.transaction!.receipt!.chain.headers[0]!.height).toBe(
      BigInt(r.body['height'] as string) + 1n,
    );
    const raw = await fetch(`${api}/v1/transactions/${toHex(r.tx.id)}/proof`, {
      headers: { accept: 'application/cbor' },
    });
    expect(raw.headers.get('content-type')).toBe('application/cbor');
    expect(toHex(new Uint8Array(await raw.arrayBuffer()))).toBe(p.body['bundle']);

    // The light client, given only the genesis file, accepts it and reads the receipt ...
    const genesis = readFileSync(join(cluster.dir, 'genesis.json'), 'utf8');
    const bytes = fromHex(p.body['bundle'] as string);
    const verdict = verifyBundle(genesis, bytes);
    expect(verdict).toMatchObject({
      kind: 'transaction',
      height: BigInt(r.body['height'] as string),
    });
    if (verdict.kind !== 'transaction') throw new Error('not a transaction verdict');
    expect(toHex(verdict.txId)).toBe(toHex(r.tx.id));
    expect(verdict.receipt).toMatchObject({ status: 'ok' });
    expect(verdict.signers).toBeGreaterThanOrEqual(verdict.quorum);
    // ... and refuses the same bundle with any one of a spread of bytes changed.
    const step = Math.max(1, Math.floor(bytes.length / 150));
    for (let i = 0; i < bytes.length; i += step) {
      const tampered = bytes.slice();
      tampered[i]! ^= 0x01;
      expect(() => verifyBundle(genesis, tampered)).toThrow(ProofError);
    }
  });

  it('aStateProof_provesAValue_andAnAbsence', async () => {
    const key = toHex(new TextEncoder().encode('meta/validator-set'));
    const p = await proof('/v1/state/{contract}/{key}', `/v1/state/system/${key}`);
    expect(p.body).toMatchObject({ kind: 'state', contract: 'system', key });
    const set = ValidatorSetRecordSchema.decode(fromHex(p.body['value'] as string));
    expect(set.keys.map(toHex)).toEqual(cluster.genesis.validators.map((v) => toHex(v.publicKey)));
    const genesis = readFileSync(join(cluster.dir, 'genesis.json'), 'utf8');
    const verdict = verifyBundle(genesis, fromHex(p.body['bundle'] as string));
    expect(verdict).toMatchObject({ kind: 'state', contract: 'system' });
    if (verdict.kind !== 'state') throw new Error('not a state verdict');
    expect(toHex(verdict.value!)).toBe(p.body['value']);
    expect(verdict.asOfHeight).toBe(BigInt(p.body['asOfHeight'] as string));
    const absent = await proof('/v1/state/{contract}/{key}', `/v1/state/system/${'00'.repeat(8)}`);
    expect(absent.body['value']).toBeNull();
    expect(decodeProofBundle(fromHex(absent.body['bundle'] as string)).state!.value).toBeNull();
    const absence = verifyBundle(genesis, fromHex(absent.body['bundle'] as string));
    expect(absence).toMatchObject({ kind: 'state', value: null });
  });

  it('proofsOfUnknownThings_andBadStateQueries_areProblems', async () => {
    const none = await call(
      '/v1/transactions/{id}/proof',
      'get',
      `/v1/transactions/${'ef'.repeat(32)}/proof`,
    );
    expect(none).toMatchObject({ status: 404, body: { code: 'unknown-transaction' } });
    expect(
      (await call('/v1/state/{contract}/{key}', 'get', '/v1/state/nope/00')).body['code'],
    ).toBe('unknown-contract');
    for (const key of ['0', 'zz', 'AB', '00'.repeat(1025)]) {
      const bad = await call('/v1/state/{contract}/{key}', 'get', `/v1/state/system/${key}`);
      expect(bad).toMatchObject({ status: 400, body: { code: 'invalid-key' } });
    }
  });

  it('theEpochList_startsAtGenesis', async () => {
    const epochs = await call('/v1/epochs', 'get', '/v1/epochs');
    expect(epochs.body).toMatchObject({
      chainId: cluster.genesis.chainId,
      current: '0',
      epochs: [],
    });
  });
});

describe('event stream', () => {
  function collect(query: string, until: (messages: Record<string, unknown>[]) => boolean) {
    return new Promise<{ messages: Record<string, unknown>[]; close?: number }>(
      (resolve, reject) => {
        const ws = new WebSocket(`${api.replace('http', 'ws')}/v1/events${query}`);
        const messages: Record<string, unknown>[] = [];
        const timer = setTimeout(() => reject(new Error(`stream ${query} timed out`)), 60_000);
        let done = false;
        ws.on('message', (data) => {
          // Blocks keep coming until the close completes: what arrives after `until` held is
          // not part of the answer (the array was already handed out).
          if (done) return;
          messages.push(JSON.parse(String(data)) as Record<string, unknown>);
          if (until(messages)) {
            done = true;
            clearTimeout(timer);
            ws.close();
            resolve({ messages });
          }
        });
        ws.on('close', (code) => {
          clearTimeout(timer);
          resolve({ messages, close: code });
        });
        ws.on('error', reject);
      },
    );
  }

  it('streamsEveryBlockFromAHeight_withFilteredEvents_andResumesWithoutGapsOrDuplicates', async () => {
    const r = await notarise('api-stream');
    const height = BigInt(r.body['height'] as string);
    const upTo = (n: bigint) => (m: Record<string, unknown>[]) =>
      m.length > 0 && BigInt(m[m.length - 1]!['height'] as string) >= n;
    const first = await collect('?fromHeight=0&contract=judicial-evidence', upTo(height));
    expect(first.messages.map((m) => m['height'])).toEqual(
      Array.from({ length: Number(height) + 1 }, (_, i) => String(i)),
    );
    const events = first.messages.flatMap((m) => m['events'] as { type: string; txId: string }[]);
    expect(events.some((e) => e.txId === toHex(r.tx.id) && e.type === 'evidence.notarised')).toBe(
      true,
    );
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['evidence.notarised']));
    // A reconnect from the middle gives the very same messages from there on.
    const middle = height - 2n;
    const resumed = await collect(`?fromHeight=${middle}&contract=judicial-evidence`, upTo(height));
    expect(resumed.messages.slice(0, 3)).toEqual(
      first.messages.slice(Number(middle), Number(middle) + 3),
    );
    // Type filter with a prefix, and new blocks arriving live.
    const none = await collect(`?fromHeight=${height}&type=system.*`, (m) => m.length >= 3);
    expect(none.messages.map((m) => m['height'])).toEqual(
      [height, height + 1n, height + 2n].map(String),
    );
    expect(none.messages.flatMap((m) => m['events'] as unknown[])).toEqual([]);
  });

  it('aBadStreamQuery_getsAnErrorMessageAndClose1008_andPlainHttpGets426', async () => {
    for (const query of ['?fromHeight=-1', '?contract=Bad!', '?type=a b', '?color=red']) {
      const r = await collect(query, () => false);
      expect(r.close).toBe(1008);
      expect(r.messages).toEqual([
        expect.objectContaining({ kind: 'error', code: 'invalid-query' }),
      ]);
    }
    const plain = await call('/v1/events', 'get', '/v1/events');
    expect(plain).toMatchObject({ status: 426, body: { code: 'upgrade-required' } });
  });
});

describe('independent verification of node proofs', () => {
  const CLI = join(__dirname, '../../../../libs/verify/bin/trellis-verify.js');
  const run = (args: string[]) =>
    new Promise<{ code: number; out: string }>((resolve) => {
      execFile(process.execPath, [CLI, ...args], (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, out: stdout + stderr });
      });
    });

  it('theTrellisVerifyCli_andChromium_acceptTheNodesProofs_andRefuseTamperedOnes', async () => {
    const r = await notarise('api-independent');
    const p = await proof(
      '/v1/transactions/{id}/proof',
      `/v1/transactions/${toHex(r.tx.id)}/proof`,
    );
    const key = toHex(new TextEncoder().encode('meta/validator-set'));
    const state = await proof('/v1/state/{contract}/{key}', `/v1/state/system/${key}`);
    const dir = mkdtempSync(join(tmpdir(), 'trellis-verify-e2e-'));
    const genesisFile = join(cluster.dir, 'genesis.json');
    const good = fromHex(p.body['bundle'] as string);
    const bad = good.slice();
    bad[Math.floor(bad.length / 2)]! ^= 0x40;
    writeFileSync(join(dir, 'tx.json'), JSON.stringify(p.body));
    writeFileSync(join(dir, 'state.cbor'), fromHex(state.body['bundle'] as string));
    writeFileSync(join(dir, 'bad.cbor'), bad);

    const tx = await run(['--genesis', genesisFile, join(dir, 'tx.json'), '--json']);
    expect(tx.code).toBe(0);
    expect(JSON.parse(tx.out)).toMatchObject({
      verified: true,
      verdict: { kind: 'transaction', txId: toHex(r.tx.id), height: r.body['height'] },
    });
    expect((await run(['--genesis', genesisFile, join(dir, 'state.cbor')])).code).toBe(0);
    const refused = await run(['--genesis', genesisFile, join(dir, 'bad.cbor')]);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/REJECTED/);

    // The same bundles, fetched and verified by the page in headless Chromium.
    const built = await bundleBrowserVerifier();
    const files: Record<string, [string, string | Uint8Array]> = {
      '/': ['text/html', '<!doctype html><script src="/v.js"></script>'],
      '/v.js': ['text/javascript', built.code],
      '/genesis': ['application/json', readFileSync(genesisFile, 'utf8')],
      '/good': ['application/cbor', good],
      '/state': ['application/cbor', fromHex(state.body['bundle'] as string)],
      '/bad': ['application/cbor', bad],
    };
    const server = createServer((req, res) => {
      const file = files[req.url ?? '/'];
      if (file === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const profile = mkdtempSync(join(tmpdir(), 'trellis-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const results = await page.evaluate(async () => {
        const genesis = await (await fetch('/genesis')).text();
        const verify = (
          globalThis as unknown as {
            trellisVerify: (g: string, b: Uint8Array) => { verified: boolean; code?: string };
          }
        ).trellisVerify;
        const out: Record<string, { verified: boolean; code?: string }> = {};
        for (const name of ['good', 'state', 'bad']) {
          const bytes = new Uint8Array(await (await fetch(`/${name}`)).arrayBuffer());
          out[name] = verify(genesis, bytes);
        }
        return out;
      });
      expect(results['good']).toMatchObject({ verified: true });
      expect(results['state']).toMatchObject({ verified: true });
      expect(results['bad']).toMatchObject({ verified: false, code: expect.any(String) });
    } finally {
      await context.close();
      server.close();
      rmSync(profile, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
