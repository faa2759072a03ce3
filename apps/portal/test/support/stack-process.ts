// Runs a vertical's test stack (apps/<vertical>/test/support/<vertical>-stack.ts: four
// validators and the service on a fresh database) in a child process. The portal may import
// nothing of ours, tests included (lint: type:portal depends on no project), so the stack is
// started by a small program given to `node -e`, spoken to through stdout and stdin.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

export interface StackProcess {
  readonly apiUrl: string;
  readonly consortiumDir: string;
  /** The service's database: `postgres` (DATABASE_URL's server) or its embedded `pglite`. */
  readonly database: 'postgres' | 'pglite';
  stop(): Promise<void>;
}

/** The program: prints one `READY <json>` line, stops the stack when stdin closes or on SIGTERM. */
const program = (modulePath: string, exportName: string) => `
const { ${exportName}: start } = require(${JSON.stringify(modulePath)});
(async () => {
  const stack = await start({ portalUrl: process.env.PORTAL_URL || undefined });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try { await stack.stop(); } finally { process.exit(0); }
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.on('SIGTERM', stop);
  process.stdin.resume();
  process.stdout.write('READY ' + JSON.stringify({ apiUrl: stack.apiUrl, consortiumDir: stack.consortiumDir, database: stack.database }) + '\\n');
})().catch((error) => {
  process.stderr.write('stack failed: ' + (error && error.stack || error) + '\\n');
  process.exit(1);
});
`;

/** The verticals' stack starters: the module (from the repository root) and its export. */
export const STACKS = {
  evidence: ['apps/judicial-evidence/test/support/evidence-stack.ts', 'startEvidenceStack'],
  invoice: ['apps/invoice/test/support/invoice-stack.ts', 'startInvoiceStack'],
} as const;

/**
 * Starts a vertical's stack in a child process; resolves once its service answers /api/ready.
 * QR codes and links point at `portalUrl`.
 */
export function startStackProcess(
  vertical: keyof typeof STACKS,
  portalUrl?: string,
  timeoutMs = 240_000,
): Promise<StackProcess> {
  const [module, exportName] = STACKS[vertical];
  const modulePath = path.join(ROOT, module);
  const child: ChildProcess = spawn(
    process.execPath,
    ['--require', '@swc-node/register', '-e', program(modulePath, exportName)],
    {
      cwd: ROOT,
      // With DATABASE_URL (CI) the stack makes a fresh database on that PostgreSQL and drops it
      // after; without, the service uses its embedded one (npm test on a bare machine).
      env: { ...process.env, PORTAL_URL: portalUrl ?? '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin?.end();
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(
        new Error(
          `the ${vertical} stack was not ready within ${timeoutMs} ms:\n${err.slice(-4000)}`,
        ),
      );
    }, timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = /^READY (.*)$/m.exec(out);
      if (!line) return;
      clearTimeout(timer);
      resolve({ ...(JSON.parse(line[1]!) as Omit<StackProcess, 'stop'>), stop });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `the ${vertical} stack exited (${code}) before it was ready:\n${err.slice(-4000)}`,
        ),
      );
    });
  });
}
