import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The e-invoice read models, projected from the invoice contract's events. */
export class CreateInvoiceReadModel1764100000000 implements MigrationInterface {
  name = 'CreateInvoiceReadModel1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE invoice_merchant (
        tax_id char(18) PRIMARY KEY,
        name text NOT NULL,
        industry text NOT NULL,
        region char(6) NOT NULL,
        org text NOT NULL,
        ordinal bigint NOT NULL,
        registered_height bigint NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE invoice (
        number char(20) PRIMARY KEY,
        kind text NOT NULL,
        merchant_tax_id char(18) NOT NULL REFERENCES invoice_merchant (tax_id),
        merchant_org text NOT NULL,
        buyer_name text NOT NULL,
        buyer_tax_id text,
        buyer_id text,
        payment_id text,
        currency char(3) NOT NULL,
        lines jsonb NOT NULL,
        net_minor bigint NOT NULL,
        tax_minor bigint NOT NULL,
        gross_minor bigint NOT NULL,
        original char(20),
        reason text,
        status text NOT NULL,
        credited_minor bigint NOT NULL,
        frozen boolean NOT NULL,
        claimed_org text,
        claimed_buyer_id text,
        reimbursed_by text,
        reimbursed_height bigint,
        issued_height bigint NOT NULL,
        issued_time_ms bigint NOT NULL,
        tx_id char(64) NOT NULL
      )`);
    await runner.query(
      'CREATE INDEX invoice_merchant_idx ON invoice (merchant_tax_id, issued_height DESC)',
    );
    await runner.query('CREATE INDEX invoice_buyer_idx ON invoice (claimed_buyer_id)');
    await runner.query(
      'CREATE INDEX invoice_reimbursed_idx ON invoice (reimbursed_by, reimbursed_height DESC)',
    );
    await runner.query(`
      CREATE TABLE invoice_history (
        number char(20) NOT NULL,
        seq serial,
        type text NOT NULL,
        org text,
        tx_id char(64) NOT NULL,
        height bigint NOT NULL,
        time_ms bigint NOT NULL,
        data jsonb NOT NULL,
        PRIMARY KEY (number, seq)
      )`);
    await runner.query(`
      CREATE TABLE invoice_anomaly (
        id serial PRIMARY KEY,
        kind text NOT NULL,
        number char(20),
        merchant_tax_id char(18),
        detail text NOT NULL,
        height bigint,
        time_ms bigint NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE invoice_anomaly');
    await runner.query('DROP TABLE invoice_history');
    await runner.query('DROP TABLE invoice');
    await runner.query('DROP TABLE invoice_merchant');
  }
}
