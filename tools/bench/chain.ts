/**
 * `npm run bench`: the chain's throughput and latency on this machine, against its physical
 * limit (issue 7). A fresh local consortium of N validator processes per size; load generators
 * in separate processes with every transaction signed before the clock starts; 200-byte-class
 * "notarise a hash" transactions.
 *
 *   npm run bench -- [--validators 4,7,10,16] [--mode closed|open|pressure|spike|stability]
 *                    [--clients 64,512] [--rate 500] [--duration 20] [--generators 2]
 *                    [--spike-duration 60] [--max-rate R] [--search-duration 20]
 *                    [--peer etcd]   (also a 3-member etcd cluster, closed loop, for comparison)
 *                    [--profile DIR]   (each validator writes a V8 CPU profile there)
 *
 * Prints per run: committed TPS, p50/p95/p99 submit→commit latency, CPU per validator (its
 * process's CPU time over wall time), and the signature-verification ceiling measured in the
 * same run — Ed25519 verifies/s on one core × cores ÷ N, since every validator verifies every
 * transaction once — with the ratio to it.
 *
 * Modes: `closed` (C clients, each one transaction at a time, waiting for its commit), `open`
 * (a fixed offered rate), `pressure` (open-loop rates raised ×1.4 from `--rate` until the chain
 * no longer keeps up — fewer than 95 % commit, or the TPS committed within the window is below
 * 95 % of the rate offered; the highest sustained rate is reported).
 *
 * Two more, after CAICT's trusted-blockchain performance tests; they print figures and whether
 * a target is met, and assert nothing:
 * - `spike`: the `pressure` search (or `--max-rate R`, skipping it), then twice the highest
 *   sustained rate for `--spike-duration` s (default 60), its commits awaited as long again
 *   (the backlog's time to clear at the sustained rate), then a 20 s recovery at half that
 *   rate. Reports the spike's committed share (target ≥ 75 %), whether every validator process
 *   still runs and answers `GET /v1/ready` with 200 after it, and the recovery's committed share
 *   and p99.
 * - `stability`: the `pressure` search with `--search-duration` s windows (default 20), or
 *   `--max-rate R` instead, then 20 % of that rate for `--duration` s (default 300 in this
 *   mode). Every validator's resident memory (/proc/<pid>/status: VmRSS, RssAnon, RssFile) is
 *   sampled each 5 s. Reports the failures (sent − committed, refusals by code), and per
 *   validator its memory after a 30 s warm-up and at the end with least-squares slopes in
 *   MiB/min; "flat" means the anonymous part (heap, native) grows < 1 MiB/min. The file-backed
 *   part is LMDB's map of the data file, which grows with the chain.
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

const MODES = ['closed', 'open', 'pressure', 'spike', 'stability'] as const;
type Mode = (typeof MODES)[number];

interface Options {
  readonly validators: number[];
  readonly mode: Mode;
  readonly clients: number[];
  readonly rate: number;
  readonly durationS: number;
  readonly generators: number;
  /** `etcd`: also drive a 3-member etcd cluster with the same closed-loop shape. */
  readonly peer: 'etcd' | undefined;
  /** A folder for each validator's V8 CPU profile (`--cpu-prof`), written when it stops. */
  readonly profile: string | undefined;
  /** spike: how long twice the highest sustained rate is offered. */
  readonly spikeDurationS: number;
  /** spike, stability: the highest sustained rate, given instead of searched for. */
  readonly maxRate: number | undefined;
  /** stability: each search step's window (`durationS` is the long run's). */
  readonly searchDurationS: number;
}

/** A bad command line: reported by its message alone. */
class UsageError extends Error {}

/** Every option takes a value; an option given for a mode it does not apply to is refused. */
const OPTION_MODES: Record<string, readonly Mode[]> = {
  validators: MODES,
  mode: MODES,
  clients: MODES, // closed, and the etcd peer's closed loop
  rate: MODES,
  duration: MODES,
  generators: MODES,
  peer: MODES,
  profile: MODES,
  'spike-duration': ['spike'],
  'max-rate': ['spike', 'stability'],
  'search-duration': ['stability'],
};

function parseArgs(argv: readonly string[]): Options {
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]!;
    if (!name.startsWith('--') || !Object.hasOwn(OPTION_MODES, name.slice(2))) {
      throw new UsageError(
        `unknown option ${name}; expected ${Object.keys(OPTION_MODES)
          .map((o) => `--${o}`)
          .join(', ')}`,
      );
    }
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name}: a value is missing`);
  }
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const positive = (name: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`--${name}: ${v} is not a positive integer`);
    return n;
  };
  const list = (name: string, fallback: number[]) =>
    value(name)
      ?.split(',')
      .map((v) => positive(name, v)) ?? fallback;
  const one = (name: string, fallback: number) => {
    const v = value(name);
    return v === undefined ? fallback : positive(name, v);
  };
  const mode = value('mode') ?? 'closed';
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`--mode: expected ${MODES.join(', ')}, got ${mode}`);
  }
  for (const [name, modes] of Object.entries(OPTION_MODES)) {
    if (value(name) !== undefined && !modes.includes(mode as Mode)) {
      throw new UsageError(`--${name} applies only to --mode ${modes.join(' or ')}, not ${mode}`);
    }
  }
  const peer = value('peer');
  if (peer !== undefined && peer !== 'etcd')
    throw new UsageError(`--peer: expected etcd, got ${peer}`);
  const maxRate = value('max-rate');
  return {
    validators: list('validators', [4]),
    mode: mode as Mode,
    clients: list('clients', [64]),
    rate: one('rate', 300),
    durationS: one('duration', mode === 'stability' ? 300 : 20),
    generators: one('generators', 2),
    peer,
    profile: value('profile'),
    spikeDurationS: one('spike-duration', 60),
    maxRate: maxRate === undefined ? undefined : positive('max-rate', maxRate),
    searchDurationS: one('search-duration', 20),
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

/**
 * Runs the generators (signing first), starts them together, and merges their results.
 * `onGo` is called as they are told to start.
 */
async function drive(
  cluster: {
    readonly dir: string;
    readonly apis: readonly string[];
    readonly orgs: readonly string[];
    cpuSeconds(): number[];
  },
  generators: number,
  spec: (g: number) => Omit<LoadSpec, 'genesis' | 'orgDir' | 'nodes'>,
  onGo?: () => void,
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
  onGo?.();
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

/** One cluster size under test, and what its runs are reported against. */
interface Bench {
  readonly n: number;
  readonly cluster: BenchCluster;
  readonly ceiling: number;
  readonly generators: number;
  /** The mean signed transaction's size, from the last run. */
  txBytes: number;
}

const offered = (rate: number) => `${rate.toFixed(0)} tx/s offered`;
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;

/**
 * One open-loop run: `rate` tx/s offered for `windowS`, commits awaited up to `drainMs` after;
 * its row printed.
 */
async function openLoop(
  bench: Bench,
  mode: string,
  load: string,
  rate: number,
  windowS: number,
  drainMs: number,
  onGo?: () => void,
): Promise<{ row: Row; result: LoadResult }> {
  const perGen = rate / bench.generators;
  const run = await drive(
    bench.cluster,
    bench.generators,
    () => ({
      mode: 'open',
      rate: perGen,
      durationMs: windowS * 1000,
      count: Math.ceil(perGen * windowS) + 10,
      drainMs,
    }),
    onGo,
  );
  const row = summarise(bench.n, mode, load, windowS, run, bench.ceiling);
  print(row);
  bench.txBytes = row.txBytes;
  return { row, result: run.result };
}

/**
 * `pressure`: open-loop rates raised ×1.4 from `rate` until the chain no longer keeps up: a rate
 * is sustained when ≥ 95 % of what was sent commits and the TPS committed within the window is
 * ≥ 95 % of the rate offered (commits that trail in during the drain do not count: a backlog
 * is not throughput). Returns the highest rate sustained (tx/s offered), if any.
 */
async function searchMaxRate(
  bench: Bench,
  rate: number,
  windowS: number,
): Promise<number | undefined> {
  let best: { rate: number; row: Row } | undefined;
  for (;;) {
    const { row } = await openLoop(bench, 'pressure', offered(rate), rate, windowS, 5000);
    if (row.success < 0.95 || row.tps < 0.95 * rate) break;
    best = { rate, row };
    rate = Math.max(rate + 1, Math.round(rate * 1.4));
  }
  process.stdout.write(
    best
      ? `pressure, ${bench.n} validators: highest rate sustained with ≥ 95 % committed: ${best.row.load} (${best.row.tps.toFixed(0)} TPS committed, ${((best.row.tps / best.row.ceiling) * 100).toFixed(1)} % of the ceiling)\n`
      : `pressure, ${bench.n} validators: not even ${offered(rate)} sustained with ≥ 95 % committed; start lower (--rate)\n`,
  );
  return best?.rate;
}

/** Per validator: `ok` if its process still runs and `GET /v1/ready` answers 200, else why not. */
function validatorHealth(cluster: BenchCluster): Promise<string[]> {
  return Promise.all(
    cluster.processes.map(async (p, i) => {
      if (p.exitCode !== null) return `exited ${p.exitCode}`;
      if (p.signalCode !== null) return `killed by ${p.signalCode}`;
      try {
        const response = await fetch(`${cluster.apis[i]}/v1/ready`, {
          signal: AbortSignal.timeout(5000),
        });
        await response.text();
        return response.status === 200 ? 'ok' : `ready answered ${response.status}`;
      } catch (error) {
        return `ready not answered (${(error as Error).name})`;
      }
    }),
  );
}

/** `spike`: twice the highest sustained rate, then a recovery at half of it. */
async function spike(bench: Bench, options: Options): Promise<void> {
  const max = options.maxRate ?? (await searchMaxRate(bench, options.rate, options.durationS));
  if (max === undefined) return;
  const spikeS = options.spikeDurationS;
  const spikeRate = 2 * max;
  // At the sustained rate the backlog of a spike at twice it takes about as long again to clear.
  const spikeDrainMs = Math.max(5, spikeS) * 1000;
  const spiked = await openLoop(
    bench,
    'spike',
    `${offered(spikeRate)} (2 × ${max}) for ${spikeS} s`,
    spikeRate,
    spikeS,
    spikeDrainMs,
  );
  const health = await validatorHealth(bench.cluster);
  const recoveryS = 20;
  const recoveryRate = Math.max(1, Math.round(max / 2));
  const recovered = await openLoop(
    bench,
    'recovery',
    `${offered(recoveryRate)} (½ × ${max}) for ${recoveryS} s`,
    recoveryRate,
    recoveryS,
    5000,
  );
  const down = health.flatMap((h, i) => (h === 'ok' ? [] : [`${bench.cluster.orgs[i]}: ${h}`]));
  process.stdout.write(
    `spike, ${bench.n} validators: ${offered(spikeRate)} (2 × the highest sustained, ${max}) for ${spikeS} s: ` +
      `${percent(spiked.row.success)} committed within ${spikeDrainMs / 1000} s after it ` +
      `(target ≥ 75 %: ${spiked.row.success >= 0.75 ? 'met' : 'not met'}); ` +
      `validators alive after it (process running, GET /v1/ready 200): ${health.length - down.length} of ${health.length}` +
      `${down.length > 0 ? ` (${down.join('; ')})` : ''}; ` +
      `recovery at ${offered(recoveryRate)} for ${recoveryS} s: ${percent(recovered.row.success)} committed, p99 ${recovered.row.p99.toFixed(0)} ms\n`,
  );
}

/**
 * Resident memory of a process in MiB (/proc/<pid>/status), NaN once it is gone: all of it
 * (VmRSS), the anonymous part (RssAnon: the JS heap and native allocations) and the
 * file-backed part (RssFile: mostly LMDB's memory map, i.e. the page cache of the data file,
 * which grows with the chain and is reclaimable).
 */
function residentMiB(pid: number): { total: number; anon: number; file: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
      return match ? Number(match[1]) / 1024 : NaN;
    };
    return { total: field('VmRSS'), anon: field('RssAnon'), file: field('RssFile') };
  } catch {
    return { total: NaN, anon: NaN, file: NaN };
  }
}

/** Least-squares slope of y over x; NaN with fewer than two distinct x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const valid = points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  const mx = mean(valid.map(([x]) => x));
  const my = mean(valid.map(([, y]) => y));
  const sxx = valid.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = valid.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  return valid.length < 2 || sxx === 0 ? NaN : sxy / sxx;
}

/** `stability`: 20 % of the highest sustained rate for a long run, the validators' RSS sampled. */
async function stability(bench: Bench, options: Options): Promise<void> {
  const max =
    options.maxRate ?? (await searchMaxRate(bench, options.rate, options.searchDurationS));
  if (max === undefined) return;
  const rate = Math.max(1, Math.round(max / 5));
  const durationS = options.durationS;
  const sampleEveryS = 5;
  const warmUpS = 30;
  const samples: { atS: number; rss: ReturnType<typeof residentMiB>[] }[] = [];
  let t0 = 0;
  const sample = () =>
    samples.push({
      atS: (performance.now() - t0) / 1000,
      rss: bench.cluster.processes.map((p) => residentMiB(p.pid!)),
    });
  let timer: NodeJS.Timeout | undefined;
  let run: { row: Row; result: LoadResult };
  try {
    run = await openLoop(
      bench,
      'stability',
      `${offered(rate)} (20 % of ${max}) for ${durationS} s`,
      rate,
      durationS,
      5000,
      () => {
        t0 = performance.now();
        sample();
        timer = setInterval(sample, sampleEveryS * 1000);
      },
    );
  } finally {
    clearInterval(timer);
  }
  sample();

  const { sent, accepted, refused, commits } = run.result;
  process.stdout.write(
    `stability, ${bench.n} validators: ${sent} sent, ${commits.length} committed; failures: ${sent - commits.length} ` +
      `(refused: ${sent - accepted}${Object.keys(refused).length > 0 ? ` ${JSON.stringify(refused)}` : ''}; ` +
      `accepted but not seen committed by the end of the 5 s drain: ${accepted - commits.length})\n`,
  );

  const afterWarmUp = samples.filter((s) => s.atS >= warmUpS);
  const used = afterWarmUp.length >= 2 ? afterWarmUp : samples;
  const from = used[0]!;
  const last = samples[samples.length - 1]!;
  const mib = (v: number) => v.toFixed(1);
  const slopes = bench.cluster.processes.map((p, i) => {
    const perMinute = (part: 'total' | 'anon' | 'file') =>
      slope(used.map((s) => [s.atS / 60, s.rss[i]![part]] as const));
    const per = { total: perMinute('total'), anon: perMinute('anon'), file: perMinute('file') };
    const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;
    const [a, b] = [from.rss[i]!, last.rss[i]!];
    process.stdout.write(
      `memory, ${bench.cluster.orgs[i]} (pid ${p.pid}), ${from.atS.toFixed(0)} s → ${last.atS.toFixed(0)} s over ${used.length} samples: ` +
        `RSS ${mib(a.total)} → ${mib(b.total)} MiB (${signed(per.total)} MiB/min) = ` +
        `anonymous ${mib(a.anon)} → ${mib(b.anon)} MiB (${signed(per.anon)} MiB/min) + ` +
        `file-backed ${mib(a.file)} → ${mib(b.file)} MiB (${signed(per.file)} MiB/min)\n`,
    );
    return per.anon;
  });
  process.stdout.write(
    (used === samples
      ? `(the run is too short for the ${warmUpS} s warm-up: every sample, ${sampleEveryS} s apart, counts)\n`
      : `(samples every ${sampleEveryS} s; the first ${warmUpS} s are warm-up, left out)\n`) +
      `memory flat: ${slopes.every((m) => m < 1) ? 'yes' : 'no'} (anonymous memory's slope < 1 MiB/min on every validator; the file-backed part is the chain's growing data file, mapped)\n`,
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
    const cluster = await BenchCluster.start(n, options.profile);
    try {
      const perCore = verifyRatePerCore();
      const ceiling = (perCore * cores) / n;
      const bench: Bench = { n, cluster, ceiling, generators: options.generators, txBytes: NaN };
      const windowS = options.durationS;
      const g = options.generators;
      switch (options.mode) {
        case 'closed':
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
            bench.txBytes = row.txBytes;
            print(row);
            if (n === options.validators[0]) trellisClosed.set(clients, row.tps);
          }
          break;
        case 'open':
          await openLoop(bench, 'open', offered(options.rate), options.rate, windowS, 5000);
          break;
        case 'pressure':
          await searchMaxRate(bench, options.rate, windowS);
          break;
        case 'spike':
          await spike(bench, options);
          break;
        case 'stability':
          await stability(bench, options);
          break;
      }
      process.stdout.write(
        `(${n} validators: Ed25519 ${perCore.toFixed(0)} verifies/s per core × ${cores} cores ÷ ${n} = ceiling ${ceiling.toFixed(0)} tx/s; transactions of ${bench.txBytes.toFixed(0)} bytes)\n`,
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
    error instanceof UsageError
      ? `npm run bench: ${error.message}\n`
      : `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
