import type { MigrationInterface, QueryRunner } from 'typeorm';

/** People's accounts (per organisation, with roles) and their sign-in sessions: ADR 0017. */
export class CreateAccounts1764200000000 implements MigrationInterface {
  name = 'CreateAccounts1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE account (
        username text PRIMARY KEY CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{1,63}$'),
        organisation text NOT NULL CHECK (organisation ~ '^[a-z][a-z0-9-]{1,62}$'),
        roles text[] NOT NULL CHECK (cardinality(roles) BETWEEN 1 AND 8),
        subject text NULL CHECK (subject IS NULL OR length(subject) BETWEEN 1 AND 64),
        password_hash text NOT NULL,
        disabled boolean NOT NULL DEFAULT false,
        failed_attempts integer NOT NULL DEFAULT 0,
        locked_until timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE account_session (
        token_sha256 bytea PRIMARY KEY CHECK (length(token_sha256) = 32),
        username text NOT NULL REFERENCES account (username) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await runner.query('CREATE INDEX account_session_username ON account_session (username)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE account_session');
    await runner.query('DROP TABLE account');
  }
}
