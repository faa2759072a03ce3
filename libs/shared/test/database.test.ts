import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EmbeddedPostgres,
  KERNEL_MIGRATIONS,
  ProjectionCheckpoint,
  ProjectionCheckpoints,
  baseDataSourceOptions,
  openDataSource,
} from '@trellis/shared';
import {
  type TestDatabase,
  createTestDatabase,
  testConfig,
  testDatabaseKinds,
} from '@trellis/shared/testing';
import type { DataSource, DataSourceOptions } from 'typeorm';

/** Opens the database at `url` as a service does: kernel entities, migrations run. */
function open(url: string): Promise<DataSource> {
  const config = testConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '4' });
  const database = { config, service: 'test', migrations: [] };
  return openDataSource(
    baseDataSourceOptions(database, [ProjectionCheckpoint]) as DataSourceOptions,
    database,
  );
}

// The same suite against the embedded database and, when DATABASE_URL is set (CI), the server.
describe.each(testDatabaseKinds())('database module on %s', (kind) => {
  let db: TestDatabase;
  let ds: DataSource;
  const checkpoints = new ProjectionCheckpoints();

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    ds = await open(db.url);
  }, 60_000);
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('migrations_createTheKernelTables_once', async () => {
    const applied = await ds.query('SELECT name FROM trellis_migrations ORDER BY id');
    expect(applied.map((r: { name: string }) => r.name)).toEqual(
      KERNEL_MIGRATIONS.map((m) => m.name),
    );
    // Opening the same database again applies nothing new.
    const again = await open(db.url);
    try {
      expect(await again.query('SELECT count(*)::int AS n FROM trellis_migrations')).toEqual([
        { n: KERNEL_MIGRATIONS.length },
      ]);
      expect(await again.showMigrations()).toBe(false);
    } finally {
      await again.destroy();
    }
  });

  it('bigintHeights_roundTripExactly', async () => {
    const height = 2n ** 62n + 1n;
    await ds.transaction(async (em) => {
      await checkpoints.lock(em, 'roundtrip');
      await checkpoints.save(em, 'roundtrip', height);
    });
    expect(await checkpoints.height(ds.manager, 'roundtrip')).toBe(height);
    expect(await checkpoints.height(ds.manager, 'never-applied')).toBe(-1n);
  });

  it('schemaConstraints_rejectBadRows_andChangeNothing', async () => {
    await expect(
      ds.query("INSERT INTO projection_checkpoint (name, height) VALUES ('Bad Name', 0)"),
    ).rejects.toThrow(/check constraint/);
    await expect(
      ds.query("INSERT INTO projection_checkpoint (name, height) VALUES ('ok', -2)"),
    ).rejects.toThrow(/check constraint/);
    expect(
      await ds.query("SELECT * FROM projection_checkpoint WHERE name IN ('ok', 'Bad Name')"),
    ).toEqual([]);
  });

  it('failedTransaction_changesNothing', async () => {
    await expect(
      ds.transaction(async (em) => {
        await checkpoints.lock(em, 'rolled-back');
        await checkpoints.save(em, 'rolled-back', 7n);
        throw new Error('projection failed half-way');
      }),
    ).rejects.toThrow('half-way');
    expect(await checkpoints.height(ds.manager, 'rolled-back')).toBe(-1n);
    expect(
      await ds.query(
        "SELECT count(*)::int AS n FROM projection_checkpoint WHERE name = 'rolled-back'",
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('twoConcurrentTransactions_updatingOneRow_keepBothUpdates', async () => {
    const advance = () =>
      ds.transaction(async (em) => {
        const height = await checkpoints.lock(em, 'contended');
        await sleep(100); // hold the lock while the other transaction tries to take it
        await checkpoints.save(em, 'contended', height + 1n);
        return height;
      });
    const seen = await Promise.all([advance(), advance()]);
    // One saw -1 and wrote 0; the other waited for the lock, saw 0 and wrote 1.
    expect([...seen].sort()).toEqual([-1n, 0n]);
    expect(await checkpoints.height(ds.manager, 'contended')).toBe(1n);
  });

  it('checkpointsOutsideATransaction_areRefused', async () => {
    await expect(checkpoints.lock(ds.manager, 'x')).rejects.toThrow(/inside a transaction/);
  });
});

describe('embedded database', () => {
  it('keepsItsDataAcrossRestarts_inItsDataDirectory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'trellis-pg-'));
    try {
      const first = await EmbeddedPostgres.start({ dataDir, maxConnections: 5 });
      const ds1 = await open(first.url);
      await ds1.transaction(async (em) => {
        const checkpoints = new ProjectionCheckpoints();
        await checkpoints.lock(em, 'durable');
        await checkpoints.save(em, 'durable', 42n);
      });
      await ds1.destroy();
      await first.stop();

      const second = await EmbeddedPostgres.start({ dataDir, maxConnections: 5 });
      const ds2 = await open(second.url);
      try {
        expect(await new ProjectionCheckpoints().height(ds2.manager, 'durable')).toBe(42n);
      } finally {
        await ds2.destroy();
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('unreachableServer_failsOpening_withTheCause', async () => {
    await expect(open('postgres://postgres@127.0.0.1:1/none')).rejects.toThrow(/ECONNREFUSED/);
  });
});
