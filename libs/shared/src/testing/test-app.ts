import type { INestApplication } from '@nestjs/common';
import { Writable } from 'node:stream';
import { type AppConfig, loadConfig } from '../config';
import { createServiceApp } from '../service';
import type { VerticalDescriptor } from '../service';
import { AccountStore } from '../accounts';
import { TEST_PASSWORD, type TestAccount, writeTestAccounts } from './test-accounts';
import { type TestDatabase, createTestDatabase } from './test-database';

export interface TestApp {
  readonly app: INestApplication;
  readonly db: TestDatabase;
  /** Every log line the app wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  /**
   * The `Authorization` header of `username`'s session (each of `accounts` is signed in once the
   * app is up); an unknown username gets a token no session has.
   */
  as(username: string): { authorization: string };
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
  /** More environment for the service's configuration. */
  readonly config?: Readonly<Record<string, string>>;
  /** Who may sign in (an accounts file is written for them); each is signed in at start. */
  readonly accounts?: readonly TestAccount[];
}): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase());
  const accountsFile =
    options.accounts === undefined ? undefined : await writeTestAccounts(options.accounts);
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
      ...(accountsFile === undefined ? {} : { TRELLIS_ACCOUNTS_FILE: accountsFile }),
      ...options.config,
      DATABASE_URL: db.url,
    }),
    verticals: options.verticals,
    logDestination,
  });
  await app.init();
  const tokens = new Map<string, string>();
  for (const a of options.accounts ?? []) {
    const session = await app.get(AccountStore).signIn(a.username, a.password ?? TEST_PASSWORD);
    tokens.set(a.username, session.token);
  }
  return {
    app,
    db,
    logs,
    as: (username) => ({ authorization: `Bearer ${tokens.get(username) ?? 'A'.repeat(43)}` }),
    close: async () => {
      await app.close();
      if (!options.db) await db.drop();
    },
  };
}

/** The code of a problem+json body (`urn:trellis:problem:<code>` → `<code>`), for assertions. */
export function problemCode(body: { type?: string }): string | undefined {
  return body.type?.replace('urn:trellis:problem:', '');
}
