/**
 * `npm run bench:startup`: how long the pieces of the local stack take to start on this
 * machine. Prints medians; results go to docs/benchmarks.md with the machine they came from.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmbeddedPostgres } from '@trellis/shared';

const ROOT = join(__dirname, '..', '..');
const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function embeddedStartMs(): Promise<number> {
  const t0 = performance.now();
  const pg = await EmbeddedPostgres.start({ maxConnections: 5 });
  const elapsed = performance.now() - t0;
  await pg.stop();
  return elapsed;
}

/** Spawn → `/api/ready` answers 200, for the all-in-one API server on an embedded database. */
async function apiReadyMs(dataDir: string, port: number): Promise<number> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    ['--require', '@swc-node/register', join(ROOT, 'apps', 'api', 'src', 'main.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), TRELLIS_DATA_DIR: dataDir, DATABASE_URL: '' },
      stdio: 'ignore',
    },
  );
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error('the API server exited while starting');
      const ok = await fetch(`http://127.0.0.1:${port}/api/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return performance.now() - t0;
      await sleep(25);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function main(): Promise<void> {
  const port = Number(process.env['BENCH_PORT'] ?? 3990);
  process.stdout.write(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`,
  );
  const embedded: number[] = [];
  for (let i = 0; i < RUNS; i++) embedded.push(await embeddedStartMs());
  process.stdout.write(
    `embedded PostgreSQL (in memory) start: median ${median(embedded).toFixed(0)} ms of ${RUNS}\n`,
  );

  const fresh: number[] = [];
  const reused: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dataDir = await mkdtemp(join(tmpdir(), 'trellis-bench-'));
    try {
      fresh.push(await apiReadyMs(dataDir, port));
      reused.push(await apiReadyMs(dataDir, port));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  process.stdout.write(
    `API server spawn → ready, new data dir (migrations run): median ${median(fresh).toFixed(0)} ms of ${RUNS}\n`,
  );
  process.stdout.write(
    `API server spawn → ready, existing data dir: median ${median(reused).toFixed(0)} ms of ${RUNS}\n`,
  );
}

void main();
