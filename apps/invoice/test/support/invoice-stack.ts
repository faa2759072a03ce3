/**
 * A real local stack for browser tests of the e-invoice pages: a consortium of four validator
 * processes (`trellis-node init` + `start`, as `npm start` runs them) with the tax bureau's
 * `tax-officer` member (roles `service`, `tax-bureau`), and the e-invoice service as its own
 * process on a fresh database of the real PostgreSQL (DATABASE_URL; PGlite without).
 *
 * Everything is driven through the node CLI and HTTP, never by importing the node's code.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type LocalConsortium,
  type TestDatabase,
  createTestDatabase,
  freePort,
  startConsortium,
  stopProcess,
  waitForUrl,
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

export interface InvoiceStack {
  /** The service process's pid. */
  readonly pid: number;
  /** The service's base URL (routes under /api/invoice). */
  readonly apiUrl: string;
  readonly consortiumDir: string;
  readonly consortium: LocalConsortium;
  /** Which database the service runs on. */
  readonly database: 'postgres' | 'pglite';
  stop(): Promise<void>;
}

/**
 * The consortium plus the e-invoice service as a process on a fresh database (DATABASE_URL's
 * server when set, else PGlite in the service's data directory).
 */
export async function startInvoiceStack(
  options: { portalUrl?: string } = {},
): Promise<InvoiceStack> {
  const consortium = await startInvoiceConsortium();
  let db: TestDatabase | undefined;
  let child: ChildProcess | undefined;
  try {
    db = process.env['DATABASE_URL'] ? await createTestDatabase('postgres') : undefined;
    const port = await freePort();
    const log = join(consortium.logDir, 'invoice.log');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      TRELLIS_DATA_DIR: join(consortium.logDir, 'data'),
      ...invoiceEnv(consortium, options.portalUrl),
    };
    if (db) env['DATABASE_URL'] = db.url;
    else delete env['DATABASE_URL'];
    child = spawn(process.execPath, ['--require', '@swc-node/register', SERVICE_MAIN], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    const out = createWriteStream(log);
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    const apiUrl = `http://127.0.0.1:${port}`;
    await waitForUrl(`${apiUrl}/api/ready`, child, 'e-invoice service', log);
    const service = child;
    const database = db;
    return {
      pid: service.pid!,
      apiUrl,
      consortiumDir: consortium.dir,
      consortium,
      database: database ? 'postgres' : 'pglite',
      stop: async () => {
        await stopProcess(service);
        await consortium.stop();
        await database?.drop();
      },
    };
  } catch (error) {
    if (child) await stopProcess(child);
    await consortium.stop();
    await db?.drop();
    throw error;
  }
}
