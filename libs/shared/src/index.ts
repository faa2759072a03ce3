// Public API of @trellis/shared: the service kernel every vertical and the API server build on.
// Test helpers are a separate entry point, `@trellis/shared/testing`; the chain client SDK is
// `@trellis/shared/chain` (plain TypeScript), mounted in Nest by ChainModule.
export {
  AccountStore,
  AccountsFileError,
  AccountsModule,
  CurrentAccount,
  DEFAULT_SCRYPT_COST,
  LOCKOUT_AFTER,
  PASSWORD_MIN_LENGTH,
  RoleRequiredError,
  SESSION_COOKIE,
  SignInFailedError,
  SignInLockedError,
  SignInRequiredError,
  SignedIn,
  formatAccountsFile,
  hashPassword,
  parseAccountsFile,
  passwordProblem,
  readAccountsFile,
  verifyPassword,
  withAccount,
} from './accounts';
export type { AccountEntry, Principal, ScryptCost } from './accounts';
export { ChainModule, ReadModelProjection, sendGenesis } from './chain-nest';
export type { ChainModuleOptions } from './chain-nest';
export { APP_CONFIG, ConfigError, ConfigModule, loadConfig } from './config';
export type { AppConfig, ConfigIssue } from './config';
export {
  BatchedLookup,
  DatabaseModule,
  EmbeddedPostgres,
  KERNEL_MIGRATIONS,
  ProjectionCheckpoint,
  ProjectionCheckpoints,
  baseDataSourceOptions,
  bigintColumn,
  openDataSource,
} from './database';
export type { DatabaseModuleOptions, EmbeddedPostgresOptions, MigrationClass } from './database';
export {
  ConflictError,
  DomainError,
  defineProblem,
  MalformedRequestError,
  NotFoundError,
  PROBLEM_CONTENT_TYPE,
  PayloadTooLargeError,
  ProblemDetailsFilter,
  UnavailableError,
  ValidationFailedError,
  createValidationPipe,
  fieldError,
  problemType,
  toFieldErrors,
} from './errors';
export type { FieldError, ProblemDetails, ProblemExtensions } from './errors';
export { HealthController, checkDatabase, createVerticalHealthController } from './health';
export { REQUEST_ID_HEADER, createLoggingModule, requestIdOf } from './logging';
export { OPENAPI_JSON_PATH, OPENAPI_PATH, setupOpenApi } from './openapi';
export type { OpenApiOptions } from './openapi';
export { JSON_BODY_LIMIT, ServiceModule, createServiceApp, runService } from './service';
export type { ServiceAppOptions, ServiceOptions, VerticalDescriptor } from './service';
