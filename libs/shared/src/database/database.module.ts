import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions, type MixedList } from 'typeorm';
import type { AppConfig } from '../config';
import { EmbeddedPostgres } from './embedded-postgres';
import { CreateProjectionCheckpoint1763600000000 } from './migrations/1763600000000-create-projection-checkpoint';
import { CreateAccounts1764200000000 } from './migrations/1764200000000-create-accounts';
import { ProjectionCheckpoint } from './projection-checkpoint.entity';
import { ProjectionCheckpoints } from './projection-checkpoints';

/** A TypeORM migration class (never `synchronize`: docs/adr/0004-embedded-database.md). */
export type MigrationClass = new () => object;

/** Migrations of the kernel's own tables, run before any vertical's. */
export const KERNEL_MIGRATIONS: readonly MigrationClass[] = [
  CreateProjectionCheckpoint1763600000000,
  CreateAccounts1764200000000,
];

export interface DatabaseModuleOptions {
  readonly config: Pick<AppConfig, 'DATABASE_URL' | 'DATABASE_POOL_SIZE' | 'TRELLIS_DATA_DIR'>;
  /** Names the embedded database's folder and the connections' `application_name`. */
  readonly service: string;
  /** Migrations of the mounted verticals, in order; the kernel's are added first. */
  readonly migrations: readonly MigrationClass[];
}

/** A DataSource that also releases what it runs on (the embedded server) when destroyed. */
class ManagedDataSource extends DataSource {
  constructor(
    options: DataSourceOptions,
    private readonly release: () => Promise<void>,
  ) {
    super(options);
  }

  override async destroy(): Promise<void> {
    try {
      if (this.isInitialized) await super.destroy();
    } finally {
      await this.release();
    }
  }
}

/**
 * Opens the read-model database: the server at DATABASE_URL, or, when it is unset, an embedded
 * PostgreSQL under `$TRELLIS_DATA_DIR/pgdata/<service>`. Pending migrations run before the
 * DataSource is handed out; both databases run the same entities and migrations.
 */
export async function openDataSource(
  options: DataSourceOptions,
  database: Pick<DatabaseModuleOptions, 'config' | 'service'>,
): Promise<DataSource> {
  const { config, service } = database;
  let url = config.DATABASE_URL;
  let release = async (): Promise<void> => undefined;
  let effective = options;
  if (url === undefined) {
    // One client at a time: PGlite is one session behind pglite-socket, and two clients'
    // extended-protocol messages interleave there — a Parse of one client replaces the other's
    // unnamed prepared statement ("unnamed prepared statement does not exist", seen under load
    // with two read-model projections and requests). One pooled connection serialises them.
    const embedded = await EmbeddedPostgres.start({
      dataDir: join(config.TRELLIS_DATA_DIR, 'pgdata', service),
      maxConnections: 2,
    });
    url = embedded.url;
    release = () => embedded.stop();
    effective = {
      ...options,
      extra: { ...(options as { extra?: object }).extra, max: 1 },
    } as DataSourceOptions;
  }
  const dataSource = new ManagedDataSource({ ...effective, url } as DataSourceOptions, release);
  try {
    return await dataSource.initialize();
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

/** The TypeORM options every service uses; `url` is filled in by {@link openDataSource}. */
export function baseDataSourceOptions(
  database: Pick<DatabaseModuleOptions, 'config' | 'service' | 'migrations'>,
  entities: MixedList<string | (new () => unknown)> = [],
) {
  return {
    type: 'postgres' as const,
    applicationName: `trellis-${database.service}`,
    entities,
    migrations: [...KERNEL_MIGRATIONS, ...database.migrations] as MigrationClass[],
    migrationsTableName: 'trellis_migrations',
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    extra: { max: database.config.DATABASE_POOL_SIZE },
  };
}

/**
 * TypeORM on PostgreSQL for a service's read models, global to the application. Verticals
 * register their entities with `TypeOrmModule.forFeature` and their migrations here.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: (): TypeOrmModuleOptions => ({
            ...baseDataSourceOptions(options),
            autoLoadEntities: true,
            retryAttempts: 2,
            retryDelay: 1000,
          }),
          dataSourceFactory: async (dataSourceOptions) =>
            openDataSource(dataSourceOptions as DataSourceOptions, options),
        }),
        TypeOrmModule.forFeature([ProjectionCheckpoint]),
      ],
      providers: [ProjectionCheckpoints],
      exports: [ProjectionCheckpoints, TypeOrmModule],
    };
  }
}
