// End-to-end test of the e-invoice pages against the real stack: four validator processes, the
// e-invoice service on a fresh PostgreSQL database when DATABASE_URL is set (apps/invoice's test
// stack, run as a child process), and `next start` of the built portal, driven in Debian's
// Chromium. Nothing is mocked: every sign-in is the service's, every action in the pages is a
// transaction committed on the chain.
//
// The story, each step signed in through the page as the account whose role it needs: the tax
// officer registers a merchant → the manufacturer's merchant issues an invoice for it to buyer
// wallet:zhang → that buyer claims it → the bank's finance reimburses it → the tax bureau's own
// finance is refused a second reimbursement → the dashboard shows the amount, the
// duplicate-reimbursement anomaly, and the drill-down.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import {
  ApiError,
  InvoiceInputError,
  formatPercent,
  formatYuan,
  isUscc,
  lineTotals,
  parsePercent,
  parseQuantity,
  parseYuan,
  signInErrorText,
} from '../app/_lib/invoice-api';
import { type StackProcess, startStackProcess } from './support/stack-process';
import {
  type PortalServer,
  freePort,
  launchChromium,
  requireBrowserAndBuild,
  startPortal,
} from './support/portal-server';

const API = '/api/invoice';

/** A unified social credit code with its check character (GB 32100-2015), computed here. */
function uscc(body17: string): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const sum = [...body17].reduce((acc, c, i) => acc + alphabet.indexOf(c) * weights[i]!, 0);
  return body17 + alphabet[(31 - (sum % 31)) % 31];
}

const SHOP = uscc('91440300MA5F0XHQP');

// The accounts of apps/invoice's test stack (INVOICE_TEST_ACCOUNTS there; the portal may import
// nothing of ours, so they are named here), all with the test password.
const PASSWORD = 'test password, not a secret';
const ACCOUNTS = {
  'tax-officer': 'Signed in as tax-officer — Tax Bureau (tax-bureau)',
  merchant: 'Signed in as merchant — Manufacturer (merchant)',
  buyer: 'Signed in as buyer — Commercial Bank (buyer)',
  finance: 'Signed in as finance — Commercial Bank (enterprise)',
  'bureau-finance': 'Signed in as bureau-finance — Tax Bureau (enterprise)',
} as const;
type Username = keyof typeof ACCOUNTS;
/** The buyer account's buyer id (its subject): invoices issued to it are claimed into it. */
const WALLET = 'wallet:zhang';
/** Another buyer's id: the second invoice is issued to it. */
const OTHER_WALLET = 'wallet:li-lei';
const SESSION_COOKIE = 'trellis_session';

// The first invoice: 2 × ¥1,250.50 at 13 % and 3 × ¥99.99 at 6 %. Worked out by hand:
//   line 1 net 250100, tax 250100 × 0.13 = 32513 (exact)
//   line 2 net  29997, tax  29997 × 0.06 = 1799.82 → 1800 (half up, per line)
//   net 280097 + tax 34313 = gross 314410 fen = ¥3,144.10
const FIRST_GROSS = '¥3,144.10';
// The second invoice, 1 × ¥100.00 at 0 %, credited by ¥40.00: remainder ¥60.00.
// Totals for the merchant: 314410 + 10000 − 4000 = 320410 fen.
const TOTAL_GROSS_MINOR = '320410';
const TOTAL_GROSS = '¥3,204.10';

describe('e-invoice pages on the real stack', () => {
  let stack: StackProcess | undefined;
  let server: PortalServer | undefined;
  let portalUrl: string;
  let workDir: string;
  let browser: BrowserContext | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  /** The first invoice's number, and the one that gets a credit note. */
  let number = '';
  let second = '';

  beforeAll(async () => {
    requireBrowserAndBuild();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-portal-invoices-'));
    const port = await freePort();
    stack = await startStackProcess('invoice', `http://127.0.0.1:${port}`);
    // CI sets DATABASE_URL: the service then runs on that PostgreSQL, not its embedded one.
    expect(stack.database).toBe(process.env['DATABASE_URL'] ? 'postgres' : 'pglite');
    server = await startPortal(stack.apiUrl, port);
    portalUrl = server.url;
    browser = await launchChromium(path.join(workDir, 'profile'), { width: 1200, height: 900 });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // A refused request logs "Failed to load resource" (the 409s this test provokes): not
      // an error of the page's own code. Anything else logged as an error is.
      if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) {
        pageErrors.push(`console: ${message.text()}`);
      }
    });
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await stack?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  }, 90_000);

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  /** The sign-in box has checked who is signed in: it shows the form or the account. */
  async function signInSettled(): Promise<void> {
    await page
      .locator('[data-testid="signin-username"], [data-testid="signed-in-as"]')
      .first()
      .waitFor({ timeout: 60_000 });
  }

  /** Signs in through the page's form as `username` (ending any other session first). */
  async function signInAs(username: Username): Promise<void> {
    await signInSettled();
    const signedIn = page.getByTestId('signed-in-as');
    if (
      (await signedIn.count()) > 0 &&
      (await signedIn.innerText()).trim() === ACCOUNTS[username]
    ) {
      return;
    }
    if ((await page.getByTestId('signin-username').count()) === 0) {
      // Signed in as someone who may use this desk: sign out to sign in as `username`.
      await page.getByTestId('sign-out').click();
    }
    await page.getByTestId('signin-username').fill(username);
    await page.getByTestId('signin-password').fill(PASSWORD);
    await page.getByTestId('signin-submit').click();
    await signedIn.filter({ hasText: `Signed in as ${username} ` }).waitFor({ timeout: 60_000 });
    expect((await signedIn.innerText()).trim()).toBe(ACCOUNTS[username]);
  }

  /** The session cookie as the browser holds it, if any. */
  const sessionCookie = async () =>
    (await browser!.cookies(`${portalUrl}/api/sessions`)).find((c) => c.name === SESSION_COOKIE);

  /** A full-page screenshot in the temp folder, for people reviewing the pages. */
  const shot = (name: string) =>
    page.screenshot({
      path: path.join(os.tmpdir(), `trellis-portal-invoices-${name}.png`),
      fullPage: true,
    });

  const text = async (testId: string): Promise<string> => {
    const el = page.getByTestId(testId);
    await el.waitFor({ timeout: 60_000 });
    return (await el.innerText()).trim();
  };

  it('hub and landing page: the e-invoice portal is linked, and each desk asks for sign-in', async () => {
    await page.goto(`${portalUrl}/`);
    const card = page.locator('ul.portals > li').filter({ hasText: 'Tax bureau & merchants' });
    expect(
      await card.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))),
    ).toEqual(['/invoices/merchant', '/invoices/wallet', '/invoices/bureau']);
    expect(await card.innerText()).not.toContain('Planned');

    await page.goto(`${portalUrl}/invoices`);
    expect(await page.title()).toBe('E-invoices — Trellis');
    const notice = await text('sign-in-notice');
    expect(notice).toMatch(/^Each desk asks you to sign in/);
    expect(notice).not.toContain('coming');
    expect(
      await page.getByRole('navigation', { name: 'E-invoice roles' }).locator('a').allInnerTexts(),
    ).toEqual(['Merchant', 'Buyer & enterprise', 'Tax bureau']);
    // A number that is on no chain: the drill-down says so (no sign-in needed to look).
    await page.getByTestId('lookup-number').fill('26441000001999999999');
    await page.getByTestId('lookup-submit').click();
    await page.waitForURL(`${portalUrl}/invoices/26441000001999999999`);
    expect(await text('invoice-error')).toMatch(
      /^No invoice 26441000001999999999 is on the chain\. .*\(no-such-invoice\)$/,
    );
  }, 60_000);

  it('sign-in: a wrong password shows the error and no desk; the session is an HttpOnly cookie', async () => {
    await page.goto(`${portalUrl}/invoices/bureau`);
    await signInSettled();
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);
    expect(await page.getByTestId('dashboard').count()).toBe(0);
    expect(await text('signin-hint')).toContain('tax-bureau role');
    // The browser may fill the form from its password manager: the fields say what they are.
    expect(await page.getByTestId('signin-username').getAttribute('autocomplete')).toBe('username');
    expect(await page.getByTestId('signin-password').getAttribute('autocomplete')).toBe(
      'current-password',
    );
    expect(await page.getByTestId('signin-password').getAttribute('type')).toBe('password');

    await page.getByTestId('signin-username').fill('tax-officer');
    await page.getByTestId('signin-password').fill('not the password');
    await page.getByTestId('signin-submit').click();
    expect(await text('signin-error')).toBe('Wrong username or password.');
    expect(await page.getByTestId('signin-error').getAttribute('role')).toBe('alert');
    expect(await page.getByTestId('signin-password').inputValue()).toBe('');
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);
    expect(await page.getByTestId('dashboard').count()).toBe(0);
    expect(await sessionCookie()).toBeUndefined();
    // An unknown account reads the same: which of the two was wrong is not said.
    await page.getByTestId('signin-username').fill('nobody-here');
    await page.getByTestId('signin-password').fill(PASSWORD);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('signin-password').and(page.locator(':enabled')).waitFor();
    expect(await text('signin-error')).toBe('Wrong username or password.');

    await signInAs('tax-officer');
    await page.getByTestId('dashboard').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('signin-error').count()).toBe(0);

    const cookie = await sessionCookie();
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api' });
    expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Page scripts never see it: not on this page, nor on a page under /api where the cookie's
    // path matches (only HttpOnly keeps it out of document.cookie there), nor in storage.
    expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);
    const storage = await page.evaluate(() =>
      JSON.stringify({ ...window.localStorage, ...window.sessionStorage }),
    );
    expect(storage).not.toContain(cookie!.value);
    await page.goto(`${portalUrl}${API}/read-model`);
    expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);
    expect(await page.evaluate(() => document.cookie)).not.toContain(cookie!.value);
    // …while the browser does send it with the page's own requests.
    const who = (await page.evaluate(async () => {
      const res = await fetch('/api/sessions/current');
      return { status: res.status, body: (await res.json()) as unknown };
    })) as { status: number; body: unknown };
    expect(who).toEqual({
      status: 200,
      body: {
        account: {
          username: 'tax-officer',
          organisation: 'tax-bureau',
          roles: ['tax-bureau'],
          subject: null,
        },
      },
    });
  }, 120_000);

  it('the tax officer registers a merchant for an organisation of the consortium; a bad tax id is refused', async () => {
    await page.goto(`${portalUrl}/invoices/bureau`);
    await signInAs('tax-officer');
    // The organisations to choose from are the consortium's (GET /organisations).
    expect(
      await page.getByTestId('merchant-org').locator('option:enabled').allInnerTexts(),
    ).toEqual([
      'Tax Bureau (tax-bureau)',
      'Commercial Bank (bank)',
      'Internet Court (court)',
      'Manufacturer (manufacturer)',
    ]);
    await page
      .getByTestId('merchant-tax-id')
      .fill(SHOP.slice(0, 17) + (SHOP[17] === '0' ? '1' : '0'));
    await page.getByTestId('merchant-name').fill('Shenzhen Office Supplies');
    await page.getByTestId('merchant-industry').fill('retail');
    await page.getByTestId('merchant-region').fill('440305');
    await page.getByTestId('merchant-submit').click();
    expect(await text('merchant-error')).toMatch(/valid check character \(bad-tax-id\)$/);
    await page.getByTestId('merchant-tax-id').fill(SHOP);
    // No organisation chosen yet: the page asks for one.
    await page.getByTestId('merchant-submit').click();
    await page
      .getByTestId('merchant-error')
      .filter({ hasText: '(no-organisation)' })
      .waitFor({ timeout: 60_000 });

    await page.getByTestId('merchant-org').selectOption('manufacturer');
    expect(await text('merchant-submit')).toBe('Register as Tax Bureau');
    await page.getByTestId('merchant-submit').click();
    expect(await text('merchant-result')).toBe(
      `Registered Shenzhen Office Supplies (${SHOP}), issued for by Manufacturer.`,
    );
    const row = page.locator(`[data-testid="merchant-row"][data-tax-id="${SHOP}"]`);
    await row.waitFor();
    expect(await row.locator('td').allInnerTexts()).toEqual([
      'Shenzhen Office Supplies',
      SHOP,
      'retail',
      '440305',
      'Manufacturer',
    ]);
  }, 120_000);

  it('the merchant issues an invoice to wallet:zhang with exact amounts, and a credit note never above the remainder', async () => {
    await page.goto(`${portalUrl}/invoices/merchant`);
    // Still the tax officer: the merchant desk says which role it needs and shows nothing else.
    expect(await text('role-required')).toBe(
      'The merchant desk is for an account with the merchant role; tax-officer has the ' +
        'tax-bureau role. Sign out, or sign in below as someone who has it.',
    );
    expect(await page.getByTestId('issue-submit').count()).toBe(0);
    expect(await text('signin-submit')).toBe('Sign in as someone else');
    await page.getByTestId('signin-username').fill('merchant');
    await page.getByTestId('signin-password').fill(PASSWORD);
    await page.getByTestId('signin-submit').click();
    await page
      .getByTestId('signed-in-as')
      .filter({ hasText: 'Signed in as merchant ' })
      .waitFor({ timeout: 60_000 });
    expect(await text('signed-in-as')).toBe(ACCOUNTS.merchant);
    expect(await page.getByTestId('role-required').count()).toBe(0);

    await page
      .locator(`[data-testid="issue-merchant"] option[value="${SHOP}"]`)
      .waitFor({ state: 'attached' });
    // Only the merchants the signed-in organisation issues for.
    expect(await page.getByTestId('issue-merchant').locator('option').count()).toBe(1);
    expect(await page.getByTestId('issue-merchant').inputValue()).toBe(SHOP);
    expect(await text('issue-submit')).toBe('Issue as Manufacturer');
    await page.getByTestId('no-invoices').waitFor();
    const pay = `pay-${Date.now()}`;
    await page.getByTestId('issue-payment-id').fill(pay);
    await page.getByTestId('issue-buyer-name').fill('Zhang Wei');
    await page.getByTestId('issue-buyer-id').fill(WALLET);
    const lines = page.getByTestId('issue-line');
    await lines.nth(0).getByTestId('issue-line-description').fill('Office chair');
    await lines.nth(0).getByTestId('issue-line-quantity').fill('2');
    await lines.nth(0).getByTestId('issue-line-price').fill('1,250.50');
    await lines.nth(0).getByTestId('issue-line-rate').fill('13');
    await page.getByTestId('issue-add-line').click();
    await lines.nth(1).getByTestId('issue-line-description').fill('Desk lamp');
    await lines.nth(1).getByTestId('issue-line-quantity').fill('3');
    await lines.nth(1).getByTestId('issue-line-price').fill('99.99');
    await lines.nth(1).getByTestId('issue-line-rate').fill('6');
    expect(await text('issue-preview')).toBe(`Total: net ¥2,800.97 + tax ¥343.13 = ${FIRST_GROSS}`);
    // A price with three decimals is refused in the page, before anything is sent.
    await lines.nth(1).getByTestId('issue-line-price').fill('99.999');
    await page.getByTestId('issue-submit').click();
    expect(await text('issue-error')).toMatch(
      /^Line 2: “99.999” is not a price in yuan .* \(bad-price\)$/,
    );
    await lines.nth(1).getByTestId('issue-line-price').fill('99.99');
    await page.getByTestId('issue-submit').click();
    const result = await text('issue-result');
    number = (
      await page.getByTestId('issue-result').getByTestId('invoice-link').innerText()
    ).trim();
    expect(number).toMatch(/^\d{20}$/);
    expect(result).toContain(`Issued invoice ${number} for ${FIRST_GROSS} in block`);
    expect(result).toContain(`Net ¥2,800.97, tax ¥343.13; buyer Zhang Wei (wallet ${WALLET}).`);

    // What the chain recorded, read back through the portal's /api forwarder: exact fen, the
    // signed-in account's organisation as the issuer, and the buyer's id.
    const stored = (await (
      await page.request.get(`${portalUrl}${API}/invoices/${number}`)
    ).json()) as {
      netMinor: string;
      taxMinor: string;
      grossMinor: string;
      merchant: { taxId: string; org: string };
      buyer: { id: string | null };
      lines: { unitPriceMinor: unknown; taxRateBasisPoints: unknown }[];
    };
    expect([stored.netMinor, stored.taxMinor, stored.grossMinor]).toEqual([
      '280097',
      '34313',
      '314410',
    ]);
    expect(stored.merchant).toEqual({ taxId: SHOP, org: 'manufacturer' });
    expect(stored.buyer.id).toBe(WALLET);
    expect(
      stored.lines.map((l) => [String(l.unitPriceMinor), String(l.taxRateBasisPoints)]),
    ).toEqual([
      ['125050', '1300'],
      ['9999', '600'],
    ]);
    const row = page.locator(`[data-testid="invoice-row"][data-number="${number}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain(FIRST_GROSS);

    // The same payment again: the chain refuses it.
    await page.getByTestId('issue-payment-id').fill(pay);
    await lines.nth(0).getByTestId('issue-line-description').fill('Office chair');
    await lines.nth(0).getByTestId('issue-line-price').fill('1');
    await page.getByTestId('issue-submit').click();
    expect(await text('issue-error')).toMatch(/\(invoice-refused: payment-already-invoiced\)$/);

    // A second invoice, to another buyer, then a credit note against it: above the remainder
    // is refused.
    await page.getByTestId('issue-payment-id').fill(`${pay}-b`);
    await page.getByTestId('issue-buyer-id').fill(OTHER_WALLET);
    await lines.nth(0).getByTestId('issue-line-description').fill('Stapler box');
    await lines.nth(0).getByTestId('issue-line-quantity').fill('1');
    await lines.nth(0).getByTestId('issue-line-price').fill('100');
    await lines.nth(0).getByTestId('issue-line-rate').fill('0');
    await page.getByTestId('issue-submit').click();
    await page
      .getByTestId('issue-result')
      .filter({ hasText: '¥100.00' })
      .waitFor({ timeout: 60_000 });
    second = (
      await page.getByTestId('issue-result').getByTestId('invoice-link').innerText()
    ).trim();
    const secondRow = page.locator(`[data-testid="invoice-row"][data-number="${second}"]`);
    await secondRow.getByTestId('credit-start').click();
    expect(await text('credit-remainder')).toBe('¥100.00 remains');
    await page.getByTestId('credit-reason').fill('returned goods');
    const credit = page.getByTestId('credit-line').nth(0);
    await credit.getByTestId('credit-line-description').fill('Stapler box returned');
    await credit.getByTestId('credit-line-price').fill('100.01');
    await credit.getByTestId('credit-line-rate').fill('0');
    await page.getByTestId('credit-submit').click();
    expect(await text('credit-error')).toMatch(
      new RegExp(
        `^Refused: this credit note comes to ¥100\\.01, more than the ¥100\\.00 that remains of invoice ${second}\\. .*\\(invoice-refused: credit-exceeds-remainder\\)$`,
      ),
    );
    await credit.getByTestId('credit-line-price').fill('40');
    await page.getByTestId('credit-submit').click();
    expect(await text('credit-result')).toMatch(/^Issued credit note \d{20} for ¥40\.00\.$/);
    expect(await text('credit-remainder')).toBe('¥60.00 remains');
    await secondRow.filter({ hasText: '¥40.00' }).waitFor();
    await shot('merchant');
  }, 180_000);

  it('a signed-in merchant opening the tax bureau desk sees the role it needs, not the dashboard', async () => {
    await page.goto(`${portalUrl}/invoices/bureau`);
    expect(await text('role-required')).toBe(
      'The tax bureau desk is for an account with the tax-bureau role; merchant has the ' +
        'merchant role. Sign out, or sign in below as someone who has it.',
    );
    expect(await text('signed-in-as')).toBe(ACCOUNTS.merchant);
    expect(await page.getByTestId('dashboard').count()).toBe(0);
    expect(await page.getByTestId('merchant-submit').count()).toBe(0);
    expect(await page.getByTestId('freeze-submit').count()).toBe(0);
    await shot('role-required');
  }, 60_000);

  it('the buyer claims the invoice into its own wallet; finance reimburses it; a second enterprise is refused', async () => {
    await page.goto(`${portalUrl}/invoices/wallet`);
    await signInAs('buyer');
    // A buyer only: the buyer's part, with the account's buyer id; no enterprise part.
    expect(await text('buyer-id')).toBe(WALLET);
    expect(await page.getByTestId('enterprise-part').count()).toBe(0);
    await page.getByTestId('wallet-empty').waitFor({ timeout: 60_000 });
    await page.getByTestId('claim-number').fill(number);
    await page.getByTestId('claim-submit').click();
    expect(await text('claim-result')).toBe(
      `Claimed invoice ${number} (${FIRST_GROSS}) into wallet ${WALLET}.`,
    );
    const row = page.locator(`[data-testid="wallet-row"][data-number="${number}"]`);
    await row.waitFor();
    expect(await row.getByTestId('status-badge').innerText()).toBe('claimed');
    expect(await row.getByTestId('reimburse-button').count()).toBe(0);
    expect(await page.getByTestId('wallet-row').count()).toBe(1);
    // The second invoice was issued to another buyer: this one may not claim it.
    await page.getByTestId('claim-number').fill(second);
    await page.getByTestId('claim-submit').click();
    expect(await text('claim-error')).toMatch(/\(invoice-refused: not-the-buyer\)$/);
    expect(await page.getByTestId('wallet-row').count()).toBe(1);

    await signInAs('finance');
    // An enterprise only: the enterprise's part; no wallet.
    expect(await page.getByTestId('buyer-part').count()).toBe(0);
    await page.getByTestId('ledger-empty').waitFor({ timeout: 60_000 });
    await page.getByTestId('reimburse-number').fill(number);
    expect(await text('reimburse-submit')).toBe('Reimburse as Commercial Bank');
    await page.getByTestId('reimburse-submit').click();
    expect(await text('reimburse-result')).toBe(
      `Commercial Bank reimbursed invoice ${number} (${FIRST_GROSS}).`,
    );
    await page.locator(`[data-testid="ledger-row"][data-number="${number}"]`).waitFor();

    // Another enterprise tries the same invoice: the chain refuses, and the page says why.
    await signInAs('bureau-finance');
    await page.getByTestId('ledger-empty').waitFor({ timeout: 60_000 });
    await page.getByTestId('reimburse-number').fill(number);
    expect(await text('reimburse-submit')).toBe('Reimburse as Tax Bureau');
    await page.getByTestId('reimburse-submit').click();
    const refusal = await text('reimburse-error');
    expect(refusal).toMatch(
      new RegExp(
        `^Refused: invoice ${number} was already reimbursed by Commercial Bank; an invoice is reimbursed only once, across all enterprises\\. .*\\(invoice-refused: already-reimbursed\\)$`,
      ),
    );
    expect(await page.getByTestId('reimburse-error').getAttribute('role')).toBe('alert');
    expect(await page.getByTestId('ledger-row').count()).toBe(0);
    await shot('wallet');
  }, 120_000);

  it('tax bureau dashboard: totals over time and per merchant, the duplicate reimbursement, freeze', async () => {
    await page.goto(`${portalUrl}/invoices/bureau`);
    // bureau-finance is of the tax bureau, but an enterprise: not this desk's role.
    await page.getByTestId('role-required').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('dashboard').count()).toBe(0);
    await signInAs('tax-officer');
    await page.getByTestId('day-chart').waitFor({ timeout: 60_000 });
    // The chart's bars carry the exact totals; together they are everything invoiced.
    const bars = page.getByTestId('day-bar');
    const perDay = await bars.evaluateAll((gs) =>
      gs.map((g) => g.getAttribute('data-gross-minor')),
    );
    expect(perDay.reduce((sum, v) => sum + BigInt(v ?? 'x'), 0n)).toBe(BigInt(TOTAL_GROSS_MINOR));
    expect(await bars.locator('rect').count()).toBe(perDay.length);
    if (perDay.length === 1) {
      expect(await page.getByTestId('day-chart').getAttribute('aria-label')).toMatch(
        new RegExp(
          `^Gross invoiced per day \\(China Standard Time\\): \\d{4}-\\d{2}-\\d{2} ${TOTAL_GROSS.replace(/[$.]/g, '\\$&')}$`,
        ),
      );
      expect(await bars.locator('text').first().textContent()).toBe(TOTAL_GROSS);
    }

    const merchant = page.locator(
      `[data-testid="totals-merchant"] [data-testid="totals-row"][data-key="${SHOP}"]`,
    );
    expect((await merchant.locator('th, td').allInnerTexts()).map((t) => t.trim())).toEqual([
      `Shenzhen Office Supplies\n${SHOP}`,
      '2',
      '1',
      '¥2,860.97',
      '¥343.13',
      TOTAL_GROSS,
      '1',
    ]);
    expect(
      await page
        .locator('[data-testid="totals-industry"] [data-key="retail"] [data-testid="totals-gross"]')
        .innerText(),
    ).toBe(TOTAL_GROSS);
    expect(
      await page
        .locator('[data-testid="totals-region"] [data-key="440305"] [data-testid="totals-gross"]')
        .innerText(),
    ).toBe(TOTAL_GROSS);

    const anomaly = page.locator(
      `[data-testid="anomaly-row"][data-kind="duplicate-reimbursement"][data-number="${number}"]`,
    );
    await anomaly.waitFor();
    expect(await anomaly.innerText()).toContain('duplicate-reimbursement');
    await shot('bureau');

    // The tax officer freezes the second invoice and lifts the freeze.
    await page.getByTestId('freeze-number').fill(second);
    await page.getByTestId('freeze-reason').fill('burst of issues');
    await page.getByTestId('freeze-submit').click();
    expect(await text('freeze-result')).toBe(`Invoice ${second} is now frozen (status issued).`);
    await page.goto(`${portalUrl}/invoices/${second}`);
    expect(await page.getByTestId('invoice-status').getAttribute('data-frozen')).toBe('true');
    expect(await text('invoice-credited')).toBe('¥40.00');
    expect(await text('invoice-remainder')).toBe('¥60.00');
    await page.goto(`${portalUrl}/invoices/bureau`);
    expect(await text('signed-in-as')).toBe(ACCOUNTS['tax-officer']);
    await page.getByTestId('freeze-number').fill(second);
    await page.getByTestId('freeze-reason').fill('cleared');
    await page.getByTestId('unfreeze-submit').click();
    expect(await text('freeze-result')).toBe(
      `Invoice ${second} is now no longer frozen (status issued).`,
    );
  }, 120_000);

  it('drill-down: the anomaly links to the invoice, reimbursed, with its lines and history', async () => {
    await page.goto(`${portalUrl}/invoices/bureau`);
    const anomaly = page.locator(
      `[data-testid="anomaly-row"][data-kind="duplicate-reimbursement"][data-number="${number}"]`,
    );
    await anomaly.getByTestId('invoice-link').click();
    await page.waitForURL(`${portalUrl}/invoices/${number}`);
    const status = page.getByTestId('invoice-status');
    await status.waitFor({ timeout: 60_000 });
    expect(await status.getAttribute('data-status')).toBe('reimbursed');
    expect(await status.getAttribute('data-frozen')).toBe('false');
    expect((await status.innerText()).trim()).toBe('reimbursed');
    expect(await text('invoice-gross')).toBe(FIRST_GROSS);
    expect(await text('invoice-net')).toBe('¥2,800.97');
    expect(await text('invoice-tax')).toBe('¥343.13');
    expect(await text('invoice-claimed')).toBe(`into wallet ${WALLET} by Commercial Bank`);
    expect(await text('invoice-reimbursed')).toBe('by Commercial Bank (bank)');
    const lines = page.getByTestId('line-row');
    expect(await lines.nth(0).locator('td').allInnerTexts()).toEqual([
      'Office chair',
      '2',
      '¥1,250.50',
      '13 %',
      '¥2,501.00',
      '¥325.13',
    ]);
    expect(await lines.nth(1).locator('td').allInnerTexts()).toEqual([
      'Desk lamp',
      '3',
      '¥99.99',
      '6 %',
      '¥299.97',
      '¥18.00',
    ]);
    const history = page.getByTestId('history-entry');
    expect(await history.evaluateAll((li) => li.map((l) => l.getAttribute('data-type')))).toEqual([
      'invoice.issued',
      'invoice.claimed',
      'invoice.reimbursed',
    ]);
    // The status, checked in the browser: the chain's state proof of the invoice's record,
    // verified against the genesis file, decoded, and compared with the page.
    await page.getByTestId('verify-status').click();
    const verdict = page.getByTestId('status-verdict');
    await verdict.waitFor({ timeout: 60_000 });
    expect(await verdict.getAttribute('data-state')).toBe('verified');
    const said = await verdict.innerText();
    expect(said).toContain(`invoice ${number} is reimbursed`);
    expect(said).toMatch(/signed by [34] of 4 validators \(quorum 3\)/);
    const genesis = fs.readFileSync(path.join(stack!.consortiumDir, 'genesis.json'));
    expect(await text('status-genesis')).toBe(createHash('sha256').update(genesis).digest('hex'));
    // A proof changed on its way to the page is not believed.
    await page.route('**/status-proof', async (route) => {
      const response = await route.fetch();
      const body = Buffer.from(await response.body());
      body[body.length - 20] = body[body.length - 20]! ^ 0x01;
      await route.fulfill({ response, body });
    });
    await page.getByTestId('verify-status').click();
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="status-verdict"]')?.getAttribute('data-state') !==
        'verified',
    );
    expect(await verdict.getAttribute('data-state')).not.toBe('verified');
    expect(await verdict.innerText()).toMatch(/NOT VERIFIED|MISMATCH/);
    await page.unroute('**/status-proof');
    expect(await history.nth(2).innerText()).toMatch(
      /^invoice\.reimbursed — Commercial Bank, block \d+, \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/,
    );
    await shot('invoice');

    // The signed PDF the page links to (its QR code points back at this page).
    const href = await page.getByTestId('invoice-pdf').getAttribute('href');
    expect(href).toBe(`${API}/invoices/${number}/invoice.pdf`);
    const pdf = await page.request.get(`${portalUrl}${href}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  }, 60_000);

  it('sign out: the session ends and a reload shows the sign-in form; an ended session sends the desk back to sign-in', async () => {
    await page.goto(`${portalUrl}/invoices/bureau`);
    await signInAs('tax-officer');
    await page.getByTestId('dashboard').waitFor({ timeout: 60_000 });
    const before = await sessionCookie();
    expect(before?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.getByTestId('sign-out').click();
    await page.getByTestId('signin-username').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('dashboard').count()).toBe(0);
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);
    expect(await sessionCookie()).toBeUndefined();
    await page.reload();
    await signInSettled();
    expect(await page.getByTestId('signin-username').isVisible()).toBe(true);
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);
    expect(await page.getByTestId('dashboard').count()).toBe(0);
    // The old session is over on the service too, not only forgotten by the browser.
    const stale = await page.request.get(`${portalUrl}/api/sessions/current`, {
      headers: { cookie: `${SESSION_COOKIE}=${before!.value}` },
    });
    expect(stale.status()).toBe(401);

    // A session that ends behind the page's back (signed out in another tab, here through the
    // browser's own request context): the desk's next request is refused with 401, and the page
    // asks for sign-in again instead of showing a broken desk.
    await signInAs('tax-officer');
    await page.getByTestId('dashboard').waitFor({ timeout: 60_000 });
    expect((await page.request.delete(`${portalUrl}/api/sessions/current`)).status()).toBe(204);
    await page.getByTestId('dashboard-refresh').click();
    expect(await text('session-ended')).toBe('Your session has ended: sign in again.');
    expect(await page.getByTestId('dashboard').count()).toBe(0);
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);
  }, 120_000);

  it('ten wrong passwords in a row lock the account: the page says until when', async () => {
    // bureau-finance has done its part in the story; it may be locked now.
    await page.goto(`${portalUrl}/invoices/wallet`);
    await signInSettled();
    const submit = page.getByTestId('signin-submit');
    for (let attempt = 1; attempt <= 10; attempt++) {
      await page.getByTestId('signin-username').fill('bureau-finance');
      await page.getByTestId('signin-password').fill(`wrong ${attempt}`);
      await submit.click();
      await submit.and(page.locator(':enabled')).waitFor({ timeout: 60_000 });
      expect(await text('signin-error')).toBe('Wrong username or password.');
    }
    // Now even the right password is refused, and the page says for how long.
    await page.getByTestId('signin-username').fill('bureau-finance');
    await page.getByTestId('signin-password').fill(PASSWORD);
    await submit.click();
    await page
      .getByTestId('signin-error')
      .filter({ hasText: 'locked' })
      .waitFor({ timeout: 60_000 });
    expect(await text('signin-error')).toMatch(
      /^Too many failed sign-ins: this account is locked until \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC \(about 1[45] minutes\)\.$/,
    );
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);
    expect(await page.getByTestId('enterprise-part').count()).toBe(0);
    expect(await sessionCookie()).toBeUndefined();
    await shot('signin-locked');
  }, 120_000);
});

// The pages' money helpers, on their own: amounts typed in yuan become exact minor units, and
// minor units print exactly, whatever their size (no float anywhere).
describe('e-invoice money in the pages', () => {
  it('parses yuan as decimal strings, exactly, and refuses anything else with a code', () => {
    expect(parseYuan('1,250.50')).toBe(125_050);
    expect(parseYuan('¥0.1')).toBe(10);
    expect(parseYuan('0.29')).toBe(29); // 0.29 × 100 is 28.999… as a float
    expect(parseYuan('10000000000')).toBe(1_000_000_000_000);
    expect(parseYuan('12.')).toBe(1200); // a trailing point: whole yuan
    for (const bad of ['', '1.234', '-1', '1e3', '.5', '10000000000.01', 'abc']) {
      expect(() => parseYuan(bad)).toThrow(expect.objectContaining({ code: 'bad-price' }) as Error);
    }
    expect(parsePercent('13')).toBe(1300);
    expect(parsePercent('1.5 %')).toBe(150);
    expect(() => parsePercent('100.01')).toThrow(
      expect.objectContaining({ code: 'bad-rate' }) as Error,
    );
    expect(() => parseQuantity('1.5')).toThrow(
      expect.objectContaining({ code: 'bad-quantity' }) as Error,
    );
  });

  it('prints minor units exactly, beyond the range of a float', () => {
    expect(formatYuan('314410')).toBe('¥3,144.10');
    expect(formatYuan('5')).toBe('¥0.05');
    expect(formatYuan('-400000')).toBe('-¥4,000.00');
    expect(formatYuan('123456789012345678901')).toBe('¥1,234,567,890,123,456,789.01');
    expect(formatYuan('1.5')).toBe('—');
    expect(formatPercent(150)).toBe('1.5 %');
  });

  it('totals lines as the contract does: tax rounded half up per line', () => {
    const line = (quantity: number, unitPriceMinor: number, taxRateBasisPoints: number) => ({
      description: 'x',
      quantity,
      unitPriceMinor,
      taxRateBasisPoints,
    });
    expect(lineTotals([line(2, 125_050, 1300), line(3, 9999, 600)])).toEqual({
      netMinor: 280_097n,
      taxMinor: 34_313n,
      grossMinor: 314_410n,
    });
    // 50 fen at 1 %: 0.5 fen of tax rounds up to 1.
    expect(lineTotals([line(1, 50, 100)]).taxMinor).toBe(1n);
    expect(isUscc(SHOP)).toBe(true);
    expect(isUscc(SHOP.slice(0, 17) + (SHOP[17] === '0' ? '1' : '0'))).toBe(false);
  });
});

// What a failed sign-in says, on its own (the lock-out's time from the problem's retryAfter).
describe('e-invoice sign-in messages', () => {
  it('says what went wrong in plain words', () => {
    expect(signInErrorText(new ApiError(401, 'sign-in-failed', 'wrong username or password'))).toBe(
      'Wrong username or password.',
    );
    const locked = new ApiError(429, 'sign-in-locked', 'too many failed sign-ins', {
      retryAfter: '2026-11-21T10:15:00.000Z',
    });
    expect(signInErrorText(locked, Date.parse('2026-11-21T10:00:30Z'))).toBe(
      'Too many failed sign-ins: this account is locked until 2026-11-21 10:15:00 UTC (about 15 minutes).',
    );
    expect(signInErrorText(locked, Date.parse('2026-11-21T10:14:59Z'))).toMatch(
      /\(about 1 minute\)\.$/,
    );
    expect(signInErrorText(new InvoiceInputError('no-password', 'Give your password.'))).toBe(
      'Give your password.',
    );
    expect(
      signInErrorText(new ApiError(400, 'validation-failed', 'the request body is invalid')),
    ).toBe('Sign-in did not work: the request body is invalid (validation-failed)');
  });
});
