/**
 * A real local stack for the judicial evidence tests: a consortium of four validator processes
 * (`trellis-node init` + `start`, as `npm start` runs them), a member certificate with the
 * `court` role for the court organisation, and — for browser tests — the judicial evidence
 * service as its own process on a fresh database of the real PostgreSQL (DATABASE_URL).
 *
 * Everything is driven through the node CLI and HTTP, never by importing the node's code.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type TestDatabase, createTestDatabase, reservePortBlocks } from '@trellis/shared/testing';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const NODE_MAIN = join(ROOT, 'apps', 'node', 'src', 'main.ts');
const SERVICE_MAIN = join(ROOT, 'apps', 'judicial-evidence', 'src', 'main.ts');
export const ORGS = ['tax-bureau', 'bank', 'court', 'manufacturer'] as const;

export interface LocalConsortium {
  /** The consortium directory (genesis.json, orgs/, nodes/). */
  readonly dir: string;
  /** The validators' API base URLs, in ORGS order. */
  readonly nodes: readonly string[];
  /** Where the processes' logs go. */
  readonly logDir: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

function run(args: readonly string[], log: string): Promise<void> {
  const child = spawn(process.execPath, ['--require', '@swc-node/register', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(log, { flags: 'a' });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  return new Promise((done, fail) =>
    child.on('exit', (code) =>
      code === 0
        ? done()
        : fail(new Error(`${args.slice(1, 3).join(' ')} failed (exit ${code}); see ${log}`)),
    ),
  );
}

async function waitFor(
  url: string,
  child: ChildProcess,
  what: string,
  log: string,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited before it was ready:\n${tail(log)}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} was not ready at ${url} within ${timeoutMs} ms:\n${tail(log)}`);
}

function tail(log: string): string {
  try {
    return readFileSync(log, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

/** Inits and starts a four-validator consortium, and issues the court's `court`-role member. */
export async function startConsortium(): Promise<LocalConsortium> {
  const root = mkdtempSync(join(tmpdir(), 'trellis-evidence-'));
  const dir = join(root, 'consortium');
  // P2P base+1…4, API base+101…104: two blocks, reserved against parallel test files.
  const ports = await reservePortBlocks(2, [1, 2, 3, 4, 101, 102, 103, 104]);
  const base = ports.base;
  const log = join(root, 'cli.log');
  await run(
    [
      NODE_MAIN,
      'init',
      '--dir',
      dir,
      '--base-port',
      String(base),
      '--api-base-port',
      String(base + 100),
    ],
    log,
  );
  await run(
    [
      NODE_MAIN,
      'cert',
      'issue',
      '--dir',
      dir,
      '--org',
      'court',
      '--kind',
      'service',
      '--name',
      'court-clerk',
      '--roles',
      'service,court',
      '--out',
      join(dir, 'orgs', 'court', 'court'),
    ],
    log,
  );
  const children: ChildProcess[] = [];
  const nodes = ORGS.map((_, i) => `http://127.0.0.1:${base + 101 + i}`);
  try {
    await Promise.all(
      ORGS.map(async (org, i) => {
        const nodeLog = join(root, `${org}-node.log`);
        const child = spawn(
          process.execPath,
          [
            '--require',
            '@swc-node/register',
            NODE_MAIN,
            'start',
            '--config',
            join(dir, 'nodes', `${org}-node`, 'config.json'),
          ],
          {
            cwd: ROOT,
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, NODE_ENV: 'production' },
          },
        );
        const out = createWriteStream(nodeLog);
        child.stdout!.pipe(out);
        child.stderr!.pipe(out);
        children.push(child);
        await waitFor(`${nodes[i]}/v1/status`, child, `${org}-node`, nodeLog);
      }),
    );
  } catch (error) {
    await Promise.all(children.map(stopProcess));
    ports.release();
    throw error;
  }
  return {
    dir,
    nodes,
    logDir: root,
    stop: async () => {
      await Promise.all(children.map(stopProcess));
      ports.release();
      // The chain data goes; the logs (small) stay for a failed run's post-mortem.
      rmSync(dir, { recursive: true, force: true });
    },
  };
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
  const consortium = await startConsortium();
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
    await waitFor(`${apiUrl}/api/ready`, child, 'judicial-evidence service', log);
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
