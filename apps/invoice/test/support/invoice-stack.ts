/**
 * A real local stack for browser tests of the e-invoice pages: a consortium of four validator
 * processes (`trellis-node init` + `start`, as `npm start` runs them) with the tax bureau's
 * `tax-officer` member (roles `service`, `tax-bureau`), and the e-invoice service as its own
 * process on a fresh database of the real PostgreSQL (DATABASE_URL; PGlite without).
 *
 * Everything is driven through the node CLI and HTTP, never by importing the node's code.
 */
import { join, resolve } from 'node:path';
import {
  type LocalConsortium,
  type ServiceOnConsortium,
  type TestAccount,
  startConsortium,
  startServiceOnConsortium,
} from '@trellis/shared/testing';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const SERVICE_MAIN = join(ROOT, 'apps', 'invoice', 'src', 'main.ts');

export type { LocalConsortium };

/** The local consortium, with the tax bureau's `tax-officer` member (role `tax-bureau`). */
export function startInvoiceConsortium(): Promise<LocalConsortium> {
  return startConsortium({
    prefix: 'trellis-invoice-',
    members: [
      { org: 'tax-bureau', file: 'bureau', name: 'tax-officer', roles: ['service', 'tax-bureau'] },
    ],
  });
}

/** The environment the e-invoice service needs to act on `consortium`. */
export function invoiceEnv(
  consortium: LocalConsortium,
  portalUrl?: string,
): Record<string, string> {
  return {
    TRELLIS_CHAIN_NODES: consortium.nodes.join(','),
    TRELLIS_CONSORTIUM_DIR: consortium.dir,
    // Where the invoice PDF's QR code points (the portal's /invoices/<number> page).
    ...(portalUrl ? { TRELLIS_PORTAL_URL: portalUrl } : {}),
  };
}

export type InvoiceStack = ServiceOnConsortium;

/**
 * Who may sign in to the stack's service (password: TEST_PASSWORD of @trellis/shared/testing,
 * "test password, not a secret"): one account per role, as `npm start` seeds them.
 */
export const INVOICE_TEST_ACCOUNTS: readonly TestAccount[] = [
  { username: 'tax-officer', organisation: 'tax-bureau', roles: ['tax-bureau'] },
  { username: 'merchant', organisation: 'manufacturer', roles: ['merchant'] },
  { username: 'buyer', organisation: 'bank', roles: ['buyer'], subject: 'wallet:zhang' },
  { username: 'finance', organisation: 'bank', roles: ['enterprise'] },
  // a second enterprise, for a reimbursement that must be refused
  { username: 'bureau-finance', organisation: 'tax-bureau', roles: ['enterprise'] },
];

/**
 * The consortium plus the e-invoice service as a process on a fresh database (DATABASE_URL's
 * server when set, else PGlite in the service's data directory).
 */
export async function startInvoiceStack(
  options: { portalUrl?: string; accounts?: readonly TestAccount[] } = {},
): Promise<InvoiceStack> {
  const consortium = await startInvoiceConsortium();
  return startServiceOnConsortium({
    consortium,
    main: SERVICE_MAIN,
    name: 'invoice',
    accounts: options.accounts ?? INVOICE_TEST_ACCOUNTS,
    env: invoiceEnv(consortium, options.portalUrl),
  });
}
