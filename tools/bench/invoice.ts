/**
 * `npm run bench:invoice -- [--invoices N] [--concurrency C] [--per-request K]`: invoices issued
 * per second end to end — an HTTP request to the e-invoice service (its own process, on PostgreSQL: DATABASE_URL's
 * server when set, else the embedded one), the transaction signed, committed by a real
 * four-validator consortium and projected into the read model before the 201 answer — and the
 * projection's lag behind the chain (blocks, sampled every 100 ms). K = 1 (the default): one
 * invoice per request; K > 1: bulk requests of K invoices. Latencies are per request. Prints a
 * Markdown summary.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TEST_PASSWORD, startConsortium, startServiceOnConsortium } from '@trellis/shared/testing';
import { withUsccCheckCharacter } from '@trellis/invoice-contract';

const ROOT = join(__dirname, '..', '..');
const SERVICE = join(ROOT, 'apps', 'invoice', 'src', 'main.ts');

const uscc = withUsccCheckCharacter;

/** CPU time a process used so far, ms (Linux: utime + stime of /proc/<pid>/stat). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 1/100 s
}

/** CPU time of the machine's PostgreSQL server processes so far, ms (all of them: the server is ours alone here). */
function postgresCpuMs(): number {
  let sum = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres')
        sum += cpuMs(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return sum;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      invoices: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '64' },
      'per-request': { type: 'string', default: '1' },
    },
  });
  const total = Number(values.invoices);
  const concurrency = Number(values.concurrency);
  // 1: POST /api/invoice/invoices, one invoice per request (the till's way); 2..64: POST
  // /api/invoice/invoices/batch with that many (a merchant system's bulk upload).
  const perRequest = Number(values['per-request']);
  if (!Number.isInteger(total) || total < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error('--invoices and --concurrency must be positive integers');
  }
  if (!Number.isInteger(perRequest) || perRequest < 1 || perRequest > 64) {
    throw new Error('--per-request must be 1..64');
  }
  const profile = (name: string) =>
    process.env['BENCH_PROFILE_DIR']
      ? ['--cpu-prof', `--cpu-prof-dir=${join(process.env['BENCH_PROFILE_DIR'], name)}`]
      : [];
  const consortium = await startConsortium({
    prefix: 'trellis-bench-invoice-',
    execArgv: profile('validators'),
    members: [
      {
        org: 'tax-bureau',
        file: 'bureau',
        name: 'tax-officer',
        roles: ['service', 'tax-bureau'],
      },
    ],
  });
  const stack = await startServiceOnConsortium({
    consortium,
    main: SERVICE,
    name: 'invoice',
    env: { LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn' },
    accounts: [
      { username: 'officer', organisation: 'tax-bureau', roles: ['tax-bureau'] },
      { username: 'shop', organisation: 'manufacturer', roles: ['merchant'] },
    ],
    // BENCH_PROFILE_DIR=<dir>: the processes write CPU profiles there when they stop.
    execArgv: profile('service'),
  });
  const db = stack.database === 'postgres';
  const api = `${stack.apiUrl}/api/invoice`;
  try {
    const merchant = uscc('91440300MA5F0BENCH'.slice(0, 17));
    // Requests go through node:http on kept-alive sockets, one per client: fetch costs the
    // benchmark's own process about twice the CPU per request on these two cores.
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const { hostname, port, pathname: apiPath } = new URL(api);
    const tokens = new Map<string, string>();
    /** POSTs `body` as JSON to `path` (from the server's root), signed in as `username` if given. */
    const post = (path: string, body: unknown, username?: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const json = JSON.stringify(body);
        const req = request(
          {
            agent,
            hostname,
            port,
            path,
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(json),
              ...(username === undefined
                ? {}
                : { authorization: `Bearer ${tokens.get(username)}` }),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(json);
      });
    // Each client signs in once, as a merchant's till would; the sessions are not timed.
    for (const username of ['officer', 'shop']) {
      const res = await post('/api/sessions', { username, password: TEST_PASSWORD });
      if (res.status !== 201) throw new Error(`sign-in ${username}: ${res.status}`);
      tokens.set(username, (JSON.parse(res.text) as { token: string }).token);
    }
    const registered = await post(
      `${apiPath}/merchants`,
      {
        taxId: merchant,
        name: 'Bench Shop',
        industry: 'retail',
        region: '440300',
        org: 'manufacturer',
      },
      'officer',
    );
    if (registered.status !== 201)
      throw new Error(`register: ${registered.status} ${registered.text}`);
    const invoice = (i: number) => ({
      merchant,
      paymentId: `bench-${i}`,
      buyer: { name: 'Buyer', id: `wallet:${i % 100}` },
      lines: [
        {
          description: 'Item',
          quantity: 1 + (i % 3),
          unitPriceMinor: 999 + i,
          taxRateBasisPoints: 1300,
        },
      ],
    });
    /** Issues invoices first..first+count-1 in one request; its latency, ms. */
    const issue = async (first: number, count: number): Promise<number> => {
      const started = performance.now();
      const ids = Array.from({ length: count }, (_, k) => first + k);
      const res =
        perRequest === 1
          ? await post(`${apiPath}/invoices`, invoice(first), 'shop')
          : await post(`${apiPath}/invoices/batch`, { invoices: ids.map(invoice) }, 'shop');
      if (res.status !== 201) throw new Error(`issue ${first}: ${res.status} ${res.text}`);
      // each answer is the invoice asked for
      const body = JSON.parse(res.text) as {
        paymentId?: string;
        invoices?: { paymentId: string }[];
      };
      const answered =
        perRequest === 1 ? [body.paymentId] : (body.invoices ?? []).map((v) => v.paymentId);
      if (answered.join() !== ids.map((i) => `bench-${i}`).join())
        throw new Error(`issue ${first}: answered ${res.text.slice(0, 500)}`);
      return performance.now() - started;
    };
    for (let i = 0; i < 20; i++) await issue(1_000_000 + i * perRequest, perRequest); // warm-up, not counted
    const lags: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [chain, model] = await Promise.all([
          fetch(`${consortium.nodes[0]}/v1/status`).then(
            (r) => r.json() as Promise<{ height: string }>,
          ),
          fetch(`${api}/read-model`).then((r) => r.json() as Promise<{ height: string }>),
        ]);
        lags.push(Number(chain.height) - Number(model.height));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const latencies: number[] = [];
    let next = 0;
    const cpu = () => ({
      validators: consortium.pids.reduce((sum, pid) => sum + cpuMs(pid), 0),
      ...Object.fromEntries(consortium.pids.map((pid, i) => [`validator${i}`, cpuMs(pid)])),
      service: cpuMs(stack.pid),
      postgres: db ? postgresCpuMs() : 0,
      bench: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    });
    const chainHeight = async () =>
      Number(
        ((await (await fetch(`${consortium.nodes[0]}/v1/status`)).json()) as { height: string })
          .height,
      );
    const heightBefore = await chainHeight();
    const cpuBefore = cpu();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const first = next;
          next = Math.min(total, next + perRequest);
          latencies.push(await issue(first, next - first));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = cpu();
    const blocks = (await chainHeight()) - heightBefore;
    const perInvoice = (k: string) =>
      (
        ((cpuAfter as Record<string, number>)[k]! - (cpuBefore as Record<string, number>)[k]!) /
        total
      ).toFixed(2);
    const issuing = (
      (await (await fetch(`${api}/read-model`)).json()) as {
        issuing: { transactions: number; invoices: number; retriedAlone: number };
      }
    ).issuing;
    sampling = false;
    await sampler;
    latencies.sort((a, b) => a - b);
    lags.sort((a, b) => a - b);
    const rate = total / seconds;
    process.stdout.write(
      [
        `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; database: ${db ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite'}`,
        '',
        '| invoices | concurrency | invoices per request | issued/s (HTTP → commit → read model) | p50 / p95 / p99 ms | projection lag, blocks (median / p95 / max) | invoices per transaction |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        `| ${total} | ${concurrency} | ${perRequest} | ${rate.toFixed(1)} | ${pct(latencies, 0.5).toFixed(0)} / ${pct(latencies, 0.95).toFixed(0)} / ${pct(latencies, 0.99).toFixed(0)} | ${pct(lags, 0.5)} / ${pct(lags, 0.95)} / ${lags[lags.length - 1]} | ${perRequest === 1 ? `${(issuing.invoices / issuing.transactions).toFixed(1)} (${issuing.transactions} transactions, ${issuing.retriedAlone} re-sent alone)` : `${perRequest} (one transaction per request)`} |`,
        '',
        `Blocks committed while timed: ${blocks} (${(blocks / seconds).toFixed(1)}/s, ${(total / Math.max(1, blocks)).toFixed(1)} invoices per block)`,
        '',
        `CPU per invoice, ms: validators (all four) ${perInvoice('validators')}, service ${perInvoice('service')}, benchmark client ${perInvoice('bench')}, ${db ? `PostgreSQL ${perInvoice('postgres')}` : 'PostgreSQL: embedded, in the service'}; each validator ${consortium.pids.map((_, i) => perInvoice(`validator${i}`)).join(' / ')} (the first serves the service's requests and event stream)`,
        '',
      ].join('\n'),
    );
  } finally {
    await stack.stop();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench:invoice: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
