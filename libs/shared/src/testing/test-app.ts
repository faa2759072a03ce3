import type { INestApplication } from '@nestjs/common';
import { Writable } from 'node:stream';
import { type AppConfig, loadConfig } from '../config';
import { createServiceApp } from '../service';
import type { VerticalDescriptor } from '../service';
import { type TestDatabase, createTestDatabase } from './test-database';

export interface TestApp {
  readonly app: INestApplication;
  readonly db: TestDatabase;
  /** Every log line the app wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** A validated configuration for tests; `overrides` are environment variables. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', ...overrides });
}

/**
 * A service application as main.ts builds it, on a database of its own (see
 * {@link createTestDatabase}), initialised but not listening: use `app.getHttpServer()`.
 */
export async function createTestApp(options: {
  readonly verticals: readonly VerticalDescriptor[];
  readonly service?: string;
  readonly db?: TestDatabase;
  /** More environment for the service's configuration, e.g. TRELLIS_ACCOUNTS_FILE. */
  readonly config?: Readonly<Record<string, string>>;
}): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase());
  const logs: Record<string, unknown>[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const app = await createServiceApp({
    title: 'test',
    service: options.service ?? 'test',
    config: testConfig({
      // PGlite is one session behind its socket: one connection, as the embedded database has
      // (ADR 0004 amendment); concurrent clients' protocol messages would interleave there.
      ...(db.kind === 'pglite' ? { DATABASE_POOL_SIZE: '1' } : {}),
      ...options.config,
      DATABASE_URL: db.url,
    }),
    verticals: options.verticals,
    logDestination,
  });
  await app.init();
  return {
    app,
    db,
    logs,
    close: async () => {
      await app.close();
      if (!options.db) await db.drop();
    },
  };
}
