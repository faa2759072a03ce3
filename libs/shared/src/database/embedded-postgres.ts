import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgresOptions {
  /** Directory of the database files; omitted: the database lives in memory only. */
  readonly dataDir?: string;
  /** Concurrent client connections accepted; must cover the pool size (extra clients are reset). */
  readonly maxConnections: number;
}

/**
 * PostgreSQL embedded in this process (PGlite, Postgres compiled to WebAssembly), served on a
 * loopback port through pglite-socket so that the ordinary `pg` driver and TypeORM use it like a
 * server. The socket server runs one statement at a time and, while a client is inside a
 * transaction, only that client's statements: transactions are serialized, which is correct (if
 * slow) isolation. PGlite does not fsync: data here is a rebuildable projection, never the only
 * copy of anything (docs/adr/0004-embedded-database.md).
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    /** `postgres://` URL of the socket server, for `pg` and TypeORM. */
    readonly url: string,
  ) {}

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
    const db = await PGlite.create(options.dataDir);
    const server = new PGLiteSocketServer({
      db,
      host: '127.0.0.1',
      port: 0,
      maxConnections: options.maxConnections,
    });
    try {
      await server.start();
    } catch (error) {
      await db.close();
      throw error;
    }
    const address = server.getServerConn();
    return new EmbeddedPostgres(db, server, `postgres://postgres@${address}/postgres`);
  }

  /** Closes client connections, then the database (flushing it to `dataDir`). */
  async stop(): Promise<void> {
    await this.server.stop();
    if (!this.db.closed) await this.db.close();
  }
}
