/**
 * `node --require @swc-node/register tools/bench/storage.ts`: the chain store's workload on
 * lmdb and on classic-level (LevelDB), for docs/adr/0011-chain-storage-lmdb.md. Results go to
 * docs/benchmarks.md with the machine.
 *
 * Workload (the validator's, per docs/adr/0011):
 * - block commit, durable: 1,000 state writes (32-byte keys, 200-byte values), 1,000 receipts
 *   (150 B), 1,000 tx-index entries, 1,000 sparse-tree nodes (14-byte keys, ~90-byte values)
 *   and a 1 KB block record, in one transaction (lmdb: `transactionSync` with
 *   `overlappingSync: false`; classic-level: one `batch` with `sync: true`). Measured raw on
 *   both, and through `ChainStore.commitBlock` (argument checks and encodings included);
 * - random point gets of existing keys in a store of 100,000 state entries, synchronous on
 *   both (`get` / `getSync`), plus classic-level's async `get` for reference;
 * - a 100-byte synced single write (the consensus safety data before a vote).
 * Each figure is the median of RUNS runs; the store directories are in os.tmpdir().
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { open, type Database, type RootDatabase } from 'lmdb';
import { ChainStore, type CommitRecord, type NodeBatch } from '@trellis/chain-core';

const RUNS = 7;
const BLOCKS_PER_RUN = 10;
const TXS = 1000;
const POPULATED_KEYS = 100_000;
const GETS_PER_RUN = 100_000;
const ASYNC_GETS_PER_RUN = 20_000;
const SAFETY_WRITES_PER_RUN = 200;

/** Table prefixes for classic-level (one keyspace) and sub-database names for lmdb. */
const TABLES = ['state', 'receipts', 'txs', 'nodes', 'blocks', 'sys'] as const;
type TableName = (typeof TABLES)[number];
interface Row {
  readonly table: TableName;
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

const bytes = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const u64 = (value: number): Uint8Array => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
};
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The rows of block `height`: what one commit writes. */
function blockRows(height: number): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < TXS; i++) {
    const location = concat(u64(height), Uint8Array.of(0, 0, i >> 8, i & 0xff));
    rows.push({ table: 'state', key: bytes(32), value: bytes(200) });
    rows.push({ table: 'receipts', key: location, value: bytes(150) });
    rows.push({ table: 'txs', key: bytes(32), value: location });
    rows.push({ table: 'nodes', key: concat(u64(height), bytes(6)), value: bytes(90) });
  }
  rows.push({ table: 'blocks', key: u64(height), value: bytes(1024) });
  rows.push({ table: 'sys', key: Uint8Array.of(1), value: bytes(40) });
  return rows;
}

/** The same block as a CommitRecord (its 1,000 nodes are internal nodes of its version, two children each). */
function blockRecord(height: number): CommitRecord {
  const nodes: NodeBatch['nodes'][number][] = Array.from({ length: TXS }, () => {
    const depth = 16 + 4 * (bytes(1)[0]! % 59);
    const child = { version: height, hash: bytes(32), leaf: false };
    const children = Array.from({ length: 16 }, (_, n) => (n === 3 || n === 9 ? child : null));
    return {
      key: { version: height, bitLength: depth, path: bytes(32) },
      node: { kind: 'internal', depth, path: bytes(32), children },
    };
  });
  return {
    height: BigInt(height),
    hash: bytes(32),
    block: bytes(1024),
    result: bytes(64),
    batches: [],
    receipts: Array.from({ length: TXS }, () => bytes(150)),
    txIds: Array.from({ length: TXS }, () => bytes(32)),
    stateWrites: Array.from({ length: TXS }, () => ({ key: bytes(32), value: bytes(200) })),
    nodeBatch: { version: height, nodes, stale: [] },
  };
}

interface Candidate {
  readonly name: string;
  /** Turns rows into what `commit` takes (keys prefixed for classic-level): not timed. */
  prepare(rows: readonly Row[]): unknown;
  commit(prepared: unknown): Promise<void> | void;
  get(key: Uint8Array): Uint8Array | undefined;
  getAsync?(key: Uint8Array): Promise<Uint8Array | undefined>;
  syncedWrite(value: Uint8Array): Promise<void> | void;
  close(): Promise<void>;
}

function lmdbCandidate(path: string): Candidate {
  const root: RootDatabase<Uint8Array, Uint8Array> = open({
    path,
    overlappingSync: false,
    maxDbs: 16,
    keyEncoding: 'binary',
    encoding: 'binary',
  });
  const dbs = Object.fromEntries(
    TABLES.map((name) => [
      name,
      root.openDB<Uint8Array, Uint8Array>({ name, keyEncoding: 'binary', encoding: 'binary' }),
    ]),
  ) as Record<TableName, Database<Uint8Array, Uint8Array>>;
  return {
    name: 'lmdb',
    prepare: (rows) => rows,
    commit: (rows) =>
      root.transactionSync(() => {
        for (const { table, key, value } of rows as Row[]) dbs[table].putSync(key, value);
      }),
    get: (key) => dbs.state.get(key),
    syncedWrite: (value) => root.transactionSync(() => dbs.sys.putSync(Uint8Array.of(2), value)),
    close: () => root.close(),
  };
}

async function levelCandidate(path: string): Promise<Candidate> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(path, {
    keyEncoding: 'view',
    valueEncoding: 'view',
  });
  await db.open();
  const prefixed = (table: TableName, key: Uint8Array): Uint8Array =>
    concat(Uint8Array.of(TABLES.indexOf(table)), key);
  return {
    name: 'classic-level',
    prepare: (rows) =>
      rows.map(({ table, key, value }) => ({
        type: 'put' as const,
        key: prefixed(table, key),
        value,
      })),
    commit: (ops) =>
      db.batch(ops as { type: 'put'; key: Uint8Array; value: Uint8Array }[], { sync: true }),
    get: (key) => db.getSync(prefixed('state', key)),
    getAsync: (key) => db.get(prefixed('state', key)),
    syncedWrite: (value) => db.put(prefixed('sys', Uint8Array.of(2)), value, { sync: true }),
    close: () => db.close(),
  };
}

function directorySize(path: string): number {
  return readdirSync(path).reduce((sum, name) => {
    const stats = statSync(join(path, name));
    return sum + (stats.isDirectory() ? directorySize(join(path, name)) : stats.size);
  }, 0);
}

/** Runs `body` once per run for each candidate in turn, so that load on the machine hits all. */
async function interleaved<T extends string>(
  names: readonly T[],
  body: (name: T) => Promise<number>,
): Promise<Record<T, number>> {
  const runs = new Map<T, number[]>(names.map((name) => [name, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const name of names) runs.get(name)!.push(await body(name));
  }
  return Object.fromEntries(names.map((name) => [name, median(runs.get(name)!)])) as Record<
    T,
    number
  >;
}

/**
 * Milliseconds per durable block commit, per candidate: the median of the runs' means, and
 * the slowest single block (LevelDB compacts in the background and may stall a write).
 */
async function commitPhase(
  candidates: readonly Candidate[],
  store: ChainStore,
): Promise<{ mean: Record<string, number>; slowest: Record<string, number> }> {
  const heights = new Map<string, number>([['ChainStore', 1]]); // the store holds block 0
  const slowest: Record<string, number> = {};
  const timeBlocks = async (name: string, commits: (() => unknown)[]): Promise<number> => {
    let total = 0;
    for (const commit of commits) {
      const t0 = performance.now();
      await commit();
      const elapsed = performance.now() - t0;
      total += elapsed;
      slowest[name] = Math.max(slowest[name] ?? 0, elapsed);
    }
    return total / commits.length;
  };
  const commitBlocks = (name: string): Promise<number> => {
    const next = (): number => {
      const height = heights.get(name) ?? 0;
      heights.set(name, height + 1);
      return height;
    };
    if (name === 'ChainStore') {
      const records = Array.from({ length: BLOCKS_PER_RUN }, () => blockRecord(next()));
      return timeBlocks(
        name,
        records.map((record) => () => store.commitBlock(record)),
      );
    }
    const candidate = candidates.find((c) => c.name === name)!;
    const blocks = Array.from({ length: BLOCKS_PER_RUN }, () =>
      candidate.prepare(blockRows(next())),
    );
    return timeBlocks(
      name,
      blocks.map((prepared) => () => candidate.commit(prepared)),
    );
  };
  const names = [...candidates.map((c) => c.name), 'ChainStore'];
  for (const name of names) await commitBlocks(name); // warm-up, not timed
  for (const name of names) slowest[name] = 0;
  return { mean: await interleaved(names, commitBlocks), slowest };
}

/** Fills each candidate to POPULATED_KEYS state entries; returns the keys (the same for all). */
async function populate(candidates: readonly Candidate[]): Promise<Uint8Array[]> {
  const keys: Uint8Array[] = [];
  while (keys.length < POPULATED_KEYS) {
    const rows = Array.from({ length: 5000 }, (): Row => ({
      table: 'state',
      key: bytes(32),
      value: bytes(200),
    }));
    for (const row of rows) keys.push(row.key);
    for (const candidate of candidates) await candidate.commit(candidate.prepare(rows));
  }
  return keys;
}

/** Fills the ChainStore's state to POPULATED_KEYS entries (height 0), like the candidates. */
function populateStore(store: ChainStore): void {
  store.commitBlock({
    ...blockRecord(0),
    stateWrites: Array.from({ length: POPULATED_KEYS }, () => ({
      key: bytes(32),
      value: bytes(200),
    })),
  });
}

async function readPhase(
  candidates: readonly Candidate[],
  keys: readonly Uint8Array[],
): Promise<{ sync: Record<string, number>; async: number }> {
  const pick = (): Uint8Array => keys[Math.floor(Math.random() * keys.length)]!;
  const byName = new Map(candidates.map((c) => [c.name, c]));
  const sync = await interleaved([...byName.keys()], (name) => {
    const candidate = byName.get(name)!;
    const order = Array.from({ length: GETS_PER_RUN }, pick);
    const t0 = performance.now();
    let found = 0;
    for (const key of order) if (candidate.get(key) !== undefined) found++;
    const elapsed = performance.now() - t0;
    if (found !== GETS_PER_RUN) throw new Error(`${name}: ${GETS_PER_RUN - found} keys not found`);
    return Promise.resolve((GETS_PER_RUN * 1000) / elapsed);
  });
  const level = candidates.find((c) => c.getAsync !== undefined)!;
  const { async } = await interleaved(['async'], async () => {
    const order = Array.from({ length: ASYNC_GETS_PER_RUN }, pick);
    const t0 = performance.now();
    for (const key of order) await level.getAsync!(key);
    return (ASYNC_GETS_PER_RUN * 1000) / (performance.now() - t0);
  });
  return { sync, async };
}

/** Milliseconds per 100-byte synced write, per candidate. */
function safetyPhase(candidates: readonly Candidate[]): Promise<Record<string, number>> {
  const byName = new Map(candidates.map((c) => [c.name, c]));
  return interleaved([...byName.keys()], async (name) => {
    const candidate = byName.get(name)!;
    const t0 = performance.now();
    for (let i = 0; i < SAFETY_WRITES_PER_RUN; i++) await candidate.syncedWrite(bytes(100));
    return (performance.now() - t0) / SAFETY_WRITES_PER_RUN;
  });
}

function packageVersion(name: string): string {
  const manifest = readFileSync(
    join(__dirname, '..', '..', 'node_modules', name, 'package.json'),
    'utf8',
  );
  return (JSON.parse(manifest) as { version: string }).version;
}

const fmt = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'trellis-bench-storage-'));
  try {
    const memory = Math.round(totalmem() / 2 ** 30);
    console.log(
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${memory} GiB, load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.log(
      `node ${process.version}, lmdb ${packageVersion('lmdb')}, classic-level ${packageVersion('classic-level')}, stores in ${tmpdir()}`,
    );
    console.log(
      `medians of ${RUNS} runs: ${BLOCKS_PER_RUN} block commits, ${fmt(GETS_PER_RUN)} gets, ${SAFETY_WRITES_PER_RUN} synced writes each\n`,
    );

    const candidates = [
      lmdbCandidate(join(root, 'lmdb')),
      await levelCandidate(join(root, 'level')),
    ];
    const keys = await populate(candidates);
    const store = ChainStore.open({ path: join(root, 'chain-store') });
    await populateStore(store);
    const commit = await commitPhase(candidates, store);
    await store.close();
    const reads = await readPhase(candidates, keys);
    const safety = await safetyPhase(candidates);
    for (const candidate of candidates) await candidate.close();
    const size = (name: string): string => fmt(directorySize(join(root, name)) / 2 ** 20, 1);

    const L = 'lmdb';
    const C = 'classic-level';
    /** `better / worse`, oriented so that above 1 means lmdb is faster. */
    const ratio = (better: number, worse: number): string =>
      better >= worse
        ? `${(better / worse).toFixed(1)}× faster`
        : `${(worse / better).toFixed(1)}× slower`;
    console.log('| measurement | lmdb | classic-level | lmdb vs classic-level |');
    console.log('| --- | ---: | ---: | ---: |');
    const { mean, slowest } = commit;
    console.log(
      `| block commit, durable: mean ms (slowest block) | ${fmt(mean[L]!, 1)} (${fmt(slowest[L]!, 0)}) | ${fmt(mean[C]!, 1)} (${fmt(slowest[C]!, 0)}) | ${ratio(mean[C]!, mean[L]!)} |`,
    );
    console.log(
      `| the same through ChainStore.commitBlock | ${fmt(mean['ChainStore']!, 1)} (${fmt(slowest['ChainStore']!, 0)}) | – | – |`,
    );
    console.log(
      `| random gets/s, 100k keys, synchronous | ${fmt(reads.sync[L]!)} | ${fmt(reads.sync[C]!)} | ${ratio(reads.sync[L]!, reads.sync[C]!)} |`,
    );
    console.log(`| random gets/s, classic-level async get | – | ${fmt(reads.async)} | – |`);
    console.log(
      `| 100-byte synced write (ms) | ${fmt(safety[L]!, 2)} | ${fmt(safety[C]!, 2)} | ${ratio(safety[C]!, safety[L]!)} |`,
    );
    console.log(`| size on disk after the run (MiB) | ${size('lmdb')} | ${size('level')} | – |`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
