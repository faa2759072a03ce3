import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountEntry } from '../accounts';
import { formatAccountsFile } from '../accounts/accounts-file';
import { hashPassword } from '../accounts/password';

/** The password of every test account unless one is given. */
export const TEST_PASSWORD = 'test password, not a secret';

export interface TestAccount {
  readonly username: string;
  readonly organisation: string;
  readonly roles: readonly string[];
  readonly subject?: string;
  readonly password?: string;
}

/**
 * Writes an accounts file (TRELLIS_ACCOUNTS_FILE) for `accounts` and returns its path. Hashes use
 * scrypt's lowest accepted cost (2^10) so that tests sign in quickly; the service reads the cost
 * from each hash.
 */
export async function writeTestAccounts(
  accounts: readonly TestAccount[],
  dir = mkdtempSync(join(tmpdir(), 'trellis-accounts-')),
): Promise<string> {
  const entries: AccountEntry[] = await Promise.all(
    accounts.map(async (a) => ({
      username: a.username,
      organisation: a.organisation,
      roles: [...a.roles],
      ...(a.subject === undefined ? {} : { subject: a.subject }),
      passwordHash: await hashPassword(a.password ?? TEST_PASSWORD, { ln: 10, r: 8, p: 1 }),
    })),
  );
  const path = join(dir, 'accounts.json');
  writeFileSync(path, formatAccountsFile(entries), { mode: 0o600 });
  return path;
}
