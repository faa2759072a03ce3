import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The judicial evidence read models: deposits and courts' presentations, projected from the chain. */
export class CreateEvidenceReadModel1764000000000 implements MigrationInterface {
  name = 'CreateEvidenceReadModel1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE evidence_deposit (
        id char(64) PRIMARY KEY,
        sha256 char(64) NOT NULL,
        sm3 char(64) NOT NULL,
        type text NOT NULL,
        title text NOT NULL,
        depositor text NOT NULL,
        parent char(64),
        corrects char(64),
        private_hash char(64),
        private_recipients text[],
        height bigint NOT NULL,
        tx_index integer NOT NULL,
        block_hash char(64) NOT NULL,
        time_ms bigint NOT NULL,
        UNIQUE (depositor, sha256)
      )`);
    await runner.query('CREATE INDEX evidence_deposit_sha256 ON evidence_deposit (sha256)');
    await runner.query('CREATE INDEX evidence_deposit_sm3 ON evidence_deposit (sm3)');
    await runner.query('CREATE INDEX evidence_deposit_parent ON evidence_deposit (parent)');
    await runner.query('CREATE INDEX evidence_deposit_corrects ON evidence_deposit (corrects)');
    await runner.query(
      'CREATE INDEX evidence_deposit_depositor ON evidence_deposit (depositor, height DESC, tx_index DESC)',
    );
    await runner.query(`
      CREATE TABLE evidence_presentation (
        deposit char(64) NOT NULL REFERENCES evidence_deposit (id),
        court text NOT NULL,
        case_number text NOT NULL,
        presented_by text NOT NULL,
        tx_id char(64) NOT NULL,
        height bigint NOT NULL,
        time_ms bigint NOT NULL,
        PRIMARY KEY (deposit, court, case_number)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE evidence_presentation');
    await runner.query('DROP TABLE evidence_deposit');
  }
}
