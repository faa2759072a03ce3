export { AccountStore, LOCKOUT_AFTER, LOCKOUT_MS, SESSION_MS, tokenDigest } from './account-store';
export type { Principal, Session } from './account-store';
export {
  AccountsFileError,
  formatAccountsFile,
  parseAccountsFile,
  readAccountsFile,
  withAccount,
} from './accounts-file';
export type { AccountEntry } from './accounts-file';
export { AccountsModule } from './accounts.module';
export {
  RoleRequiredError,
  SignInFailedError,
  SignInLockedError,
  SignInRequiredError,
} from './errors';
export {
  DEFAULT_SCRYPT_COST,
  PASSWORD_MIN_LENGTH,
  hashPassword,
  passwordProblem,
  verifyPassword,
} from './password';
export type { ScryptCost } from './password';
export { CurrentAccount, SESSION_COOKIE, SignInGuard, SignedIn, sessionTokenOf } from './signed-in';
export type { SessionView } from './sessions.controller';
