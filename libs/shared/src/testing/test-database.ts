import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { EmbeddedPostgres } from '../database';

/** `pglite`: an in-memory embedded database; `postgres`: a real server at DATABASE_URL. */
export type TestDatabaseKind = 'pglite' | 'postgres';

export interface TestDatabase {
  readonly kind: TestDatabaseKind;
  /** Connection URL of this test's own, empty database. */
  readonly url: string;
  /** Drops the database (or stops the embedded one). */
  drop(): Promise<void>;
}

/** The server the tests may use: DATABASE_URL when set (CI sets it), else none. */
function serverUrl(): string | undefined {
  const url = process.env['DATABASE_URL'];
  return url === undefined || url === '' ? undefined : url;
}

/**
 * The kinds a database test suite runs against: always the embedded PGlite, and also the real
 * PostgreSQL server when DATABASE_URL is set.
 */
export function testDatabaseKinds(): TestDatabaseKind[] {
  return serverUrl() === undefined ? ['pglite'] : ['pglite', 'postgres'];
}

/** The kind an API test uses: the real server when DATABASE_URL is set, else PGlite. */
export function defaultTestDatabaseKind(): TestDatabaseKind {
  return serverUrl() === undefined ? 'pglite' : 'postgres';
}

/**
 * A fresh database of its own for one test file: on the real server a new database named
 * `trellis_test_<random>` (dropped with `WITH (FORCE)` afterwards), or a new in-memory PGlite.
 */
export async function createTestDatabase(
  kind: TestDatabaseKind = defaultTestDatabaseKind(),
): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const embedded = await EmbeddedPostgres.start({ maxConnections: 20 });
    return { kind, url: embedded.url, drop: () => embedded.stop() };
  }
  const server = serverUrl();
  if (server === undefined) throw new Error('a postgres test database needs DATABASE_URL');
  const name = `trellis_test_${randomBytes(6).toString('hex')}`;
  await withClient(server, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    drop: async () => {
      await withClient(server, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      );
    },
  };
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
