import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

type AccountsCli = typeof import('../accounts/cli');

export const ROOT = join(__dirname, '..', '..');
const PORTAL_DIR = join(ROOT, 'apps', 'portal');
const NEXT_BIN = join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');

/** A process of the local stack: how to start it and how to know it is ready. */
export interface ServiceSpec {
  readonly name: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly readyUrl: string;
}

export interface StackOptions {
  readonly dataDir: string;
  readonly host: string;
  readonly apiPort: number;
  readonly portalPort: number;
  /** The validators' P2P ports are base+1…base+4, their API ports base+101…base+104. */
  readonly nodeBasePort: number;
}

const NODE_MAIN = join(ROOT, 'apps', 'node', 'src', 'main.ts');
/** V8 flags of a validator process: ADR 0012's amendment (the test kit's startConsortium too). */
const VALIDATOR_NODE_FLAGS = ['--max-semi-space-size=64'];
/** The organisations of the local consortium (`trellis-node init`'s default). */
export const LOCAL_ORGS = ['tax-bureau', 'bank', 'court', 'manufacturer'] as const;

/** The consortium directory under the data directory. */
export function consortiumDir(dataDir: string): string {
  return join(dataDir, 'consortium');
}

/** `trellis-node init` for the local consortium, unless it exists already. */
export async function initConsortiumOnce(options: StackOptions, log: string): Promise<boolean> {
  const dir = consortiumDir(options.dataDir);
  if (existsSync(join(dir, 'genesis.json'))) return false;
  const child = spawn(
    process.execPath,
    [
      '--require',
      '@swc-node/register',
      NODE_MAIN,
      'init',
      '--dir',
      dir,
      '--base-port',
      String(options.nodeBasePort),
      '--api-base-port',
      String(options.nodeBasePort + 100),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const out = createWriteStream(log);
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`trellis-node init failed (exit ${code}); see ${log}`);
  return true;
}

/** Members with roles the verticals act with, issued once after init (`trellis-node cert issue`). */
export const ROLE_MEMBERS = [
  // the judicial evidence service records court presentations with it
  { org: 'court', file: 'court', name: 'court-clerk', roles: ['service', 'court'] },
  // the e-invoice service registers merchants and freezes invoices with it
  { org: 'tax-bureau', file: 'bureau', name: 'tax-officer', roles: ['service', 'tax-bureau'] },
  // the e-invoice service records the bank's payments with it
  { org: 'bank', file: 'payments', name: 'payment-gateway', roles: ['service', 'payments'] },
] as const;

/** Issues each of ROLE_MEMBERS that does not exist yet; returns how many it issued. */
export async function issueRoleMembersOnce(options: StackOptions, log: string): Promise<number> {
  let issued = 0;
  for (const member of ROLE_MEMBERS) {
    const out = join(consortiumDir(options.dataDir), 'orgs', member.org, member.file);
    if (existsSync(`${out}.pem`)) continue;
    const child = spawn(
      process.execPath,
      [
        '--require',
        '@swc-node/register',
        NODE_MAIN,
        'cert',
        'issue',
        '--dir',
        consortiumDir(options.dataDir),
        '--org',
        member.org,
        '--kind',
        'service',
        '--name',
        member.name,
        '--roles',
        member.roles.join(','),
        '--out',
        out,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const sink = createWriteStream(log, { flags: 'a' });
    child.stdout.pipe(sink);
    child.stderr.pipe(sink);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`trellis-node cert issue failed (exit ${code}); see ${log}`);
    issued++;
  }
  return issued;
}

/**
 * The seeded demo accounts of the local consortium (one per role of the e-invoice and evidence
 * pages), each with a password generated at the first start. Real deployments list their own people in an
 * accounts file (`npm run accounts`); nothing here is used outside `npm start`.
 */
export const DEMO_ACCOUNTS = [
  { username: 'tax-officer', organisation: 'tax-bureau', roles: ['tax-bureau'] },
  { username: 'merchant', organisation: 'manufacturer', roles: ['merchant'] },
  { username: 'buyer', organisation: 'bank', roles: ['buyer'], subject: 'E-0001' },
  { username: 'finance', organisation: 'bank', roles: ['enterprise'] },
  { username: 'depositor', organisation: 'bank', roles: ['depositor'] },
  { username: 'court-clerk', organisation: 'court', roles: ['court'] },
  { username: 'payments', organisation: 'bank', roles: ['payments'] },
] as const;

/** The accounts file the API server reads, and where the demo passwords are kept for people. */
export function accountsFiles(dataDir: string): { accounts: string; passwords: string } {
  return {
    accounts: join(dataDir, 'accounts.json'),
    passwords: join(dataDir, 'demo-passwords.txt'),
  };
}

/**
 * Writes the demo accounts the data directory does not have yet (all of them at the first start;
 * after an upgrade, the new ones): scrypt hashes into accounts.json, generated passwords into
 * demo-passwords.txt (both readable by the owner only). Returns how many it added.
 */
export async function seedDemoAccounts(dataDir: string): Promise<number> {
  const files = accountsFiles(dataDir);
  const existing = existsSync(files.accounts)
    ? (JSON.parse(await readFile(files.accounts, 'utf8')) as { accounts: { username: string }[] })
        .accounts
    : [];
  const have = new Set(existing.map((a) => a.username));
  const missing = DEMO_ACCOUNTS.filter((a) => !have.has(a.username));
  if (missing.length === 0) return 0;
  // Loaded here only: the kernel is heavy, and later starts do not need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { addAccounts } = require('../accounts/cli') as AccountsCli;
  const seeded = missing.map((a) => ({
    ...a,
    roles: [...a.roles],
    password: randomBytes(12).toString('base64url'),
  }));
  const lines = seeded.map(
    (a) => `${a.username.padEnd(12)} ${a.password}   ${a.organisation} (${a.roles.join(', ')})`,
  );
  const header = existsSync(files.passwords)
    ? ''
    : '# Demo sign-in of the local consortium (npm start). Username, password, organisation (roles).\n';
  await appendFile(files.passwords, `${header}${lines.join('\n')}\n`, { mode: 0o600 });
  await addAccounts(files.accounts, seeded);
  return seeded.length;
}

/** The demo accounts' lines of demo-passwords.txt, for the start banner. */
export async function demoPasswordLines(dataDir: string): Promise<string[]> {
  try {
    const text = await readFile(accountsFiles(dataDir).passwords, 'utf8');
    return text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  } catch {
    return [];
  }
}

/** The validators' API base URLs. */
export function nodeApiUrls(options: StackOptions): string[] {
  return LOCAL_ORGS.map((_, i) => `http://${options.host}:${options.nodeBasePort + 101 + i}`);
}

/** The four validator processes of the local consortium. */
export function nodeServices(options: StackOptions): ServiceSpec[] {
  return LOCAL_ORGS.map((org, i) => ({
    name: `node-${org}`,
    args: [
      ...VALIDATOR_NODE_FLAGS,
      '--require',
      '@swc-node/register',
      NODE_MAIN,
      'start',
      '--config',
      join(consortiumDir(options.dataDir), 'nodes', `${org}-node`, 'config.json'),
    ],
    cwd: ROOT,
    env: { NODE_ENV: 'production' },
    readyUrl: `http://${options.host}:${options.nodeBasePort + 101 + i}/v1/status`,
  }));
}

/** The processes `npm start` runs: four validators, the all-in-one API server and the portal. */
export function stackServices(options: StackOptions): ServiceSpec[] {
  const api = `http://${options.host}:${options.apiPort}`;
  return [
    ...nodeServices(options),
    {
      name: 'api',
      args: ['--require', '@swc-node/register', join(ROOT, 'apps', 'api', 'src', 'main.ts')],
      cwd: ROOT,
      env: {
        HOST: options.host,
        PORT: String(options.apiPort),
        TRELLIS_DATA_DIR: options.dataDir,
        NODE_ENV: 'production',
        // The verticals act on the local consortium for its four organisations.
        TRELLIS_CHAIN_NODES: nodeApiUrls(options).join(','),
        TRELLIS_CONSORTIUM_DIR: consortiumDir(options.dataDir),
        TRELLIS_PORTAL_URL: `http://${options.host}:${options.portalPort}`,
        // Who may sign in: the seeded demo accounts (seedDemoAccountsOnce).
        TRELLIS_ACCOUNTS_FILE: accountsFiles(options.dataDir).accounts,
      },
      readyUrl: `${api}/api/ready`,
    },
    {
      name: 'portal',
      args: [NEXT_BIN, 'start', '--port', String(options.portalPort), '--hostname', options.host],
      cwd: PORTAL_DIR,
      env: { TRELLIS_API_URL: api, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
      readyUrl: `http://${options.host}:${options.portalPort}/`,
    },
  ];
}

/** Fails with a clear message if `port` is taken, before anything is started. */
export async function assertPortFree(host: string, port: number, variable: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is in use: stop what uses it or set ${variable}`
            : `cannot listen on ${host}:${port}: ${error.message}`,
        ),
      ),
    );
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path)
    .filter((name) => name !== 'node_modules' && name !== '.next' && name !== 'test')
    .reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

/** True when the portal has no production build, or a source is newer than the build. */
export function portalBuildIsStale(): boolean {
  const buildId = join(PORTAL_DIR, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return true;
  return newestMtime(PORTAL_DIR) > statSync(buildId).mtimeMs;
}

/** Runs `next build` for the portal, its output going to `log`. */
export async function buildPortal(log: string): Promise<void> {
  const child = spawn(process.execPath, [NEXT_BIN, 'build'], {
    cwd: PORTAL_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(log);
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) {
    throw new Error(`the portal build failed (exit ${code}); see ${relative(process.cwd(), log)}`);
  }
}

/** A running child: its own process group, so that stopping it stops everything it started. */
export class RunningService {
  readonly exited: Promise<number | null>;

  private constructor(
    readonly spec: ServiceSpec,
    readonly child: ChildProcess,
    readonly log: string,
  ) {
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => resolve(signal ? null : code)),
    );
  }

  static async start(spec: ServiceSpec, logDir: string): Promise<RunningService> {
    const log = join(logDir, `${spec.name}.log`);
    const out = createWriteStream(log, { flags: 'a' });
    await new Promise((resolve) => out.once('open', resolve));
    const child = spawn(process.execPath, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', out, out],
      detached: true,
    });
    return new RunningService(spec, child, log);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Polls the readiness URL until it answers 2xx, the process dies, or `timeoutMs` passes. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.spec.name} exited while starting`);
      try {
        const res = await fetch(this.spec.readyUrl, { signal: AbortSignal.timeout(2000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    throw new Error(
      `${this.spec.name} was not ready within ${timeoutMs / 1000} s (${this.spec.readyUrl})`,
    );
  }

  /** SIGTERM to the whole process group; SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (!this.running || this.child.pid === undefined) return;
    signalGroup(this.child.pid, 'SIGTERM');
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      sleep(graceMs, undefined, { ref: false }).then(() => true),
    ]);
    if (timedOut) signalGroup(this.child.pid, 'SIGKILL');
    await this.exited;
    // Whatever the leader left behind in its group goes too.
    signalGroup(this.child.pid, 'SIGKILL');
  }

  async tail(lines: number): Promise<string> {
    const text = await readFile(this.log, 'utf8').catch(() => '');
    return text
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
