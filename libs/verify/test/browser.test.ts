// The verifier in Chromium: the esbuild bundle (platform browser) is served with a page from a
// local HTTP server; the page fetches a genesis file and bundles and verifies them itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { type BrowserBundle, type VerifyResult, bundleBrowserVerifier } from '../src';
import { type ProofVectors, bundle, loadVectors, tampered } from './vectors';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>trellis-verify</title>
<script src="/trellis-verify.js"></script></head>
<body><p>Trellis proof verifier</p></body></html>`;

const vectors: Record<'ed25519' | 'sm2', ProofVectors> = {
  ed25519: loadVectors('ed25519'),
  sm2: loadVectors('sm2'),
};

let built: BrowserBundle;
let server: Server;
let profile: string;
let context: BrowserContext;
let page: Page;
/** Bundles the page may fetch, by path: /bundle/<id>. */
const served = new Map<string, Uint8Array>();

beforeAll(async () => {
  built = await bundleBrowserVerifier();
  server = createServer((request, response) => {
    const url = request.url ?? '/';
    const reply = (type: string, body: string | Uint8Array) => {
      response.writeHead(200, { 'content-type': type }).end(body);
    };
    if (url === '/') return reply('text/html; charset=utf-8', PAGE);
    if (url === '/trellis-verify.js') return reply('text/javascript', built.code);
    const genesis = /^\/genesis\/(ed25519|sm2)$/.exec(url);
    if (genesis)
      return reply('application/json', JSON.stringify(vectors[genesis[1] as 'sm2'].genesis));
    const bytes = served.get(url);
    if (bytes !== undefined) return reply('application/cbor', bytes);
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  profile = mkdtempSync(join(tmpdir(), 'trellis-verify-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  page = await context.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
}, 60_000);

afterAll(async () => {
  await context?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** The page fetches the suite's genesis and `bytes` over HTTP and verifies them itself. */
async function verifyInPage(suite: 'ed25519' | 'sm2', bytes: Uint8Array): Promise<VerifyResult> {
  const path = `/bundle/${served.size}`;
  served.set(path, bytes);
  return page.evaluate(
    async ({ suite, path }) => {
      const genesis = await (await fetch(`/genesis/${suite}`)).text();
      const bundle = new Uint8Array(await (await fetch(path)).arrayBuffer());
      const verify = (
        globalThis as unknown as { trellisVerify: (g: string, b: Uint8Array) => unknown }
      ).trellisVerify;
      return verify(genesis, bundle) as VerifyResult;
    },
    { suite, path },
  );
}

describe('the browser verifier', () => {
  it('isBundledForTheBrowser_withoutNodeCode', () => {
    expect(built.code.length).toBeGreaterThan(10_000);
    expect(built.inputs.some((i) => i.endsWith('libs/chain-core/src/proofs/verify.ts'))).toBe(true);
    expect(
      built.inputs.filter((i) => i.startsWith('node:') || /\/(storage|net|node)\//.test(i)),
    ).toEqual([]);
  });

  it('runsInAPageWithoutNode', async () => {
    const kinds = await page.evaluate(() => [
      typeof (globalThis as { trellisVerify?: unknown }).trellisVerify,
      typeof (globalThis as { trellisHasher?: unknown }).trellisHasher,
      typeof process,
    ]);
    expect(kinds).toEqual(['function', 'function', 'undefined']);
  });

  it.each(['ed25519', 'sm2'] as const)(
    'verifiesValidBundles_inThePage (%s)',
    async (suite) => {
      for (const name of ['transaction with its receipt', 'state value', 'absent state key']) {
        const expected = vectors[suite].accept.find((v) => v.name === name)!.verdict;
        const result = await verifyInPage(suite, bundle(vectors[suite], name));
        expect(result).toEqual({ verified: true, verdict: expected });
      }
    },
    30_000,
  );

  it.each(['ed25519', 'sm2'] as const)(
    'rejectsTamperedAndShortQcBundles_inThePage (%s)',
    async (suite) => {
      const good = bundle(vectors[suite], 'transaction with its receipt');
      // A byte of the first header, of the epoch change's set proof, and of the last signature.
      for (const index of [60, Math.floor(good.length / 3), good.length - 2]) {
        const result = await verifyInPage(suite, tampered(good, index));
        expect(result).toMatchObject({ verified: false });
      }
      const short = await verifyInPage(
        suite,
        bundle(vectors[suite], 'QC with fewer than 2f + 1 signatures'),
      );
      expect(short).toEqual({
        verified: false,
        code: 'insufficient-signatures',
        path: 'transaction.chain.qc.signers',
        reason: '2 signers, fewer than the quorum 3 of the 4 validators of epoch 1',
      });
      const fake = await verifyInPage(
        suite,
        bundle(vectors[suite], 'fake epoch change signed by non-validators'),
      );
      expect(fake).toMatchObject({
        verified: false,
        code: 'bad-signature',
        path: 'epochs[0].chain.qc.signatures[0]',
      });
    },
    30_000,
  );

  it('hashesInChunks_inThePage_andInAWebWorker', async () => {
    // SHA-256 and SM3 of "abc" (FIPS 180-4 and GB/T 32905 appendix A vectors).
    const expected = {
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      sm3: '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    };
    const inPage = await page.evaluate(() => {
      const hasher = (
        globalThis as unknown as {
          trellisHasher: () => { update(c: Uint8Array): void; digest(): unknown };
        }
      ).trellisHasher();
      for (const c of 'abc') hasher.update(new TextEncoder().encode(c));
      return hasher.digest();
    });
    expect(inPage).toEqual(expected);
    // The bundle defines globals only (no DOM), so a worker can importScripts it.
    const inWorker = await page.evaluate(async () => {
      // The root tsconfig has no DOM types: the page's globals are typed here as used.
      interface PageWorker {
        onmessage: (event: { data: unknown }) => void;
        onerror: (event: { message: string }) => void;
      }
      const web = globalThis as unknown as {
        location: { origin: string };
        Worker: new (url: string) => PageWorker;
        Blob: new (parts: string[]) => object;
        URL: { createObjectURL(blob: object): string };
      };
      const source = `importScripts('${web.location.origin}/trellis-verify.js');
        const h = trellisHasher(); h.update(new TextEncoder().encode('abc'));
        postMessage(h.digest());`;
      const worker = new web.Worker(web.URL.createObjectURL(new web.Blob([source])));
      return new Promise((resolve, reject) => {
        worker.onmessage = (event) => resolve(event.data);
        worker.onerror = (event) => reject(new Error(event.message));
      });
    });
    expect(inWorker).toEqual(expected);
  });

  it('refusesABadGenesis_asAResult', async () => {
    const result = await page.evaluate(() =>
      (
        globalThis as unknown as { trellisVerify: (g: string, b: Uint8Array) => unknown }
      ).trellisVerify('{}', new Uint8Array(1)),
    );
    expect(result).toMatchObject({ verified: false, code: 'bad-genesis', path: 'format' });
  });
});
