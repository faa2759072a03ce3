/**
 * The accounts file (`TRELLIS_ACCOUNTS_FILE`): an organisation's operator lists the people who
 * may sign in, with their organisation, roles and password hashes (never passwords), much as an
 * htpasswd file. The service reads it at start-up and makes the account table agree with it;
 * a bad file stops the service with every problem named.
 *
 * ```json
 * { "accounts": [ { "username": "li.na", "organisation": "tax-bureau", "roles": ["tax-bureau"],
 *                   "passwordHash": "scrypt$ln=15,r=8,p=1$…$…" } ] }
 * ```
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PasswordHashFormatError, parsePasswordHash } from './password';

export const USERNAME = /^[a-z0-9][a-z0-9._@-]{1,63}$/;
export const ORGANISATION = /^[a-z][a-z0-9-]{1,62}$/;
export const ROLE = /^[a-z][a-z0-9-]{1,31}$/;

const passwordHash = z.string().superRefine((value, ctx) => {
  try {
    parsePasswordHash(value);
  } catch (error) {
    if (!(error instanceof PasswordHashFormatError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
  }
});

const entry = z.strictObject({
  username: z.string().regex(USERNAME, 'lower-case letters, digits and . _ @ -, 2 to 64'),
  organisation: z.string().regex(ORGANISATION, 'an organisation id (lower-case, digits, -)'),
  roles: z
    .array(z.string().regex(ROLE, 'a role is lower-case letters, digits and -'))
    .min(1, 'at least one role')
    .max(8, 'at most 8 roles'),
  subject: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional(),
  passwordHash,
  disabled: z.boolean().optional(),
});

const file = z.strictObject({ accounts: z.array(entry).max(100_000) });

export type AccountEntry = z.infer<typeof entry>;

export class AccountsFileError extends Error {
  constructor(
    readonly path: string,
    readonly problems: readonly string[],
  ) {
    super(`accounts file ${path}: ${problems.join('; ')}`);
    this.name = 'AccountsFileError';
  }
}

/** Parses an accounts file's text; throws AccountsFileError naming every problem. */
export function parseAccountsFile(text: string, path = '(text)'): AccountEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AccountsFileError(path, [`not JSON (${(error as Error).message})`]);
  }
  const parsed = file.safeParse(json);
  if (!parsed.success) {
    throw new AccountsFileError(
      path,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  const seen = new Set<string>();
  const duplicates = parsed.data.accounts.flatMap((a) => {
    if (seen.has(a.username)) return [`accounts: ${a.username} is listed twice`];
    seen.add(a.username);
    return [];
  });
  if (duplicates.length > 0) throw new AccountsFileError(path, duplicates);
  return parsed.data.accounts;
}

export function readAccountsFile(path: string): AccountEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AccountsFileError(path, [`cannot be read (${(error as Error).message})`]);
  }
  return parseAccountsFile(text, path);
}

/** The file's text for `entries`, in username order (stable diffs). */
export function formatAccountsFile(entries: readonly AccountEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.username < b.username ? -1 : 1));
  return `${JSON.stringify({ accounts: sorted }, null, 2)}\n`;
}

/** `entries` with `entry` added, or replacing the account of the same username. */
export function withAccount(entries: readonly AccountEntry[], entry: AccountEntry): AccountEntry[] {
  const next = [...entries.filter((e) => e.username !== entry.username), entry];
  // Validate the whole result as the service will read it.
  return parseAccountsFile(formatAccountsFile(next));
}
