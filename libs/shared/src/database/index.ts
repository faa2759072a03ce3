export { BatchedLookup } from './batched-lookup';
export {
  DatabaseModule,
  KERNEL_MIGRATIONS,
  baseDataSourceOptions,
  openDataSource,
} from './database.module';
export type { DatabaseModuleOptions, MigrationClass } from './database.module';
export { EmbeddedPostgres } from './embedded-postgres';
export type { EmbeddedPostgresOptions } from './embedded-postgres';
export { ProjectionCheckpoint, bigintColumn } from './projection-checkpoint.entity';
export { ProjectionCheckpoints } from './projection-checkpoints';
