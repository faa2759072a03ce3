import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The burst rule counts a merchant's invoices within a window of block time: an index for it. */
export class InvoiceMerchantTimeIndex1764200000001 implements MigrationInterface {
  name = 'InvoiceMerchantTimeIndex1764200000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE INDEX invoice_merchant_time_idx ON invoice (merchant_tax_id, issued_time_ms)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX invoice_merchant_time_idx');
  }
}
