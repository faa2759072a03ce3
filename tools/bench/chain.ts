/**
 * `npm run bench`: the chain's throughput and latency on this machine, against its physical
 * limit (issue 7). A fresh local consortium of N validator processes per size; load generators
 * in separate processes with every transaction signed before the clock starts; 200-byte-class
 * "notarise a hash" transactions.
 *
 *   npm run bench -- [--validators 4,7,10,16] [--mode closed|open|pressure]
 *                    [--clients 64,512] [--rate 500] [--duration 20] [--generators 2]
 *                    [--profile DIR]   (each validator writes a V8 CPU profile there)
 *
 * Prints per run: committed TPS, p50/p95/p99 submit→commit latency, CPU per validator (its
 * process's CPU time over wall time), and the signature-verification ceiling measured in the
 * same run — Ed25519 verifies/s on one core × cores ÷ N, since every validator verifies every
 * transaction once — with the ratio to it.
 *
 * Modes: `closed` (C clients, each one transaction at a time, waiting for its commit), `open`
 * (a fixed offered rate), `pressure` (open-loop rates raised ×1.4 from `--rate` until fewer
 * than 95 % commit within the window; the highest sustained rate is reported).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { getSuite } from '@trellis/chain-core';
import { initConsortium } from '@trellis/node';
import type { LoadResult, LoadSpec } from './chain/loadgen';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'apps', 'node', 'src', 'main.ts');
const LOADGEN = join(__dirname, 'chain', 'loadgen.ts');

interface Options {
  readonly validators: number[];
  readonly mode: 'closed' | 'open' | 'pressure';
  readonly clients: number[];
  readonly rate: number;
  readonly durationS: number;
  readonly generators: number;
  /** `etcd`: also drive a 3-member etcd cluster with the same closed-loop shape. */
  readonly peer: 'etcd' | undefined;
  /** A folder for each validator's V8 CPU profile (`--cpu-prof`), written when it stops. */
  readonly profile: string | undefined;
}

function parseArgs(argv: readonly string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (name: string, fallback: number[]) =>
    value(name)
      ?.split(',')
      .map((v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1)
          throw new Error(`--${name}: ${v} is not a positive integer`);
        return n;
      }) ?? fallback;
  const mode = value('mode') ?? 'closed';
  if (mode !== 'closed' && mode !== 'open' && mode !== 'pressure') {
    throw new Error(`--mode: expected closed, open or pressure, got ${mode}`);
  }
  return {
    validators: list('validators', [4]),
    mode,
    clients: list('clients', [64]),
    rate: list('rate', [300])[0]!,
    durationS: list('duration', [20])[0]!,
    generators: list('generators', [2])[0]!,
    peer: value('peer') === 'etcd' ? 'etcd' : undefined,
    profile: value('profile'),
  };
}

/** Processes of one system under test, in a scratch folder. */
class ProcessGroup {
  readonly processes: ChildProcess[] = [];
  constructor(readonly dir: string) {}

  /** CPU seconds (user + system) of each process so far. */
  cpuSeconds(): number[] {
    return this.processes.map((p) => processCpuSeconds(p.pid!));
  }

  async stop(): Promise<void> {
    await stopAll(this.processes);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls `ready` every 250 ms until it answers true (a refused connection counts as not yet). */
async function waitUntil(what: string, timeoutMs: number, ready: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await ready()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready in ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** A consortium of `n` validators, their processes started and ready. */
class BenchCluster extends ProcessGroup {
  private constructor(
    dir: string,
    readonly apis: string[],
    readonly configs: string[],
    readonly orgs: string[],
  ) {
    super(dir);
  }

  static async start(n: number, profileDir?: string): Promise<BenchCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-bench-'));
    const base = 12_000 + Math.floor(Math.random() * 100) * 100;
    const orgs = Array.from({ length: n }, (_, i) => ({
      id: `org-${String(i + 1).padStart(2, '0')}`,
      name: `Organisation ${i + 1}`,
    }));
    const result = await initConsortium({
      dir,
      chainId: 'trellis-bench',
      orgs,
      basePort: base,
      apiBasePort: base + 50,
    });
    const cluster = new BenchCluster(
      dir,
      orgs.map((_, i) => `http://127.0.0.1:${base + 51 + i}`),
      result.nodes.map((node) => node.configFile),
      orgs.map((o) => o.id),
    );
    for (const config of cluster.configs) {
      // Warnings only: the figures are the chain's, not its logging's.
      const document = JSON.parse(readFileSync(config, 'utf8')) as Record<string, unknown>;
      writeFileSync(config, JSON.stringify({ ...document, logLevel: 'warn' }));
      cluster.processes.push(
        spawn(
          process.execPath,
          [
            ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
            '--require',
            '@swc-node/register',
            MAIN,
            'start',
            '--config',
            config,
          ],
          {
            stdio: 'ignore',
            env: { ...process.env, NODE_ENV: 'production' },
          },
        ),
      );
    }
    for (const api of cluster.apis) {
      await waitUntil(api, 120_000, async () => (await fetch(`${api}/v1/ready`)).status === 200);
    }
    return cluster;
  }
}

/** A 3-member etcd cluster on loopback (Debian's etcd-server), each member its own process. */
class EtcdCluster extends ProcessGroup {
  private constructor(
    dir: string,
    readonly clients: string[],
  ) {
    super(dir);
  }

  static async start(): Promise<EtcdCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-etcd-'));
    const base = 12_000 + Math.floor(Math.random() * 100) * 100 + 90;
    const names = ['e1', 'e2', 'e3'];
    const peer = (i: number) => `http://127.0.0.1:${base + 5 + i}`;
    const client = (i: number) => `http://127.0.0.1:${base + i}`;
    const initial = names.map((name, i) => `${name}=${peer(i)}`).join(',');
    const cluster = new EtcdCluster(
      dir,
      names.map((_, i) => client(i)),
    );
    for (const [i, name] of names.entries()) {
      cluster.processes.push(
        spawn(
          'etcd',
          [
            `--name=${name}`,
            `--data-dir=${join(dir, name)}`,
            `--listen-client-urls=${client(i)}`,
            `--advertise-client-urls=${client(i)}`,
            `--listen-peer-urls=${peer(i)}`,
            `--initial-advertise-peer-urls=${peer(i)}`,
            `--initial-cluster=${initial}`,
            '--initial-cluster-state=new',
            '--initial-cluster-token=trellis-bench',
            '--log-level=warn',
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    for (const url of cluster.clients) {
      await waitUntil(`etcd ${url}`, 60_000, async () => {
        const health = (await (await fetch(`${url}/health`)).json()) as { health?: string };
        return health.health === 'true';
      });
    }
    return cluster;
  }
}

/** CPU seconds (user + system) of a process so far, from /proc. */
function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ
}

function stopAll(processes: readonly ChildProcess[]): Promise<void[]> {
  return Promise.all(
    processes.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.exitCode !== null) return resolve();
          p.once('exit', () => resolve());
          p.kill('SIGTERM');
        }),
    ),
  );
}

/** Runs the generators (signing first), starts them together, and merges their results. */
async function drive(
  cluster: {
    readonly dir: string;
    readonly apis: readonly string[];
    readonly orgs: readonly string[];
    cpuSeconds(): number[];
  },
  generators: number,
  spec: (g: number) => Omit<LoadSpec, 'genesis' | 'orgDir' | 'nodes'>,
): Promise<{ result: LoadResult; wallS: number; cpu: number[] }> {
  const children = Array.from({ length: generators }, (_, g) => {
    const full: LoadSpec = {
      ...spec(g),
      genesis: join(cluster.dir, 'genesis.json'),
      orgDir: join(cluster.dir, 'orgs', cluster.orgs[g % cluster.orgs.length]!),
      nodes: cluster.apis,
    };
    const child = spawn(
      process.execPath,
      ['--require', '@swc-node/register', LOADGEN, JSON.stringify(full)],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: child.stdout! });
    const ready = new Promise<void>((resolve) =>
      lines.on('line', (line) => line === 'ready' && resolve()),
    );
    const done = new Promise<LoadResult>((resolve, reject) => {
      lines.on('line', (line) => line.startsWith('{') && resolve(JSON.parse(line) as LoadResult));
      child.once(
        'exit',
        (code) => code !== 0 && reject(new Error(`load generator exited ${code}`)),
      );
    });
    return { child, ready, done };
  });
  await Promise.all(children.map((c) => c.ready));
  const cpu0 = cluster.cpuSeconds();
  const t0 = performance.now();
  for (const c of children) c.child.stdin!.write('go\n');
  const results = await Promise.all(children.map((c) => c.done));
  const wallS = (performance.now() - t0) / 1000;
  const cpu1 = cluster.cpuSeconds();
  const merged: LoadResult = {
    sent: results.reduce((s, r) => s + r.sent, 0),
    accepted: results.reduce((s, r) => s + r.accepted, 0),
    refused: results.reduce<Record<string, number>>((all, r) => {
      for (const [code, n] of Object.entries(r.refused)) all[code] = (all[code] ?? 0) + n;
      return all;
    }, {}),
    commits: results.flatMap((r) => r.commits),
    txBytes: results.reduce((s, r) => s + r.txBytes, 0) / results.length,
  };
  return { result: merged, wallS, cpu: cpu1.map((c, i) => (c - cpu0[i]!) / wallS) };
}

/** Ed25519 verifications per second on one core, measured now (2 s, fast implementation). */
function verifyRatePerCore(): number {
  const suite = getSuite('ed25519', 'fast');
  const keys = suite.generateKeyPair();
  const message = new Uint8Array(200).fill(7);
  const signature = suite.sign(keys.secretKey, message);
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < 2000) {
    for (let i = 0; i < 200; i++) suite.verify(keys.publicKey, message, signature);
    count += 200;
  }
  return (count * 1000) / (performance.now() - start);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Row {
  readonly validators: number;
  readonly mode: string;
  readonly load: string;
  readonly tps: number;
  readonly success: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly cpu: number[];
  readonly ceiling: number;
  readonly txBytes: number;
  readonly refused: Record<string, number>;
}

function summarise(
  validators: number,
  mode: string,
  load: string,
  windowS: number,
  run: { result: LoadResult; cpu: number[] },
  ceiling: number,
): Row {
  const inWindow = run.result.commits.filter(([, at]) => at <= windowS * 1000);
  const latencies = run.result.commits.map(([sent, at]) => at - sent).sort((a, b) => a - b);
  return {
    validators,
    mode,
    load,
    tps: inWindow.length / windowS,
    success: run.result.sent === 0 ? 0 : run.result.commits.length / run.result.sent,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    cpu: run.cpu,
    ceiling,
    txBytes: run.result.txBytes,
    refused: run.result.refused,
  };
}

function print(row: Row): void {
  const cpu = row.cpu.map((c) => `${(c * 100).toFixed(0)}%`).join(' ');
  process.stdout.write(
    `| ${row.validators} | ${row.mode} | ${row.load} | ${row.tps.toFixed(0)} | ${(row.success * 100).toFixed(1)} % | ` +
      `${row.p50.toFixed(0)} / ${row.p95.toFixed(0)} / ${row.p99.toFixed(0)} | ${cpu} | ` +
      (Number.isNaN(row.ceiling)
        ? '— | — |'
        : `${row.ceiling.toFixed(0)} | ${((row.tps / row.ceiling) * 100).toFixed(1)} % |`) +
      `${Object.keys(row.refused).length > 0 ? ` refused: ${JSON.stringify(row.refused)}` : ''}\n`,
  );
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const cores = availableParallelism();
  process.stdout.write(
    `machine: ${cores} cores, ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
      `load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}, Node ${process.version}\n`,
  );
  process.stdout.write(
    '| validators | mode | load | committed TPS | committed | latency p50 / p95 / p99 (ms) | CPU per validator | ceiling (tx/s) | of ceiling |\n' +
      '| ---: | --- | --- | ---: | ---: | ---: | --- | ---: | ---: |\n',
  );
  /** Closed-loop TPS of the first cluster size, by C (for the etcd ratio). */
  const trellisClosed = new Map<number, number>();
  for (const n of options.validators) {
    const cluster = await BenchCluster.start(n);
    try {
      const perCore = verifyRatePerCore();
      const ceiling = (perCore * cores) / n;
      const windowS = options.durationS;
      const g = options.generators;
      let txBytes = NaN;
      if (options.mode === 'closed') {
        for (const clients of options.clients) {
          const perGen = Math.ceil(clients / g);
          const run = await drive(cluster, g, () => ({
            mode: 'closed',
            clients: perGen,
            durationMs: windowS * 1000,
            count: Math.max(2000, perGen * windowS * 40),
            drainMs: 0,
          }));
          const row = summarise(n, 'closed', `C=${clients}`, windowS, run, ceiling);
          txBytes = row.txBytes;
          print(row);
          if (n === options.validators[0]) trellisClosed.set(clients, row.tps);
        }
      } else {
        let rate = options.rate;
        let best: Row | undefined;
        for (;;) {
          const perGen = rate / g;
          const run = await drive(cluster, g, () => ({
            mode: 'open',
            rate: perGen,
            durationMs: windowS * 1000,
            count: Math.ceil(perGen * windowS) + 10,
            drainMs: 5000,
          }));
          const row = summarise(
            n,
            options.mode,
            `${rate.toFixed(0)} tx/s offered`,
            windowS,
            run,
            ceiling,
          );
          print(row);
          txBytes = row.txBytes;
          if (options.mode === 'open' || row.success < 0.95) break;
          best = row;
          rate = Math.round(rate * 1.4);
        }
        if (best) {
          process.stdout.write(
            `pressure, ${n} validators: highest rate sustained with ≥ 95 % committed: ${best.load} (${best.tps.toFixed(0)} TPS committed, ${((best.tps / best.ceiling) * 100).toFixed(1)} % of the ceiling)\n`,
          );
        }
      }
      process.stdout.write(
        `(${n} validators: Ed25519 ${perCore.toFixed(0)} verifies/s per core × ${cores} cores ÷ ${n} = ceiling ${ceiling.toFixed(0)} tx/s; transactions of ${txBytes.toFixed(0)} bytes)\n`,
      );
    } finally {
      await cluster.stop();
    }
  }
  if (options.peer === 'etcd') await etcdSideBySide(options, trellisClosed);
}

/** The same closed loop against a 3-member etcd cluster, and Trellis ÷ etcd per C. */
async function etcdSideBySide(options: Options, trellis: Map<number, number>): Promise<void> {
  const etcd = await EtcdCluster.start();
  try {
    const g = options.generators;
    for (const clients of options.clients) {
      const perGen = Math.ceil(clients / g);
      const run = await drive(
        { dir: etcd.dir, apis: etcd.clients, orgs: ['-'], cpuSeconds: () => etcd.cpuSeconds() },
        g,
        () => ({
          mode: 'etcd',
          clients: perGen,
          durationMs: options.durationS * 1000,
          count: 0,
          drainMs: 0,
        }),
      );
      const row = summarise(
        3,
        'etcd closed',
        `C=${clients}, 256-byte puts`,
        options.durationS,
        run,
        NaN,
      );
      print(row);
      const ours = trellis.get(clients);
      if (ours !== undefined) {
        process.stdout.write(
          `Trellis (${options.validators[0]} validators) ÷ etcd (3 members), closed loop C=${clients}: ${(ours / row.tps).toFixed(2)}× (${ours.toFixed(0)} vs ${row.tps.toFixed(0)} per second)\n`,
        );
      }
    }
  } finally {
    await etcd.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
