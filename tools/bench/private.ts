/**
 * `npm run bench:private`: the cost of private data per suite — sealing a payload to its
 * recipient validators (one key agreement and wrap each) and opening it at one recipient —
 * for 1 KiB and 1 MiB payloads and 3 or 12 recipients. Medians of repeated runs after a
 * warm-up; results go to docs/benchmarks.md with the machine.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import {
  SUITE_IDS,
  type SuiteId,
  getSuite,
  openPrivatePayload,
  sealPrivatePayload,
} from '@trellis/chain-core';

const CHAIN = 'bench-chain';
const SIZES = [1024, 1024 * 1024];
const RECIPIENTS = [3, 12];
const MIN_MS = 1500;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs `body` repeatedly (after 3 warm-up calls) for at least MIN_MS; the median in ms. */
function time(body: () => void): number {
  for (let i = 0; i < 3; i++) body();
  const samples: number[] = [];
  const start = performance.now();
  while (performance.now() - start < MIN_MS || samples.length < 5) {
    const t = performance.now();
    body();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

function bench(suite: SuiteId, size: number, count: number): { seal: number; open: number } {
  const s = getSuite(suite, 'fast');
  const keys = Array.from({ length: count }, () => s.generateKeyPair());
  const recipients = keys.map((k, i) => ({ org: `org-${i % 4}`, publicKey: k.publicKey }));
  const plaintext = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
  const input = { suite, chainId: CHAIN, plaintext, recipients };
  const seal = time(() => void sealPrivatePayload(input));
  const { envelope } = sealPrivatePayload(input);
  const me = keys[count - 1]!;
  const options = { chainId: CHAIN, suite, publicKey: me.publicKey, secretKey: me.secretKey };
  const open = time(() => void openPrivatePayload(envelope, options));
  return { seal, open };
}

function main(): void {
  const memory = Math.round(totalmem() / 2 ** 30);
  process.stdout.write(
    `machine: ${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, ${memory} GiB, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, Node ${process.version}\n\n`,
  );
  process.stdout.write(
    '| suite | payload | recipients | seal (median ms) | open at one recipient (median ms) |\n',
  );
  process.stdout.write('| --- | ---: | ---: | ---: | ---: |\n');
  for (const suite of SUITE_IDS) {
    for (const size of SIZES) {
      for (const count of RECIPIENTS) {
        const { seal, open } = bench(suite, size, count);
        const label = size >= 1024 * 1024 ? `${size / 1024 / 1024} MiB` : `${size / 1024} KiB`;
        process.stdout.write(
          `| ${suite} | ${label} | ${count} | ${seal.toFixed(2)} | ${open.toFixed(2)} |\n`,
        );
      }
    }
  }
}

main();
