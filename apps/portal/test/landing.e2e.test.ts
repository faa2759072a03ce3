// End-to-end test of the portal's landing page in a real browser: a production build served by
// `next start`, pointed at a stand-in API server, read by Debian's Chromium via playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const PORTAL_DIR = path.resolve(__dirname, '..');
const NEXT_BIN = require.resolve('next/dist/bin/next');
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = path.join(os.tmpdir(), 'trellis-portal-landing.png');

const PORTAL_NAMES = [
  'Tax bureau & merchants',
  'SME financing',
  'Copyright deposit',
  'Product traceability scan',
  'Court verification',
  'Government data directory',
  'Chain explorer',
];

const nextEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  ...extra,
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Waits until `url` answers at all, or fails early if the server process dies. */
async function waitForServer(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`next start exited before it was ready:\n${log()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`next start did not answer at ${url} within 60 s:\n${log()}`);
}

/** How the stand-in API answers /api/health. */
type HealthMode = 'ok' | 'error' | 'hang';

describe('portal landing page', () => {
  let healthMode: HealthMode = 'ok';
  let api: http.Server;
  let apiUrl: string;
  let server: ChildProcess | undefined;
  let serverLog = '';
  let portalUrl: string;
  let userDataDir: string;
  let browser: BrowserContext | undefined;
  let page: Page;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: this test needs Debian's Chromium (apt-get install -y chromium).`,
      );
    }
    // Built once per run by `npm test` (`npm run build`), never here: two test files building
    // the same .next folder at once would corrupt it.
    if (!fs.existsSync(path.join(PORTAL_DIR, '.next', 'BUILD_ID'))) {
      throw new Error('the portal is not built: run `npm run build` first (`npm test` does)');
    }

    api = http.createServer((req, res) => {
      if (req.url !== '/api/health') {
        res.writeHead(404).end();
      } else if (healthMode === 'ok') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      } else if (healthMode === 'error') {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"error"}');
      } // 'hang': never answer
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

    const port = await freePort();
    portalUrl = `http://127.0.0.1:${port}/`;
    server = spawn(process.execPath, [NEXT_BIN, 'start', '-p', String(port), '-H', '127.0.0.1'], {
      cwd: PORTAL_DIR,
      env: nextEnv({ NODE_ENV: 'production', TRELLIS_API_URL: apiUrl }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    server.stdout?.on('data', (d: Buffer) => (serverLog += d.toString()));
    server.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
    await waitForServer(portalUrl, server, () => serverLog);

    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-portal-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
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
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (server?.pid !== undefined && server.exitCode === null && server.signalCode === null) {
      const proc = server;
      const pid = server.pid;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      process.kill(-pid, 'SIGTERM');
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
    if (api?.listening) {
      api.closeAllConnections();
      await new Promise<void>((resolve) => api.close(() => resolve()));
    }
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  }, 30_000);

  async function load(): Promise<string> {
    const res = await page.goto(portalUrl);
    expect(res?.status()).toBe(200);
    return (await page.locator('#api-status').innerText()).trim();
  }

  it('names every portal, says they are planned, and shows the API as up', async () => {
    healthMode = 'ok';
    expect(await load()).toBe('API: up');

    expect(await page.title()).toBe('Trellis');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').allInnerTexts()).toEqual(['Trellis']);

    const portals = page.locator('ul.portals > li');
    expect(await portals.locator('h3').allInnerTexts()).toEqual(PORTAL_NAMES);
    const texts = await portals.allInnerTexts();
    for (const [i, text] of texts.entries()) {
      expect(text).toMatch(/For: \S/);
      if (PORTAL_NAMES[i] === 'Court verification') {
        expect(text).not.toContain('Planned');
      } else {
        expect(text).toContain('Planned — not yet available');
      }
    }
    // Only the available portal links anywhere: to its two pages.
    const links = portals.locator('a');
    expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
      '/court/verify',
      '/evidence',
    ]);
    const court = portals.filter({ hasText: 'Court verification' });
    expect(await court.locator('a').allInnerTexts()).toEqual([
      'Verify evidence',
      'Deposit evidence',
    ]);

    // The docs link is built from TRELLIS_API_URL at request time, not at build time.
    const docs = page.getByRole('link', { name: 'API documentation' });
    expect(await docs.getAttribute('href')).toBe(`${apiUrl}/api/docs`);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  }, 30_000);

  it('shows an API that answers with an error as unhealthy', async () => {
    healthMode = 'error';
    expect(await load()).toBe('API: unhealthy (HTTP 503)');
  }, 30_000);

  it('gives up on an API that does not answer after about 1.5 s', async () => {
    healthMode = 'hang';
    const started = Date.now();
    expect(await load()).toBe('API: unreachable');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(10_000);
  }, 30_000);

  it('shows an API that is down as unreachable, and still renders the page', async () => {
    api.closeAllConnections();
    await new Promise<void>((resolve) => api.close(() => resolve()));
    expect(await load()).toBe('API: unreachable');
    expect(await page.locator('ul.portals > li').count()).toBe(PORTAL_NAMES.length);
  }, 30_000);
});
