/**
 * Opening the LMDB environment of a chain store: one environment per directory, one
 * sub-database per table (layout.ts), binary keys and values, and commits that are on disk
 * when they return.
 */
import { mkdirSync } from 'node:fs';
import { open, type RootDatabase } from 'lmdb';
import { readU32, SCHEMA_VERSION, SYS_KEYS, TABLES, type TableName, u32 } from './layout';
import type { Table } from './lmdb-node-store';
import { StorageError } from './storage-error';

/** An open environment: the root handle (transactions) and one handle per table. */
export interface Environment {
  readonly root: RootDatabase<Uint8Array, Uint8Array>;
  readonly tables: Readonly<Record<TableName, Table>>;
}

/** Opens (creating the directory if needed) the environment in `path`. */
export function openEnvironment(path: string, mapSizeBytes: number | undefined): Environment {
  try {
    mkdirSync(path, { recursive: true });
    const root = open<Uint8Array, Uint8Array>({
      path,
      noSubdir: false,
      // A synchronous transaction is fsync'd before it returns (lmdb-js would otherwise let
      // the flush overlap the next transaction).
      overlappingSync: false,
      maxDbs: TABLES.length + 4,
      keyEncoding: 'binary',
      encoding: 'binary',
      ...(mapSizeBytes === undefined ? {} : { mapSize: mapSizeBytes }),
    });
    const tables = Object.fromEntries(
      TABLES.map((name) => [
        name,
        root.openDB<Uint8Array, Uint8Array>({ name, keyEncoding: 'binary', encoding: 'binary' }),
      ]),
    ) as Record<TableName, Table>;
    return { root, tables };
  } catch (error) {
    throw new StorageError(
      'open-failed',
      `cannot open the store in ${path}: ${(error as Error).message}`,
    );
  }
}

/** Stamps a new store with the layout version; refuses a store of another layout. */
export function checkLayoutVersion(path: string, { root, tables }: Environment): void {
  const stamp = tables.sys.get(SYS_KEYS.schema);
  if (stamp === undefined) {
    root.transactionSync(() => tables.sys.putSync(SYS_KEYS.schema, u32(SCHEMA_VERSION)));
    return;
  }
  const version = stamp.length === 4 ? readU32(stamp, 0) : -1;
  if (version !== SCHEMA_VERSION) {
    throw new StorageError(
      'schema-mismatch',
      `the store in ${path} has layout version ${version}, this code reads ${SCHEMA_VERSION}`,
    );
  }
}
