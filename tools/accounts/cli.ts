/**
 * `npm run accounts -- …`: an operator's tool for the accounts file (TRELLIS_ACCOUNTS_FILE).
 * Passwords are read from standard input (one line) or generated; only their scrypt hashes are
 * written. The service applies the file when it starts.
 *
 *   npm run accounts -- hash                      < password     prints a hash
 *   npm run accounts -- add <file> --username u --organisation o --roles r1,r2
 *                           [--subject id] [--generate]  < password
 *   npm run accounts -- disable <file> --username u
 *   npm run accounts -- list <file>
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  type AccountEntry,
  formatAccountsFile,
  hashPassword,
  parseAccountsFile,
  passwordProblem,
  withAccount,
} from '@trellis/shared';

export interface CliIo {
  readonly stdin: () => Promise<string>;
  readonly out: (line: string) => void;
}

export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** A generated password: 20 characters of base64url (120 bits). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

function readEntries(file: string): AccountEntry[] {
  return existsSync(file) ? parseAccountsFile(readFileSync(file, 'utf8'), file) : [];
}

/** Writes the file whole and then renames it in place: a crash leaves the old or the new file. */
export function writeAccounts(file: string, entries: readonly AccountEntry[]): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, formatAccountsFile(entries), { mode: 0o600 });
  renameSync(tmp, file);
}

/** Adds accounts with these passwords to `file` (created if missing), hashing each. */
export async function addAccounts(
  file: string,
  accounts: readonly (Omit<AccountEntry, 'passwordHash'> & { readonly password: string })[],
): Promise<void> {
  let entries = readEntries(file);
  for (const { password, ...account } of accounts) {
    entries = withAccount(entries, { ...account, passwordHash: await hashPassword(password) });
  }
  writeAccounts(file, entries);
}

async function passwordFrom(
  io: CliIo,
  generate: boolean,
): Promise<{ password: string; shown: boolean }> {
  if (generate) return { password: generatePassword(), shown: true };
  const password = (await io.stdin()).replace(/\r?\n$/, '');
  const problem = passwordProblem(password);
  if (problem !== null) throw new CliUsageError(`password refused: ${problem}`);
  return { password, shown: false };
}

export async function runAccountsCli(argv: readonly string[], io: CliIo): Promise<void> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      username: { type: 'string' },
      organisation: { type: 'string' },
      roles: { type: 'string' },
      subject: { type: 'string' },
      generate: { type: 'boolean', default: false },
    },
  });
  const [command, file] = positionals;
  switch (command) {
    case 'hash': {
      const { password } = await passwordFrom(io, false);
      io.out(await hashPassword(password));
      return;
    }
    case 'add': {
      if (file === undefined)
        throw new CliUsageError('add <file> --username … --organisation … --roles …');
      if (!values.username || !values.organisation || !values.roles) {
        throw new CliUsageError('add needs --username, --organisation and --roles');
      }
      const { password, shown } = await passwordFrom(io, values.generate === true);
      const entry: AccountEntry = {
        username: values.username,
        organisation: values.organisation,
        roles: values.roles.split(',').map((r) => r.trim()),
        ...(values.subject ? { subject: values.subject } : {}),
        passwordHash: await hashPassword(password),
      };
      writeAccounts(file, withAccount(readEntries(file), entry));
      io.out(
        `${entry.username} (${entry.organisation}: ${entry.roles.join(', ')}) written to ${file}`,
      );
      if (shown) io.out(`password: ${password}`);
      return;
    }
    case 'disable': {
      if (file === undefined || !values.username)
        throw new CliUsageError('disable <file> --username …');
      const entries = readEntries(file);
      const entry = entries.find((e) => e.username === values.username);
      if (entry === undefined) throw new CliUsageError(`${file} has no account ${values.username}`);
      writeAccounts(file, withAccount(entries, { ...entry, disabled: true }));
      io.out(`${entry.username} disabled in ${file}`);
      return;
    }
    case 'list': {
      if (file === undefined) throw new CliUsageError('list <file>');
      for (const e of readEntries(file)) {
        io.out(
          `${e.username}\t${e.organisation}\t${e.roles.join(',')}\t${e.subject ?? '-'}${e.disabled ? '\tdisabled' : ''}`,
        );
      }
      return;
    }
    default:
      throw new CliUsageError('commands: hash, add, disable, list (see tools/accounts/cli.ts)');
  }
}
