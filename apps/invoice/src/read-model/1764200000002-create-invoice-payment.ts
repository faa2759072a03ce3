import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Payments recorded by payment processors, and the look-up of an invoice's payment. */
export class CreateInvoicePayment1764200000002 implements MigrationInterface {
  name = 'CreateInvoicePayment1764200000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE invoice_payment (
        merchant_tax_id char(18) NOT NULL,
        payment_id text NOT NULL,
        amount_minor bigint NOT NULL,
        processor text NOT NULL,
        height bigint NOT NULL,
        time_ms bigint NOT NULL,
        PRIMARY KEY (merchant_tax_id, payment_id)
      )`);
    await runner.query('CREATE INDEX invoice_payment_idx ON invoice (merchant_tax_id, payment_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX invoice_payment_idx');
    await runner.query('DROP TABLE invoice_payment');
  }
}
