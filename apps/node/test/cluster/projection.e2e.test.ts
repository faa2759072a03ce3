/**
 * Exactly-once projection from a real 4-node cluster into the real PostgreSQL: the SDK's
 * ChainClient submits notarisations (failing over while one node is down) as projector
 * processes stream the committed blocks from the nodes; each projector is SIGKILLed at a
 * random moment and the next resumes at its checkpoint. The read model must end row for row
 * equal to a fresh replay of the same heights, and hold every acknowledged transaction once.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProjectionCheckpoints } from '@trellis/shared';
import { ChainClient, type CommittedTransaction, EventStream } from '@trellis/shared/chain';
import {
  type ProjectorProcess,
  TEST_PROJECTION_FILTER,
  type TestDatabase,
  applyTestBlock,
  createTestDatabase,
  openReadModel,
  readModelRows,
  seededRandom,
  startProjector,
  waitForCheckpoint,
} from '@trellis/shared/testing';
import type { DataSource } from 'typeorm';
import { Cluster } from './cluster';

jest.setTimeout(300_000);
process.env['DATABASE_URL'] ??= 'postgres://postgres@127.0.0.1:5432/postgres';

const NAME = 'cluster.events';
const TRANSACTIONS = 240;
const KILLS = 5;
const SEED = Number(process.env['PROJECTION_SEED'] ?? Date.now() % 1e9);

let cluster: Cluster;
const databases: TestDatabase[] = [];
const opened: DataSource[] = [];
const projectors = new Set<ProjectorProcess>();
const checkpoints = new ProjectionCheckpoints();

beforeAll(async () => {
  cluster = await Cluster.create();
  cluster.startAll();
  await cluster.waitForHeight(2n, cluster.nodes, 90_000);
});

afterAll(async () => {
  for (const p of projectors) p.process.kill('SIGKILL');
  await Promise.all(opened.map((ds) => ds.destroy()));
  await Promise.all(databases.map((db) => db.drop()));
  await cluster?.stopAll();
});

async function database(): Promise<{ url: string; ds: DataSource }> {
  const db = await createTestDatabase('postgres');
  databases.push(db);
  const ds = await openReadModel(db.url);
  opened.push(ds);
  return { url: db.url, ds };
}

const height = (ds: DataSource) => checkpoints.height(ds.manager, NAME);

const until = (ds: DataSource, target: bigint) => waitForCheckpoint(ds, NAME, target, 90_000);

describe('ChainProjection from a real cluster', () => {
  it('sigkilledProjectors_endExactlyEqualToAFreshReplay_withEveryAcknowledgedTransactionOnce', async () => {
    const next = seededRandom(SEED);
    const nodes = cluster.nodes.map((n) => n.api);
    const { url, ds } = await database();
    const key = await cluster.member('bank');

    // The load: TRANSACTIONS notarisations through the SDK, 8 at a time, over all nodes.
    const client = new ChainClient({ nodes, backoff: { initialMs: 50, maxMs: 500 } });
    const acknowledged: CommittedTransaction[] = [];
    let submitted = 0;
    const load = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (submitted < TRANSACTIONS) {
          const label = `projection ${SEED} ${submitted++}`;
          const digest = new Uint8Array(createHash('sha256').update(label).digest());
          const tx = cluster.sign(key, 'judicial-evidence', 'notarise', { digest });
          const result = await client.submit(tx.bytes, { wait: 'commit', timeoutMs: 120_000 });
          if (result.status === 'committed') acknowledged.push(result);
        }
      }),
    );

    // Projectors streaming from all nodes, each killed at a random moment; node 0 is down
    // (SIGKILL) during the second one, so streams and submissions fail over to the others.
    const kills: string[] = [];
    for (let i = 0; i < KILLS; i++) {
      const from = await height(ds);
      const projector = startProjector(url, nodes, NAME);
      projectors.add(projector);
      await projector.running;
      if (i === 1) await cluster.kill(cluster.nodes[0]!);
      await until(ds, from + 1n + BigInt(Math.floor(next() * 12))).catch(async (error) => {
        const heights = await Promise.all(cluster.nodes.map((n) => cluster.height(n)));
        throw new Error(
          `${String(error)} (round ${i}, kills ${kills.join(', ')}, submitted ${submitted}, acknowledged ${acknowledged.length}, node heights ${heights.join(', ')}): ${projector.output()}`,
        );
      });
      await sleep(next() * 30);
      projector.process.kill('SIGKILL');
      expect(await projector.exit).toEqual({ code: null, signal: 'SIGKILL' });
      projectors.delete(projector);
      kills.push(`${from}→${await height(ds)}`);
      if (i === 2) cluster.start(cluster.nodes[0]!);
    }
    await load;
    expect(acknowledged).toHaveLength(TRANSACTIONS);
    const lastCommit = acknowledged.reduce((max, t) => (t.height > max ? t.height : max), 0n);

    // The last projector reaches past the last acknowledged commit and stops gracefully.
    const last = startProjector(url, nodes, NAME);
    projectors.add(last);
    await last.running;
    await until(ds, lastCommit);
    last.process.kill('SIGTERM');
    expect(await last.exit).toEqual({ code: 0, signal: null });
    projectors.delete(last);
    const end = await height(ds);

    // The fresh replay: every block 0..end from a node's stream, applied by a plain loop.
    const reference = await database();
    const stream = new EventStream({
      nodes: nodes.slice(1),
      fromHeight: 0n,
      ...TEST_PROJECTION_FILTER,
    });
    for await (const block of stream) {
      await reference.ds.transaction((m) => applyTestBlock(m, block));
      if (block.height === end) break;
    }

    const rows = await readModelRows(ds);
    process.stdout.write(
      `cluster projection (seed ${SEED}): kills ${kills.join(', ')}; checkpoint ${end}; ` +
        `${rows['events']!.length} events; last acknowledged commit at ${lastCommit}\n`,
    );
    expect(rows).toEqual(await readModelRows(reference.ds));
    expect(rows['digest']).toEqual([{ blocks: String(end + 1n), digest: expect.any(String) }]);
    // Every acknowledged transaction is in the read model exactly once.
    const projected = (rows['events'] as { tx_id: string; type: string }[])
      .filter((e) => e.type === 'evidence.notarised')
      .map((e) => e.tx_id);
    expect(new Set(projected).size).toBe(projected.length);
    expect(projected.sort()).toEqual(acknowledged.map((t) => t.id).sort());
  });
});
