/**
 * A real local stack for the judicial evidence tests: a consortium of four validator processes
 * (`trellis-node init` + `start`, as `npm start` runs them), a member certificate with the
 * `court` role for the court organisation, and — for browser tests — the judicial evidence
 * service as its own process on a fresh database of the real PostgreSQL (DATABASE_URL).
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
const SERVICE_MAIN = join(ROOT, 'apps', 'judicial-evidence', 'src', 'main.ts');

export type { LocalConsortium };

/** The local consortium, with the court organisation's `court-clerk` (role `court`) member. */
export function startEvidenceConsortium(): Promise<LocalConsortium> {
  return startConsortium({
    prefix: 'trellis-evidence-',
    members: [{ org: 'court', file: 'court', name: 'court-clerk', roles: ['service', 'court'] }],
  });
}

/** The environment the judicial evidence service needs to act on `consortium`. */
export function evidenceEnv(
  consortium: LocalConsortium,
  portalUrl = 'http://127.0.0.1:3001',
): Record<string, string> {
  return {
    TRELLIS_CHAIN_NODES: consortium.nodes.join(','),
    TRELLIS_CONSORTIUM_DIR: consortium.dir,
    TRELLIS_PORTAL_URL: portalUrl,
  };
}

export interface EvidenceStack {
  /** The service process's pid (to sample its memory). */
  readonly pid: number;
  /** The service's base URL (routes under /api/judicial-evidence). */
  readonly apiUrl: string;
  readonly consortiumDir: string;
  readonly consortium: LocalConsortium;
  stop(): Promise<void>;
}

/**
 * The consortium plus the judicial evidence service as a process on a fresh database
 * (DATABASE_URL's server when set, else PGlite in the service's data directory).
 */
export async function startEvidenceStack(
  options: { portalUrl?: string } = {},
): Promise<EvidenceStack> {
  const consortium = await startEvidenceConsortium();
  let db: TestDatabase | undefined;
  let child: ChildProcess | undefined;
  try {
    db = process.env['DATABASE_URL'] ? await createTestDatabase('postgres') : undefined;
    const port = await freePort();
    const log = join(consortium.logDir, 'judicial-evidence.log');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      TRELLIS_DATA_DIR: join(consortium.logDir, 'data'),
      ...evidenceEnv(consortium, options.portalUrl),
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
    await waitForUrl(`${apiUrl}/api/ready`, child, 'judicial-evidence service', log);
    const service = child;
    const database = db;
    return {
      pid: service.pid!,
      apiUrl,
      consortiumDir: consortium.dir,
      consortium,
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
