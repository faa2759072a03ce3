/**
 * `npm run bench:crypto`: signature verifications per second for each suite and
 * implementation, on one thread and on all cores (VerifierPool): the verification ceiling
 * that later benchmarks compare against. Results go to docs/benchmarks.md with the machine.
 *
 * Workload: 16 signers (a consortium's steady senders), 200-byte messages (about a
 * transaction), signatures made before any timing; each measurement runs at least 2 s.
 * "cores used" is the process's CPU time (all threads) over wall time: on a shared machine
 * it shows how much of the machine the measurement actually got.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import {
  type BatchItem,
  type Implementation,
  type SuiteId,
  SUITE_IDS,
  VerifierPool,
  getSuite,
} from '@trellis/chain-core';

const MIN_SECONDS = 2;
const SIGNERS = 16;
const ITEMS = 2048;
const MESSAGE_BYTES = 200;
const IMPLEMENTATIONS: readonly Implementation[] = ['fast', 'portable'];

interface Measurement {
  /** Verifications per second. */
  readonly rate: number;
  /** CPU time of the whole process (all threads) over wall time. */
  readonly cores: number;
}

function prepare(id: SuiteId): BatchItem[] {
  const suite = getSuite(id);
  const signers = Array.from({ length: SIGNERS }, () => suite.generateKeyPair());
  return Array.from({ length: ITEMS }, (_, i) => {
    const signer = signers[i % SIGNERS]!;
    const message = Uint8Array.from({ length: MESSAGE_BYTES }, (_, j) => (i * 31 + j) & 0xff);
    return {
      publicKey: signer.publicKey,
      message,
      signature: suite.sign(signer.secretKey, message),
    };
  });
}

/** Runs `body`, which returns how many verifications it did, for at least MIN_SECONDS. */
async function measure(body: (deadline: number) => Promise<number> | number): Promise<Measurement> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const count = await body(start + MIN_SECONDS * 1000);
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { rate: (count * 1000) / elapsed, cores: (used.user + used.system) / 1000 / elapsed };
}

function oneThread(
  id: SuiteId,
  implementation: Implementation,
  items: readonly BatchItem[],
): Promise<Measurement> {
  const suite = getSuite(id, implementation);
  const verify = (index: number): void => {
    const item = items[index % items.length]!;
    if (!suite.verify(item.publicKey, item.message, item.signature)) {
      throw new Error(`${id} ${implementation}: item ${index % items.length} did not verify`);
    }
  };
  // Warm-up: JIT and key caches (SM2's per-key tables come at a key's 32nd use).
  for (let i = 0; i < 40 * SIGNERS; i++) verify(i);
  return measure((deadline) => {
    let count = 0;
    while (performance.now() < deadline) verify(count++);
    return count;
  });
}

/** Through the pool, with two batches in flight so that no thread waits for the next. */
async function allThreads(
  pool: VerifierPool,
  id: SuiteId,
  items: readonly BatchItem[],
  batchSize: number,
): Promise<Measurement> {
  const batch = items.slice(0, batchSize);
  const run = async (): Promise<number> => {
    const results = await pool.verifyBatch(id, batch);
    if (results.some((ok) => !ok)) throw new Error(`${id}: a pooled verification failed`);
    return batch.length;
  };
  // Warm-up: thread start, JIT and every thread's key caches.
  for (let warmed = 0; warmed < 48 * SIGNERS * pool.size; warmed += 2 * batch.length) {
    await Promise.all([run(), run()]);
  }
  return measure(async (deadline) => {
    const lane = async (): Promise<number> => {
      let count = 0;
      while (performance.now() < deadline) count += await run();
      return count;
    };
    const [a, b] = await Promise.all([lane(), lane()]);
    return a + b;
  });
}

/** The installed version of a package (found from its entry point: @noble exports no package.json). */
function packageVersion(name: string): string {
  for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (!existsSync(path)) continue;
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === name) return manifest.version ?? '?';
  }
  return '?';
}

const fmt = (value: number): string => Math.round(value).toLocaleString('en-US');

async function main(): Promise<void> {
  const threads = availableParallelism();
  const load = loadavg().map((l) => l.toFixed(1));
  const memory = Math.round(totalmem() / 2 ** 30);
  console.log(
    `machine: ${threads} cores, ${cpus()[0]?.model ?? '?'}, ${memory} GiB, load ${load.join(' ')}`,
  );
  console.log(
    `node ${process.version}, OpenSSL ${process.versions.openssl}, ` +
      `sodium-native ${packageVersion('sodium-native')}, @noble/curves ${packageVersion('@noble/curves')}`,
  );
  console.log(
    `workload: ${SIGNERS} signers, ${MESSAGE_BYTES}-byte messages, ≥ ${MIN_SECONDS} s each\n`,
  );
  console.log(
    `| suite | implementation | verify/s, 1 thread | verify/s, ${threads} threads (VerifierPool) ` +
      `| scaling | cores used (1 thread / pool) |`,
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: |');
  for (const id of SUITE_IDS) {
    const items = prepare(id);
    for (const implementation of IMPLEMENTATIONS) {
      const single = await oneThread(id, implementation, items);
      // Batches of ~50 ms of one thread's work per thread: long enough to hide messaging.
      const batchSize = Math.max(64, Math.min(ITEMS, Math.round(single.rate * 0.05 * threads)));
      const pool = new VerifierPool({ size: threads, implementation });
      try {
        const pooled = await allThreads(pool, id, items, batchSize);
        const scaling = (pooled.rate / single.rate).toFixed(2);
        console.log(
          `| ${id} | ${implementation} | ${fmt(single.rate)} | ${fmt(pooled.rate)} | ${scaling}× ` +
            `| ${single.cores.toFixed(2)} / ${pooled.cores.toFixed(2)} |`,
        );
      } finally {
        await pool.close();
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
