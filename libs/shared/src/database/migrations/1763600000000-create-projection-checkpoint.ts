import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateProjectionCheckpoint1763600000000 implements MigrationInterface {
  name = 'CreateProjectionCheckpoint1763600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE projection_checkpoint (
        name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9._-]{0,127}$'),
        height bigint NOT NULL CHECK (height >= -1),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE projection_checkpoint');
  }
}
