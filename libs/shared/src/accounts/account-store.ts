/**
 * Accounts and sessions on the service's database (tables `account`, `account_session`).
 * A session is a random 256-bit token handed to the client once; only its SHA-256 is stored,
 * so a read of the database yields no usable session. ADR 0017.
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config';
import { BatchedLookup } from '../database/batched-lookup';
import { type AccountEntry, USERNAME, readAccountsFile } from './accounts-file';
import { SignInFailedError, SignInLockedError } from './errors';
import { hashPassword, verifyPassword } from './password';

/** Who is signed in: the person, the organisation they act for, and their roles. */
export interface Principal {
  readonly username: string;
  readonly organisation: string;
  readonly roles: readonly string[];
  /** The person's own id where a role needs one (a buyer's id on invoices), else null. */
  readonly subject: string | null;
}

export interface Session {
  readonly token: string;
  readonly expiresAt: Date;
  readonly account: Principal;
}

/** Consecutive failures before an account waits, and how long. */
export const LOCKOUT_AFTER = 10;
export const LOCKOUT_MS = 15 * 60_000;
export const SESSION_MS = 8 * 3600_000;

interface AccountRow {
  username: string;
  organisation: string;
  roles: string[];
  subject: string | null;
  password_hash: string;
  disabled: boolean;
  failed_attempts: number;
  locked_until: Date | null;
}

function principalOf(
  row: Pick<AccountRow, 'username' | 'organisation' | 'roles' | 'subject'>,
): Principal {
  return {
    username: row.username,
    organisation: row.organisation,
    roles: [...row.roles],
    subject: row.subject,
  };
}

export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

@Injectable()
export class AccountStore implements OnApplicationBootstrap {
  private readonly logger = new Logger('Accounts');
  /** A hash to verify against when the username is unknown, so both cases take as long. */
  private decoy: Promise<string> | undefined;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const path = this.config.TRELLIS_ACCOUNTS_FILE;
    if (path === undefined) return;
    const entries = readAccountsFile(path);
    const changed = await this.apply(entries);
    this.logger.log(
      `accounts file ${path}: ${entries.length} accounts, ${changed} added or changed`,
    );
  }

  /** Makes the listed accounts agree with `entries` (others are left as they are). */
  async apply(entries: readonly AccountEntry[]): Promise<number> {
    let changed = 0;
    await this.db.transaction(async (tx) => {
      for (const e of entries) {
        const rows: unknown[] = await tx.query(
          `INSERT INTO account (username, organisation, roles, subject, password_hash, disabled)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (username) DO UPDATE SET
             organisation = EXCLUDED.organisation, roles = EXCLUDED.roles,
             subject = EXCLUDED.subject, password_hash = EXCLUDED.password_hash,
             disabled = EXCLUDED.disabled, updated_at = now(),
             failed_attempts = CASE WHEN account.password_hash = EXCLUDED.password_hash
                                    THEN account.failed_attempts ELSE 0 END,
             locked_until = CASE WHEN account.password_hash = EXCLUDED.password_hash
                                 THEN account.locked_until ELSE NULL END
           WHERE (account.organisation, account.roles, account.subject, account.password_hash,
                  account.disabled)
                 IS DISTINCT FROM
                 (EXCLUDED.organisation, EXCLUDED.roles, EXCLUDED.subject, EXCLUDED.password_hash,
                  EXCLUDED.disabled)
           RETURNING username`,
          [
            e.username,
            e.organisation,
            e.roles,
            e.subject ?? null,
            e.passwordHash,
            e.disabled ?? false,
          ],
        );
        changed += rows.length;
        // A changed organisation, roles or password ends the account's sessions.
        if (rows.length > 0) {
          await tx.query('DELETE FROM account_session WHERE username = $1', [e.username]);
        }
      }
    });
    return changed;
  }

  /**
   * Checks a username and password and opens a session. Wrong either way: SignInFailedError;
   * after LOCKOUT_AFTER failures in a row the account waits LOCKOUT_MS (SignInLockedError),
   * even for the right password.
   */
  async signIn(username: string, password: string, now = new Date()): Promise<Session> {
    const name = username.trim().toLowerCase();
    const rows: AccountRow[] = USERNAME.test(name)
      ? await this.db.query('SELECT * FROM account WHERE username = $1', [name])
      : [];
    const row = rows[0];
    if (row === undefined || row.disabled) {
      await verifyPassword(password, await this.decoyHash());
      throw new SignInFailedError('wrong username or password');
    }
    if (row.locked_until !== null && row.locked_until > now) {
      throw new SignInLockedError(
        `too many failed sign-ins: ${row.username} may try again after ${row.locked_until.toISOString()}`,
        { retryAfter: row.locked_until.toISOString() },
      );
    }
    if (!(await verifyPassword(password, row.password_hash))) {
      await this.db.query(
        `UPDATE account SET
           failed_attempts = failed_attempts + 1,
           locked_until = CASE WHEN failed_attempts + 1 >= $2 THEN $3::timestamptz ELSE NULL END
         WHERE username = $1`,
        [row.username, LOCKOUT_AFTER, new Date(now.getTime() + LOCKOUT_MS)],
      );
      throw new SignInFailedError('wrong username or password');
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SESSION_MS);
    await this.db.transaction(async (tx) => {
      await tx.query(
        'UPDATE account SET failed_attempts = 0, locked_until = NULL WHERE username = $1',
        [row.username],
      );
      await tx.query(
        `INSERT INTO account_session (token_sha256, username, created_at, expires_at)
         VALUES ($1, $2, $3, $4)`,
        [tokenDigest(token), row.username, now, expiresAt],
      );
      await tx.query('DELETE FROM account_session WHERE expires_at <= $1', [now]);
    });
    return { token, expiresAt, account: principalOf(row) };
  }

  /**
   * The signed-in account of a session token, or undefined (unknown, expired, disabled).
   * Concurrent requests' tokens are looked up together, one query per turn of the event loop
   * (BatchedLookup): every lookup still reads the sessions after its request arrived, so a
   * sign-out or a disabled account takes effect at once. `now` given: a lookup of its own.
   */
  async authenticate(
    token: string,
    now?: Date,
  ): Promise<{ account: Principal; expiresAt: Date } | undefined> {
    if (!TOKEN.test(token)) return undefined;
    if (now !== undefined) return (await this.sessions([token], now)).get(token);
    return this.sessionLookup.get(token);
  }

  private readonly sessionLookup = new BatchedLookup((tokens: string[]) =>
    this.sessions(tokens, new Date()),
  );

  private async sessions(
    tokens: readonly string[],
    now: Date,
  ): Promise<Map<string, { account: Principal; expiresAt: Date }>> {
    const digests = tokens.map(tokenDigest);
    const byDigest = new Map(digests.map((d, i) => [d.toString('hex'), tokens[i]!]));
    const rows: (AccountRow & { token_sha256: Buffer; expires_at: Date })[] = await this.db.query(
      `SELECT s.token_sha256, a.username, a.organisation, a.roles, a.subject, s.expires_at
         FROM account_session s JOIN account a USING (username)
        WHERE s.token_sha256 = ANY($1) AND s.expires_at > $2 AND NOT a.disabled`,
      [digests, now],
    );
    const found = new Map<string, { account: Principal; expiresAt: Date }>();
    for (const row of rows) {
      const token = byDigest.get(Buffer.from(row.token_sha256).toString('hex'));
      if (token !== undefined)
        found.set(token, { account: principalOf(row), expiresAt: row.expires_at });
    }
    return found;
  }

  /** Ends one session (signing out). */
  async signOut(token: string): Promise<void> {
    if (!TOKEN.test(token)) return;
    await this.db.query('DELETE FROM account_session WHERE token_sha256 = $1', [
      tokenDigest(token),
    ]);
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= hashPassword(randomBytes(16).toString('hex'));
    return this.decoy;
  }
}
