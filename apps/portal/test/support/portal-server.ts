// What the portal's browser tests share: the built portal served by `next start` in its own
// process group, and Debian's Chromium driven by playwright-core.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const PORTAL_DIR = path.resolve(__dirname, '..', '..');
const NEXT_BIN = require.resolve('next/dist/bin/next');
export const CHROMIUM = '/usr/bin/chromium';

/** Fails with what to do when Chromium or the portal's build is missing. */
export function requireBrowserAndBuild(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: this test needs Debian's Chromium (apt-get install -y chromium).`,
    );
  }
  // Built once per run by `npm test` (`npm run build`), never here: two test files building
  // the same .next folder at once would corrupt it.
  if (!fs.existsSync(path.join(PORTAL_DIR, '.next', 'BUILD_ID'))) {
    throw new Error('the portal is not built: run `npm run build` first (`npm test` does)');
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface PortalServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  /** What the server printed so far. */
  log(): string;
  stop(): Promise<void>;
}

/** `next start` of the built portal, its API at `apiUrl`; resolves once a page answers. */
export async function startPortal(apiUrl: string, port?: number): Promise<PortalServer> {
  const listen = port ?? (await freePort());
  const url = `http://127.0.0.1:${listen}`;
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [NEXT_BIN, 'start', '-p', String(listen), '-H', '127.0.0.1'],
    {
      cwd: PORTAL_DIR,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        TRELLIS_API_URL: apiUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const pid = child.pid;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(-pid, 'SIGTERM');
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`next start exited before it was ready:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`next start did not answer at ${url} within 60 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { url, log: () => output, stop };
}

/** Headless Chromium with a profile in `userDataDir`. */
export function launchChromium(
  userDataDir: string,
  viewport?: { width: number; height: number },
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    ...(viewport ? { viewport } : {}),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
