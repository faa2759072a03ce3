// End-to-end test of the portal's landing page in a real browser: a production build served by
// `next start`, pointed at a stand-in API server, read by Debian's Chromium via playwright-core.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import {
  type PortalServer,
  launchChromium,
  requireBrowserAndBuild,
  startPortal,
} from './support/portal-server';
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

/** How the stand-in API answers /api/health. */
type HealthMode = 'ok' | 'error' | 'hang';

describe('portal landing page', () => {
  let healthMode: HealthMode = 'ok';
  let api: http.Server;
  let apiUrl: string;
  let server: PortalServer | undefined;
  let portalUrl: string;
  let userDataDir: string;
  let browser: BrowserContext | undefined;
  let page: Page;

  beforeAll(async () => {
    requireBrowserAndBuild();

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

    server = await startPortal(apiUrl);
    portalUrl = `${server.url}/`;

    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-portal-chromium-'));
    browser = await launchChromium(userDataDir);
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
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
      if (
        PORTAL_NAMES[i] === 'Court verification' ||
        PORTAL_NAMES[i] === 'Tax bureau & merchants'
      ) {
        expect(text).not.toContain('Planned');
      } else {
        expect(text).toContain('Planned — not yet available');
      }
    }
    // Only the available portals link anywhere: to their pages.
    const links = portals.locator('a');
    expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
      '/invoices/merchant',
      '/invoices/wallet',
      '/invoices/bureau',
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
