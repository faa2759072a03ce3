// End-to-end test of the evidence pages against the real stack: four validator processes, the
// judicial-evidence service on a fresh PostgreSQL database (apps/judicial-evidence's test
// stack, run as a child process), and `next start` of the built portal, read by Debian's
// Chromium. Nothing is mocked: the depositor signs in with the service's own sign-in, deposits
// are committed on the chain, and the court page (no sign-in) verifies their proof bundles in
// the browser against the consortium's genesis file.
//
// TRELLIS_GUIDE_SCREENSHOTS=1 also saves the screenshots of docs/guides/judicial-evidence.md.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { type StackProcess, startStackProcess } from './support/stack-process';
import {
  PORTAL_DIR,
  type PortalServer,
  freePort,
  launchChromium,
  requireBrowserAndBuild,
  startPortal,
} from './support/portal-server';

const REPO = path.resolve(PORTAL_DIR, '..', '..');
const GUIDE_IMG =
  process.env['TRELLIS_GUIDE_SCREENSHOTS'] === '1' ? path.join(REPO, 'docs/guides/img') : null;
const API = '/api/judicial-evidence';

// The accounts of apps/judicial-evidence's test stack (EVIDENCE_TEST_ACCOUNTS there; the portal
// may import nothing of ours, so they are named here), with the test password.
const PASSWORD = 'test password, not a secret';
/** The bank's depositor (role depositor) and the court's clerk (role court). */
const DEPOSITOR = 'depositor';
const CLERK = 'clerk';

interface Deposit {
  id: string;
  sha256: string;
  sm3: string;
  title: string;
  depositor: string;
  depositorName: string;
  height: string;
  timeMs: string;
  links: { verifyPage: string };
}

/** Deterministic bytes that look random (a file no earlier run deposited: the seed varies). */
function evidenceBytes(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
/** SM3 by OpenSSL: independent of the page's own SM3. */
const sm3 = (file: string): string =>
  execFileSync('openssl', ['dgst', '-sm3', '-r', file], { encoding: 'utf8' }).split(' ')[0]!;
const utc = (ms: number): string =>
  `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

describe('evidence pages on the real stack', () => {
  let stack: StackProcess | undefined;
  let server: PortalServer | undefined;
  let portalUrl: string;
  let workDir: string;
  let browser: BrowserContext | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  /** The evidence (6 MiB) and the same file with one byte changed. */
  let genuine: { file: string; bytes: Buffer; sha256: string; sm3: string };
  let altered: { file: string; sha256: string; sm3: string };
  let deposit: Deposit;

  beforeAll(async () => {
    requireBrowserAndBuild();
    if (!fs.existsSync(path.join(PORTAL_DIR, 'public', 'dist', 'trellis-verify.js'))) {
      throw new Error('public/dist/trellis-verify.js is missing: `npm run build` copies it');
    }
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-portal-evidence-'));
    const bytes = evidenceBytes(6 * 1024 * 1024 + 123, Date.now());
    const file = path.join(workDir, 'loan-agreement.pdf');
    fs.writeFileSync(file, bytes);
    genuine = { file, bytes, sha256: sha256(bytes), sm3: sm3(file) };
    const changed = Buffer.from(bytes);
    changed[4_000_000] = changed[4_000_000]! ^ 0x01;
    const alteredFile = path.join(workDir, 'loan-agreement-altered.pdf');
    fs.writeFileSync(alteredFile, changed);
    altered = { file: alteredFile, sha256: sha256(changed), sm3: sm3(alteredFile) };

    const port = await freePort();
    portalUrl = `http://127.0.0.1:${port}`;
    stack = await startStackProcess('evidence', portalUrl);
    server = await startPortal(stack.apiUrl, port);
    browser = await launchChromium(path.join(workDir, 'profile'), { width: 1000, height: 860 });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await stack?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  }, 90_000);

  afterEach(() => {
    // The pages work without JavaScript errors.
    expect(pageErrors).toEqual([]);
  });

  /** Saves a guide screenshot: the whole page, the viewport, or the result section only. */
  async function shot(name: string, what: 'page' | 'viewport' | 'result' = 'page'): Promise<void> {
    if (!GUIDE_IMG) return;
    fs.mkdirSync(GUIDE_IMG, { recursive: true });
    const file = path.join(GUIDE_IMG, `judicial-evidence-${name}.png`);
    if (what === 'result') {
      await page.locator('section[aria-labelledby="result-heading"]').screenshot({ path: file });
    } else {
      await page.screenshot({ path: file, fullPage: what === 'page' });
    }
    expect(fs.statSync(file).size).toBeLessThan(200 * 1024);
  }

  async function verdict(): Promise<{ state: string | null; text: string }> {
    const el = page.getByTestId('verdict').first();
    await el.waitFor({ timeout: 60_000 });
    return { state: await el.getAttribute('data-state'), text: (await el.innerText()).trim() };
  }

  /** Signs in through the evidence page's sign-in box (nobody is signed in yet). */
  async function signInAs(username: string): Promise<void> {
    await page.getByTestId('signin-username').waitFor({ timeout: 60_000 });
    await page.getByTestId('signin-username').fill(username);
    await page.getByTestId('signin-password').fill(PASSWORD);
    await page.getByTestId('signin-submit').click();
    await page
      .getByTestId('signed-in-as')
      .filter({ hasText: `Signed in as ${username} ` })
      .waitFor({ timeout: 60_000 });
  }

  /** A session token of `username`, for API calls outside the browser (not its cookie jar). */
  async function bearer(username: string): Promise<Record<string, string>> {
    const res = await fetch(`${portalUrl}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    expect(res.status).toBe(201);
    const { token } = (await res.json()) as { token: string };
    return { authorization: `Bearer ${token}` };
  }

  it('depositor page: asks for sign-in, and shows a court clerk which role it needs', async () => {
    await page.goto(`${portalUrl}/evidence`);
    await page.getByTestId('signin-username').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('signin-hint').innerText()).toContain('depositor role');
    expect(await page.getByTestId('deposit-file').count()).toBe(0);
    // Without a session the API refuses the organisation's list and a deposit.
    const anonymous = [
      await page.request.get(`${portalUrl}${API}/deposits`),
      await page.request.post(`${portalUrl}${API}/deposits`, {
        data: { sha256: '1'.repeat(64), sm3: '2'.repeat(64), type: 'other', title: 'anonymous' },
      }),
    ];
    for (const res of anonymous) {
      expect(res.status()).toBe(401);
      expect((await res.json()) as { type: string }).toMatchObject({
        type: 'urn:trellis:problem:sign-in-required',
      });
    }

    await signInAs(CLERK);
    const refusal = page.getByTestId('role-required');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain(
      'The evidence desk is for an account with the depositor role; clerk has the court role.',
    );
    expect(await page.getByTestId('deposit-file').count()).toBe(0);
    await page.getByTestId('sign-out').click();
    await page.getByTestId('signin-hint').waitFor();
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);
  }, 120_000);

  it('depositor page: deposits a file with upload progress, and lists it in My deposits', async () => {
    await page.goto(`${portalUrl}/evidence`);
    await signInAs(DEPOSITOR);
    // The desk acts as the account's organisation, named as the consortium's genesis names it.
    await page
      .getByTestId('depositor-org')
      .filter({ hasText: 'Commercial Bank' })
      .waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('depositor-org').innerText()).toBe(
      'Deposits are made for Commercial Bank (bank), the organisation of depositor.',
    );
    expect(await page.getByTestId('deposit-submit').innerText()).toBe('Deposit as Commercial Bank');
    await page.getByTestId('deposit-file').setInputFiles(genuine.file);
    await page.getByTestId('deposit-type').selectOption('contract');
    await page.getByTestId('deposit-title').fill('Loan agreement 2026-117');
    // Record every state of the progress bar while the upload runs.
    await page.evaluate(() => {
      const seen: [number, number][] = [];
      (window as unknown as { progressSeen: typeof seen }).progressSeen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector<HTMLProgressElement>('[data-testid="upload-progress"]');
        if (bar) seen.push([bar.value, bar.max]);
      }).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        characterData: true,
      });
    });
    // Loopback sends 6 MiB in one go; at 4 MiB/s (Chromium's own network throttling) the
    // upload takes long enough for progress events, as on a real network.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 4 * 1024 * 1024,
    });
    await page.getByTestId('deposit-submit').click();
    const result = page.getByTestId('deposit-result');
    try {
      await page.waitForFunction(() => {
        const bar = document.querySelector<HTMLProgressElement>('[data-testid="upload-progress"]');
        return bar !== null && bar.max > 1 && bar.value > bar.max / 4;
      });
      await shot('uploading', 'viewport');
      await result.waitFor({ timeout: 90_000 });
    } finally {
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      await cdp.detach();
    }
    const id = (await page.getByTestId('created-id').innerText()).trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const text = await result.innerText();
    expect(text).toContain('Deposited “Loan agreement 2026-117” as Commercial Bank in block');
    expect(text).toContain(genuine.sha256);
    expect(text).toContain(genuine.sm3);

    const seen = await page.evaluate(
      () => (window as unknown as { progressSeen: [number, number][] }).progressSeen,
    );
    // The bar reported bytes sent out of the whole multipart body (the file and a little more).
    const uploading = seen.filter(([value, max]) => max > 1 && value > 0);
    expect(uploading.length).toBeGreaterThan(0);
    for (const [value, max] of uploading) {
      expect(max).toBeGreaterThanOrEqual(genuine.bytes.length);
      expect(value).toBeLessThanOrEqual(max);
    }

    // The service's record, read back through the portal's /api forwarder.
    const res = await page.request.get(`${portalUrl}${API}/deposits/${id}`);
    expect(res.status()).toBe(200);
    deposit = (await res.json()) as Deposit;
    expect(deposit).toMatchObject({
      id,
      sha256: genuine.sha256,
      sm3: genuine.sm3,
      depositor: 'bank',
      title: 'Loan agreement 2026-117',
    });

    // My deposits lists it, with its certificate and court links; the search finds it.
    const row = page.locator(`[data-testid="deposit-row"][data-deposit-id="${id}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('Loan agreement 2026-117');
    expect(
      await row.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))),
    ).toEqual([`${API}/deposits/${id}/certificate.pdf`, `/court/verify?deposit=${id}`]);
    await shot('deposit');
    await page.getByTestId('search-input').fill('no such title anywhere');
    await page.getByTestId('search-submit').click();
    await page.getByTestId('no-deposits').waitFor();
    await page.getByTestId('search-input').fill('Loan agreement');
    await page.getByTestId('search-submit').click();
    await row.waitFor();

    // The same file again, for the same organisation: refused, pointing at the first deposit.
    await page.getByTestId('deposit-title').fill('Loan agreement, again');
    await page.getByTestId('deposit-submit').click();
    const refusal = page.getByTestId('deposit-error');
    await refusal.waitFor({ timeout: 60_000 });
    expect(await refusal.innerText()).toContain('(already-deposited)');
    expect(await refusal.locator('a').getAttribute('href')).toBe(`/court/verify?deposit=${id}`);

    const pdf = await page.request.get(`${portalUrl}${API}/deposits/${id}/certificate.pdf`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  }, 180_000);

  it('court page: the genuine file, hashed in the browser and never uploaded, is Verified', async () => {
    await page.goto(`${portalUrl}/court/verify`);
    const sent: Request[] = [];
    const onRequest = (r: Request) => sent.push(r);
    page.on('request', onRequest);
    await page.getByTestId('file-input').setInputFiles(genuine.file);
    const { state, text } = await verdict();
    page.off('request', onRequest);
    expect(state).toBe('verified');
    expect(text).toBe(
      `Verified: this exact file was deposited by Commercial Bank (bank) on ` +
        `${utc(Number(deposit.timeMs))}, block ${deposit.height}, signed by ` +
        text.match(/signed by (\d) of/)![1] +
        ` of 4 validators (quorum 3).`,
    );
    expect(Number(text.match(/signed by (\d) of/)![1])).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('file-digests').innerText()).toContain(genuine.sm3);
    expect(await page.getByTestId('depositor').innerText()).toBe('Commercial Bank (bank)');
    expect(await page.getByTestId('block').innerText()).toMatch(new RegExp(`^${deposit.height} `));
    expect(await page.getByTestId('proven-sha256').innerText()).toBe(genuine.sha256);
    expect(await page.getByTestId('deposit-id').innerText()).toBe(deposit.id);
    // The genesis the check relied on is the consortium's own file, byte for byte.
    const genesis = fs.readFileSync(path.join(stack!.consortiumDir, 'genesis.json'));
    expect(await page.getByTestId('genesis-sha256').innerText()).toBe(sha256(genesis));
    await page.getByTestId('evidence-chain').locator('li').first().waitFor();
    expect(await page.getByTestId('evidence-chain').locator('a').getAttribute('href')).toBe(
      `/court/verify?deposit=${deposit.id}`,
    );
    expect(await page.getByTestId('presentations').innerText()).toBe(
      'Not yet presented in any case.',
    );

    // The page asked only by digest: no request carried the file.
    expect(sent.filter((r) => r.method() !== 'GET').map((r) => r.url())).toEqual([]);
    expect(sent.map((r) => r.url())).toContain(
      `${portalUrl}${API}/verify?sha256=${genuine.sha256}`,
    );
    expect(sent.map((r) => r.url())).toContain(`${portalUrl}${API}/deposits/${deposit.id}/proof`);
    await shot('verified', 'result');
  }, 120_000);

  it('court page: the same file with one byte changed is a clear MISMATCH', async () => {
    await page.goto(`${portalUrl}/court/verify`);
    await page.getByTestId('file-input').setInputFiles(altered.file);
    const { state, text } = await verdict();
    expect(state).toBe('mismatch');
    expect(text).toBe(
      `MISMATCH This file is not deposited evidence: its SHA-256 ${altered.sha256} matches no deposit on the chain.`,
    );
    expect(await page.getByTestId('verdict').evaluate((el) => getComputedStyle(el).color)).not.toBe(
      'rgb(0, 0, 0)',
    );
    await shot('mismatch');
  }, 120_000);

  it('court page: a file dropped on the drop zone is hashed in the page as OpenSSL hashes it', async () => {
    await page.goto(`${portalUrl}/court/verify`);
    const bytes = evidenceBytes(120_000, 42);
    const file = path.join(workDir, 'dropped.eml');
    fs.writeFileSync(file, bytes);
    // A real drop event carrying the file, as a browser dispatches it when a file is dragged in.
    await page.getByTestId('dropzone').evaluate(
      (zone, data) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(data)], 'dropped.eml'));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true }));
      },
      [...bytes],
    );
    const { state, text } = await verdict();
    expect(state).toBe('mismatch');
    expect(text).toContain(`its SHA-256 ${sha256(bytes)} matches no deposit`);
    expect(await page.getByTestId('file-digests').innerText()).toBe(
      `dropped.eml: SHA-256 ${sha256(bytes)}, SM3 ${sm3(file)} (computed in this browser)`,
    );
  }, 60_000);

  it('court page: the certificate QR link verifies the deposit, and tells a different file apart', async () => {
    expect(deposit.links.verifyPage).toBe(`${portalUrl}/court/verify?deposit=${deposit.id}`);
    // A later deposit in the same evidence chain (by digest), and a court's presentation.
    const photo = evidenceBytes(4096, 7);
    const child = await page.request.post(`${portalUrl}${API}/deposits`, {
      headers: await bearer(DEPOSITOR),
      data: {
        sha256: sha256(photo),
        sm3: createHash('sha256').update('not the real sm3').digest('hex'),
        type: 'image',
        title: 'Photo of the signed page',
        parent: deposit.id,
      },
    });
    expect(child.status()).toBe(201);
    // Only an account with the court role records a presentation, for its court.
    const byDepositor = await page.request.post(
      `${portalUrl}${API}/deposits/${deposit.id}/presentations`,
      { headers: await bearer(DEPOSITOR), data: { caseNumber: '(2026) Civ 117' } },
    );
    expect(byDepositor.status()).toBe(403);
    expect((await byDepositor.json()) as { type: string }).toMatchObject({
      type: 'urn:trellis:problem:role-required',
    });
    const presented = await page.request.post(
      `${portalUrl}${API}/deposits/${deposit.id}/presentations`,
      { headers: await bearer(CLERK), data: { caseNumber: '(2026) Civ 117' } },
    );
    expect(presented.status()).toBe(201);

    await page.goto(deposit.links.verifyPage);
    expect(await page.getByTestId('opened-deposit').innerText()).toContain(deposit.id);
    const { state, text } = await verdict();
    expect(state).toBe('verified');
    expect(text).toMatch(
      new RegExp(
        `^Verified: “Loan agreement 2026-117” \\(SHA-256 ${genuine.sha256.slice(0, 16)}…\\) was deposited by Commercial Bank \\(bank\\) on .* UTC, block ${deposit.height}, signed by [34] of 4 validators \\(quorum 3\\)\\.$`,
      ),
    );
    const chain = page.getByTestId('evidence-chain').locator('li');
    await chain.nth(1).waitFor();
    expect(await chain.allInnerTexts()).toEqual([
      expect.stringMatching(/^Loan agreement 2026-117 — Commercial Bank, .* UTC \(this deposit\)$/),
      expect.stringMatching(/^Photo of the signed page — .*, .* UTC$/),
    ]);
    expect(await page.getByTestId('presentations').innerText()).toMatch(
      /^Case \(2026\) Civ 117, court, block \d+, .* UTC$/,
    );
    await shot('qr-link', 'result');

    await page.getByTestId('file-input').setInputFiles(altered.file);
    await page.getByTestId('verdict').and(page.locator('[data-state="mismatch"]')).waitFor();
    expect((await verdict()).text).toBe(
      `MISMATCH This file is not the deposited evidence: its SHA-256 is ${altered.sha256}, the deposit records ${genuine.sha256}.`,
    );

    await page.getByTestId('file-input').setInputFiles(genuine.file);
    await page.getByTestId('verdict').and(page.locator('[data-state="verified"]')).waitFor();
    expect((await verdict()).text).toMatch(
      /^Verified: this exact file was deposited by Commercial Bank/,
    );
  }, 120_000);

  it('court page: a pasted SM3 digest verifies; a tampered proof bundle is NOT VERIFIED', async () => {
    await page.goto(`${portalUrl}/court/verify`);
    await page.getByTestId('digest-algorithm').selectOption('sm3');
    await page.getByTestId('digest-input').fill(genuine.sm3.toUpperCase());
    await page.getByTestId('digest-submit').click();
    const pasted = await verdict();
    expect(pasted.state).toBe('verified');
    expect(pasted.text).toMatch(
      /^Verified: evidence with this SM3 digest was deposited by Commercial Bank \(bank\) on /,
    );

    // The same check with one byte of the proof's last signature flipped on the way in: the
    // browser's verifier must refuse it, whatever the service said.
    await page.route(`**${API}/deposits/*/proof`, async (route) => {
      const res = await route.fetch();
      const body = Buffer.from(await res.body());
      body[body.length - 3] = body[body.length - 3]! ^ 0x01;
      await route.fulfill({ response: res, body });
    });
    try {
      await page.goto(`${portalUrl}/court/verify`);
      await page.getByTestId('file-input').setInputFiles(genuine.file);
      const { state, text } = await verdict();
      expect(state).toBe('not-verified');
      expect(text).toMatch(/^NOT VERIFIED The proof of deposit [0-9a-f]{64} failed verification: /);
      expect(await page.getByTestId('verify-reason').innerText()).toMatch(
        /\(bad-[a-z-]+ at \S+\)$/,
      );
      await shot('not-verified', 'result');
    } finally {
      await page.unroute(`**${API}/deposits/*/proof`);
    }
  }, 120_000);
});
