/**
 * A real local consortium for tests: four validator processes of the default organisations,
 * initialised and started through the node CLI (`trellis-node init`, `cert issue`, `start`) on
 * ports reserved against parallel test files. Verticals' tests act on it over HTTP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type TestAccount, writeTestAccounts } from './test-accounts';
import { reservePortBlocks } from './port-blocks';
import { createTestDatabase } from './test-database';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const NODE_MAIN = join(ROOT, 'apps', 'node', 'src', 'main.ts');
/**
 * V8 flags of a validator process (ADR 0012, amendment): a larger young generation, because a
 * validator allocates a block's short-lived objects faster than the default 16 MiB semi-space
 * clears them (tools/start/stack.ts starts `npm start`'s validators with the same flags).
 */
const VALIDATOR_NODE_FLAGS = ['--max-semi-space-size=64'];
export const CONSORTIUM_ORGS = ['tax-bureau', 'bank', 'court', 'manufacturer'] as const;

export interface LocalConsortium {
  /** The consortium directory (genesis.json, orgs/, nodes/). */
  readonly dir: string;
  /** The validators' API base URLs, in ORGS order. */
  readonly nodes: readonly string[];
  /** Where the processes' logs go. */
  readonly logDir: string;
  /** The validator processes' pids, in ORGS order (to sample their CPU and memory). */
  readonly pids: readonly number[];
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

/** Resolves once `url` answers 2xx; fails early (with the log's tail) if `child` exits. */
export async function waitForUrl(
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

/** SIGTERM, then SIGKILL after 10 s; resolves when the process has exited. */
export function stopProcess(child: ChildProcess): Promise<void> {
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

/** A member certificate to issue after init: `orgs/<org>/<file>.pem` and `.key`. */
export interface ExtraMember {
  readonly org: string;
  /** The file name (without extension) under orgs/<org>/. */
  readonly file: string;
  /** The certificate's common name. */
  readonly name: string;
  readonly roles: readonly string[];
}

/**
 * Inits (`trellis-node init`) and starts a consortium of four validator processes of the
 * default organisations (tax-bureau, bank, court, manufacturer) on reserved ports, and issues
 * `members` (`trellis-node cert issue`). Everything goes through the node CLI and HTTP, never
 * by importing the node's code.
 */
export async function startConsortium(
  options: {
    readonly members?: readonly ExtraMember[];
    readonly prefix?: string;
    /** More options for the validators' node, e.g. `--cpu-prof` when profiling a benchmark. */
    readonly execArgv?: readonly string[];
  } = {},
): Promise<LocalConsortium> {
  const root = mkdtempSync(join(tmpdir(), options.prefix ?? 'trellis-consortium-'));
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
  for (const member of options.members ?? []) {
    await run(
      [
        NODE_MAIN,
        'cert',
        'issue',
        '--dir',
        dir,
        '--org',
        member.org,
        '--kind',
        'service',
        '--name',
        member.name,
        '--roles',
        member.roles.join(','),
        '--out',
        join(dir, 'orgs', member.org, member.file),
      ],
      log,
    );
  }
  const children: ChildProcess[] = [];
  const nodes = CONSORTIUM_ORGS.map((_, i) => `http://127.0.0.1:${base + 101 + i}`);
  try {
    await Promise.all(
      CONSORTIUM_ORGS.map(async (org, i) => {
        const nodeLog = join(root, `${org}-node.log`);
        const child = spawn(
          process.execPath,
          [
            ...VALIDATOR_NODE_FLAGS,
            ...(options.execArgv ?? []),
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
        await waitForUrl(`${nodes[i]}/v1/status`, child, `${org}-node`, nodeLog);
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
    pids: children.map((c) => c.pid!),
    stop: async () => {
      await Promise.all(children.map(stopProcess));
      ports.release();
      // The chain data goes; the logs (small) stay for a failed run's post-mortem.
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ServiceOnConsortium {
  /** The service process's pid (to sample its memory). */
  readonly pid: number;
  /** Its base URL (routes under /api/<vertical>). */
  readonly apiUrl: string;
  readonly consortiumDir: string;
  readonly consortium: LocalConsortium;
  /** Which database the service runs on. */
  readonly database: 'postgres' | 'pglite';
  stop(): Promise<void>;
}

/**
 * A vertical's service (`main`, a TypeScript entry point) as its own process acting on
 * `consortium`, on a fresh database: DATABASE_URL's server when set (created here, dropped by
 * `stop`), else the service's embedded PGlite. `stop` stops the service, then the consortium.
 */
export async function startServiceOnConsortium(options: {
  readonly consortium: LocalConsortium;
  readonly main: string;
  readonly name: string;
  readonly env?: Readonly<Record<string, string>>;
  /** More options for node, e.g. `--cpu-prof` when profiling a benchmark. */
  readonly execArgv?: readonly string[];
  /** Who may sign in: an accounts file for them (TRELLIS_ACCOUNTS_FILE) in the consortium dir. */
  readonly accounts?: readonly TestAccount[];
}): Promise<ServiceOnConsortium> {
  const { consortium } = options;
  let db: { url: string; drop(): Promise<void> } | undefined;
  let child: ChildProcess | undefined;
  try {
    if (process.env['DATABASE_URL']) db = await createTestDatabase('postgres');
    const port = await freePort();
    const log = join(consortium.logDir, `${options.name}.log`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      TRELLIS_DATA_DIR: join(consortium.logDir, 'data'),
      TRELLIS_CHAIN_NODES: consortium.nodes.join(','),
      TRELLIS_CONSORTIUM_DIR: consortium.dir,
      ...(options.accounts === undefined
        ? {}
        : { TRELLIS_ACCOUNTS_FILE: await writeTestAccounts(options.accounts, consortium.dir) }),
      ...options.env,
    };
    if (db) env['DATABASE_URL'] = db.url;
    else delete env['DATABASE_URL'];
    const args = [...(options.execArgv ?? []), '--require', '@swc-node/register', options.main];
    child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    const out = createWriteStream(log);
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    const apiUrl = `http://127.0.0.1:${port}`;
    await waitForUrl(`${apiUrl}/api/ready`, child, options.name, log);
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
