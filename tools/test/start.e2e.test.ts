import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { reservePortBlocks } from '@trellis/shared/testing';

const ROOT = join(__dirname, '..', '..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** PIDs of live processes whose environment carries `marker` (every child inherits it). */
async function processesWithMarker(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '');
    if (environ.includes(`TRELLIS_STACK_ID=${marker}`)) pids.push(Number(entry));
  }
  return pids;
}

interface Stack {
  readonly child: ChildProcess;
  output: string;
  /** Resolves once npm has exited and every writer of its output (the supervisor) is gone. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm start` as a person runs it, in its own process group (a terminal's foreground job). */
function npmStart(env: NodeJS.ProcessEnv, args: string[] = []): Stack {
  const child = spawn('npm', ['start', ...(args.length ? ['--', ...args] : [])], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stack: Stack = {
    child,
    output: '',
    closed: new Promise((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    ),
  };
  child.stdout!.on('data', (d: Buffer) => (stack.output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stack.output += d.toString()));
  return stack;
}

async function waitFor(stack: Stack, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!stack.output.includes(text)) {
    if (Date.now() > deadline || stack.child.exitCode !== null) {
      throw new Error(`did not see ${JSON.stringify(text)}; output:\n${stack.output}`);
    }
    await sleep(200);
  }
}

/**
 * Ctrl-C: SIGINT to the whole foreground process group. npm itself dies of the SIGINT, as in
 * a terminal; what matters is that the supervisor stopped everything and said so.
 */
async function ctrlC(stack: Stack): Promise<void> {
  process.kill(-stack.child.pid!, 'SIGINT');
  const result = await Promise.race([
    stack.closed,
    sleep(30_000, undefined, { ref: false }).then(() => 'timeout' as const),
  ]);
  expect(result).not.toBe('timeout');
  expect([0, 'SIGINT']).toContain(result === 'timeout' ? result : (result.code ?? result.signal));
  expect(stack.output).toContain('trellis: stopped');
}

describe('npm start', () => {
  const marker = randomUUID();
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let api: string;
  let portal: string;
  let nodeBase: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'trellis-start-'));
    const apiPort = await freePort();
    const portalPort = await freePort();
    api = `http://127.0.0.1:${apiPort}`;
    portal = `http://127.0.0.1:${portalPort}`;
    // The validators' P2P (base+1…4) and API (base+101…104) ports, reserved against the other
    // test files' consortia running at the same time.
    nodeBase = (await reservePortBlocks(2, [1, 2, 3, 4, 101, 102, 103, 104])).base;
    env = {
      TRELLIS_STACK_ID: marker,
      TRELLIS_DATA_DIR: dataDir,
      TRELLIS_API_PORT: String(apiPort),
      TRELLIS_PORTAL_PORT: String(portalPort),
      TRELLIS_NODE_BASE_PORT: String(nodeBase),
      DATABASE_URL: '', // the bare-machine path: embedded database
    };
  });
  afterAll(async () => {
    for (const pid of await processesWithMarker(marker)) process.kill(pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('servesDocsAndPortal_thenCtrlCLeavesNoProcess', async () => {
    const stack = npmStart(env);
    await waitFor(stack, 'Press Ctrl-C to stop.', 240_000);
    expect(stack.output).toContain(`${api}/api/docs`);
    expect(stack.output).toContain(`${portal}/`);

    const docs = await fetch(`${api}/api/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
    const spec = (await (await fetch(`${api}/api/docs-json`)).json()) as { paths: object };
    expect(Object.keys(spec.paths)).toContain('/api/judicial-evidence/health');
    const page = await fetch(portal);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Court verification');
    expect(html).toContain('API: up');
    expect(await processesWithMarker(marker)).not.toHaveLength(0);

    // Four validators of four organisations, each its own process, commit blocks together.
    const heights = async () =>
      Promise.all(
        [1, 2, 3, 4].map(async (i) => {
          const status = (await (
            await fetch(`http://127.0.0.1:${nodeBase + 100 + i}/v1/status`)
          ).json()) as { height: string; org: string; peers: string[] };
          return { height: BigInt(status.height), org: status.org, peers: status.peers.length };
        }),
      );
    const deadline = Date.now() + 60_000;
    let nodes = await heights();
    while (nodes.some((n) => n.height < 3n) && Date.now() < deadline) {
      await sleep(500);
      nodes = await heights();
    }
    expect(nodes.map((n) => n.org)).toEqual(['tax-bureau', 'bank', 'court', 'manufacturer']);
    expect(nodes.every((n) => n.height >= 3n && n.peers === 3)).toBe(true);

    // The API server acts on that chain: the seeded depositor signs in (its password generated
    // at the first start), its deposit commits and is projected into the embedded database's
    // read model.
    const demoPasswords = await readFile(join(dataDir, 'demo-passwords.txt'), 'utf8');
    const depositor = /^depositor\s+(\S+)\s+bank \(depositor\)$/m.exec(demoPasswords);
    expect(depositor).not.toBeNull();
    const depositorSession = await fetch(`${api}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'depositor', password: depositor![1] }),
    });
    expect(depositorSession.status).toBe(201);
    const { token } = (await depositorSession.json()) as { token: string };
    const hex = (c: string) => c.repeat(64);
    const deposited = await fetch(`${api}/api/judicial-evidence/deposits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        sha256: hex('1'),
        sm3: hex('2'),
        type: 'contract',
        title: 'npm start',
      }),
    });
    expect(deposited.status).toBe(201);
    const found = (await (
      await fetch(`${api}/api/judicial-evidence/verify?sha256=${hex('1')}`)
    ).json()) as { matches: { depositor: string; title: string }[] };
    expect(found.matches).toEqual([
      expect.objectContaining({ depositor: 'bank', title: 'npm start' }),
    ]);

    // Sign-in with a seeded demo account, through the portal's /api proxy as a browser does:
    // the banner shows the generated password, the session cookie passes both ways.
    const passwords = await readFile(join(dataDir, 'demo-passwords.txt'), 'utf8');
    const taxOfficer = /^tax-officer\s+(\S+)\s+tax-bureau \(tax-bureau\)$/m.exec(passwords);
    expect(taxOfficer).not.toBeNull();
    expect(stack.output).toContain(taxOfficer![0].replace(/^tax-officer\s+/, ''));
    expect(await readFile(join(dataDir, 'accounts.json'), 'utf8')).not.toContain(taxOfficer![1]);
    const wrong = await fetch(`${portal}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'tax-officer', password: 'not the password' }),
    });
    expect(wrong.status).toBe(401);
    const signedIn = await fetch(`${portal}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'tax-officer', password: taxOfficer![1] }),
    });
    expect(signedIn.status).toBe(201);
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie).toMatch(/^trellis_session=[A-Za-z0-9_-]{43}$/);
    expect((await fetch(`${portal}/api/invoice/supervision/anomalies`)).status).toBe(401);
    const anomalies = await fetch(`${portal}/api/invoice/supervision/anomalies`, {
      headers: { cookie },
    });
    expect(anomalies.status).toBe(200);
    expect(await anomalies.json()).toEqual([]);

    await ctrlC(stack);
    expect(await processesWithMarker(marker)).toEqual([]);
    // The API server shut down gracefully (closing its database), not by SIGKILL.
    expect(await readFile(join(dataDir, 'logs', 'api.log'), 'utf8')).toContain(
      'stopping on SIGTERM',
    );
  }, 300_000);

  it('keepsDataAcrossRestarts_andResetWipesIt', async () => {
    expect(existsSync(join(dataDir, 'pgdata', 'api'))).toBe(true);
    const keep = join(dataDir, 'kept.txt');
    await writeFile(keep, 'from an earlier run');

    const again = npmStart(env);
    await waitFor(again, 'Press Ctrl-C to stop.', 240_000);
    expect(existsSync(keep)).toBe(true);
    // The embedded database reopened with its migrations already applied.
    const apiLog = await readFile(join(dataDir, 'logs', 'api.log'), 'utf8');
    expect(apiLog.match(/listening on/g)).toHaveLength(2);
    await ctrlC(again);

    const reset = npmStart(env, ['--reset']);
    await waitFor(reset, 'Press Ctrl-C to stop.', 240_000);
    expect(reset.output).toContain(`wiped ${dataDir}`);
    expect(existsSync(keep)).toBe(false);
    await ctrlC(reset);
    expect(await processesWithMarker(marker)).toEqual([]);
  }, 600_000);

  it('portInUse_failsClearly_andStartsNothing', async () => {
    const blocker = createServer().listen(Number(env['TRELLIS_API_PORT']), '127.0.0.1');
    try {
      const stack = npmStart(env);
      expect((await stack.closed).code).toBe(1);
      expect(stack.output).toContain('is in use: stop what uses it or set TRELLIS_API_PORT');
      expect(await processesWithMarker(marker)).toEqual([]);
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('unknownArgument_isRefused', async () => {
    const stack = npmStart(env, ['--frobnicate']);
    expect((await stack.closed).code).toBe(2);
    expect(stack.output).toContain('unknown argument --frobnicate');
  }, 60_000);
});
