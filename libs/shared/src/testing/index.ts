// Test helpers of the service kernel: `@trellis/shared/testing`. Not for production code.
export { TEST_PASSWORD, writeTestAccounts } from './test-accounts';
export type { TestAccount } from './test-accounts';
export { createTestApp, problemCode, testConfig } from './test-app';
export type { TestApp } from './test-app';
export { createTestDatabase, defaultTestDatabaseKind, testDatabaseKinds } from './test-database';
export type { TestDatabase, TestDatabaseKind } from './test-database';
export {
  TEST_PROJECTION_FILTER,
  applyTestBlock,
  openReadModel,
  readModelRows,
  resetReadModel,
  waitForCheckpoint,
} from './projection-read-model';
export type { ApplyHooks } from './projection-read-model';
export { startProjector } from './projector-process';
export type { ProjectorProcess } from './projector-process';
export { seededRandom } from './seeded-random';
export { reservePortBlocks } from './port-blocks';
export type { PortBlocks } from './port-blocks';
export {
  CONSORTIUM_ORGS,
  freePort,
  startConsortium,
  startServiceOnConsortium,
  stopProcess,
  waitForUrl,
} from './local-consortium';
export type { ExtraMember, LocalConsortium, ServiceOnConsortium } from './local-consortium';
