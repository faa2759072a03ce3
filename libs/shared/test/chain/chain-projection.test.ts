/**
 * ChainProjection applies every block exactly once, on the real PostgreSQL: through SIGKILLs
 * of the projector process at random moments, a throw inside `apply` between two events of a
 * block, dropped stream connections, two instances at once, and a rebuild. The read model is
 * compared row for row with a reference replay that does not use ChainProjection at all.
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProjectionCheckpoints } from '@trellis/shared';
import {
  type BlockSource,
  type ChainBlock,
  ChainError,
  ChainProjection,
} from '@trellis/shared/chain';
import type { DataSource } from 'typeorm';
import { EventNode } from './event-node';
import {
  type ProjectorProcess,
  type TestDatabase,
  createTestDatabase,
  TEST_PROJECTION_FILTER as FILTER,
  applyTestBlock,
  openReadModel,
  readModelRows,
  resetReadModel,
  seededRandom,
  startProjector,
  waitForCheckpoint,
} from '@trellis/shared/testing';
import { testChain } from './test-chain';

process.env['DATABASE_URL'] ??= 'postgres://postgres@127.0.0.1:5432/postgres';

const NAME = 'test.events';
const BLOCKS = 300;
const KILLS = 6;

const chain = testChain(BLOCKS, 42);
const random = seededRandom(Number(process.env['PROJECTION_SEED'] ?? Date.now() % 1e9));
const checkpoints = new ProjectionCheckpoints();

/** The read model's events, chosen without the SDK's filter code. */
const wanted = (e: ChainBlock['events'][number]) =>
  (e.contract === 'invoice' && e.type.startsWith('invoice.')) ||
  (e.contract === 'judicial-evidence' && e.type === 'evidence.notarised');

let node: EventNode;
let databases: TestDatabase[] = [];
let main: DataSource;
let reference: Record<string, unknown[]>;
const opened: DataSource[] = [];
const children = new Set<ChildProcess>();

async function database(): Promise<DataSource> {
  const db = await createTestDatabase('postgres');
  databases.push(db);
  const ds = await openReadModel(db.url);
  opened.push(ds);
  return ds;
}

const height = (ds: DataSource) => checkpoints.height(ds.manager, NAME);

const until = (ds: DataSource, target: bigint) => waitForCheckpoint(ds, NAME, target, 60_000);

beforeAll(async () => {
  // Drops about one connection in 80 blocks sent: the projector reconnects at checkpoint + 1.
  const drops = seededRandom(9);
  node = await EventNode.start([...chain], {
    faults: () => (drops() < 1 / 80 ? 'drop' : undefined),
  });
  main = await database();

  // The reference: every block applied in order, once, by a plain loop.
  const ref = await database();
  for (const block of chain) {
    await ref.transaction((m) =>
      applyTestBlock(m, { ...block, events: block.events.filter(wanted) }),
    );
  }
  reference = await readModelRows(ref);
}, 120_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(opened.map((ds) => ds.destroy()));
  await node?.close();
  await Promise.all(databases.map((db) => db.drop()));
  databases = [];
});

describe('ChainProjection on PostgreSQL', () => {
  it('referenceReplay_hasTheExpectedShape', () => {
    const events = reference['events']!.length;
    expect(events).toBe(chain.flatMap((b) => b.events).filter(wanted).length);
    expect(events).toBeGreaterThan(200);
    expect(reference['digest']).toEqual([{ blocks: String(BLOCKS), digest: expect.any(String) }]);
  });

  it('aThrowBetweenTwoEventsOfABlock_rollsTheWholeBlockBack_andRunResumesThere', async () => {
    const failing = chain.find((b) => b.height >= 40n && b.events.filter(wanted).length >= 2)!;
    let thrown = 0;
    const projection = new ChainProjection({
      name: NAME,
      dataSource: main,
      nodes: [node.url],
      filter: FILTER,
      apply: (manager, block) =>
        applyTestBlock(manager, block, {
          afterEvent: (b, i) => {
            if (b.height === failing.height && i === 0 && thrown++ === 0) {
              throw new Error('apply failed between two events');
            }
          },
        }),
    });
    const error = await projection.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChainError);
    expect(error).toMatchObject({
      code: 'apply-failed',
      meta: { projection: NAME, height: failing.height },
      cause: { message: 'apply failed between two events' },
    });
    expect(await height(main)).toBe(failing.height - 1n);
    const [{ n }] = await main.query(
      'SELECT count(*)::int AS n FROM test_event WHERE height = $1',
      [failing.height.toString()],
    );
    expect(n).toBe(0);
    const [digest] = await main.query('SELECT blocks::int FROM test_digest');
    expect(digest.blocks).toBe(Number(failing.height));

    // Running again resumes at the failed block; stop() lets the block in progress commit.
    const running = projection.run();
    await until(main, failing.height + 5n);
    await projection.stop();
    await running;
    const stoppedAt = await height(main);
    expect(stoppedAt).toBeGreaterThanOrEqual(failing.height + 5n);
    const [after] = await main.query('SELECT blocks::int FROM test_digest');
    expect(BigInt(after.blocks)).toBe(stoppedAt + 1n);
  }, 60_000);

  it('sigkilledProjectors_resumeAtTheCheckpoint_andMatchAFreshReplay_rowForRow', async () => {
    const kills: { from: bigint; at: bigint }[] = [];
    while (kills.length < KILLS) {
      const from = await height(main);
      const child = startChild(main);
      await child.running;
      // A random moment: after a random number of blocks, plus up to 15 ms into the next.
      await until(main, from + 1n + BigInt(Math.floor(random() * 40)));
      await sleep(random() * 15);
      child.process.kill('SIGKILL');
      expect(await child.exit).toEqual({ code: null, signal: 'SIGKILL' });
      kills.push({ from, at: await height(main) });
      expect(await height(main)).toBeLessThan(BigInt(BLOCKS - 1));
    }
    // The last projector runs to the tip and is stopped gracefully.
    const last = startChild(main);
    await last.running;
    await until(main, BigInt(BLOCKS - 1));
    last.process.kill('SIGTERM');
    expect(await last.exit).toEqual({ code: 0, signal: null });
    expect(last.output()).toMatch(/stopped after \d+ blocks/);
    const [stats] = await main.query(
      'SELECT xact_rollback::int AS rollbacks FROM pg_stat_database WHERE datname = current_database()',
    );
    process.stdout.write(
      `kills (resumed from → checkpoint after the kill): ${kills.map((k) => `${k.from}→${k.at}`).join(', ')}; ` +
        `transactions rolled back in the database: ${stats.rollbacks}; stream connections: ${node.connectionCount}\n`,
    );

    expect(await height(main)).toBe(BigInt(BLOCKS - 1));
    expect(await readModelRows(main)).toEqual(reference);
  }, 180_000);

  it('rebuild_clearsAndReplaysFromZero_toTheSameRows', async () => {
    const projection = new ChainProjection({
      name: NAME,
      dataSource: main,
      nodes: [node.url],
      filter: FILTER,
      apply: (manager, block) => applyTestBlock(manager, block),
    });
    const rebuilding = projection.rebuild(resetReadModel);
    await expect(projection.rebuild(resetReadModel)).rejects.toMatchObject({
      code: 'invalid-state',
    });
    // The checkpoint is at the tip before the reset too: wait for the replay itself.
    const deadline = Date.now() + 50_000;
    while (projection.appliedBlocks < BLOCKS && Date.now() < deadline) await sleep(10);
    await projection.stop();
    await rebuilding;
    expect(projection.appliedBlocks).toBe(BLOCKS);
    expect(await height(main)).toBe(BigInt(BLOCKS - 1));
    expect(await readModelRows(main)).toEqual(reference);
  }, 60_000);

  it('reached_wakesWhenThisInstanceCommitsTheBlock_withoutAQuery', async () => {
    const ds = await database();
    const projection = new ChainProjection({
      name: NAME,
      dataSource: ds,
      source: arraySource(chain.slice(0, 20)),
      filter: FILTER,
      apply: (manager, block) => applyTestBlock(manager, block),
    });
    const seen: bigint[] = [];
    const at10 = projection.reached(10n).then(async () => seen.push(await height(ds)));
    const beyond = projection.reached(20n).then(() => 'reached');
    await projection.run(); // a finite source: blocks 0..19
    await at10;
    // woken once block 10 was committed (the checkpoint says so), not before
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeGreaterThanOrEqual(10n);
    // an earlier height resolves at once; one never committed stays pending
    await expect(projection.reached(3n)).resolves.toBeUndefined();
    expect(await Promise.race([beyond, sleep(200).then(() => 'pending')])).toBe('pending');
  }, 60_000);

  it('twoInstancesAtOnce_applyEachBlockOnce_andSkipWhatTheOtherApplied', async () => {
    const ds = await database();
    const second = await openReadModel(databases[databases.length - 1]!.url);
    opened.push(second);
    const projections = [ds, second].map(
      (dataSource) =>
        new ChainProjection({
          name: NAME,
          dataSource,
          source: arraySource(chain),
          filter: FILTER,
          apply: (manager, block) => applyTestBlock(manager, block),
        }),
    );
    await Promise.all(projections.map((p) => p.run())); // a finite source: run ends at its end
    expect(projections[0]!.appliedBlocks + projections[1]!.appliedBlocks).toBe(BLOCKS);
    expect(await readModelRows(ds)).toEqual(reference);
  }, 60_000);
});

/** Blocks from memory: ChainProjection does not care where they come from. */
function arraySource(blocks: readonly ChainBlock[]): BlockSource {
  return async function* ({ fromHeight, filter }) {
    for (const block of blocks.slice(Number(fromHeight))) {
      yield {
        ...block,
        events: block.events.filter((e) => filter.contracts!.includes(e.contract)),
      };
      await sleep(0);
    }
  };
}

function startChild(ds: DataSource): ProjectorProcess {
  const child = startProjector((ds.options as { url: string }).url, [node.url], NAME);
  children.add(child.process);
  child.process.on('exit', () => children.delete(child.process));
  return child;
}
