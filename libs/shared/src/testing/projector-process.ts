/**
 * The projector process of the crash tests, started and watched from a test: it runs
 * `projection-child.ts` (a ChainProjection of the test read model) against a database and
 * nodes, so the test can SIGKILL it at any moment.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const CHILD = join(__dirname, 'projection-child.ts');

export interface ProjectorProcess {
  readonly process: ChildProcess;
  /** Resolves once the projection runs; rejects if the process exits before. */
  readonly running: Promise<void>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it printed (stdout then stderr). */
  output(): string;
}

/** Starts a projector on `databaseUrl`, streaming from `nodes`, under checkpoint `name`. */
export function startProjector(
  databaseUrl: string,
  nodes: readonly string[],
  name: string,
): ProjectorProcess {
  const child = spawn(
    process.execPath,
    ['--require', '@swc-node/register', CHILD, databaseUrl, nodes.join(','), name],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  const running = new Promise<void>((resolveRunning, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('running')) resolveRunning();
    });
    child.on('exit', () => reject(new Error(`projector exited before running: ${stderr}`)));
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  running.catch(() => undefined);
  return { process: child, running, exit, output: () => stdout + stderr };
}
