/**
 * Projects the invoice contract's committed events into the read models, exactly once per
 * block (ChainProjection), and flags anomalies as they arrive: credit notes above a threshold,
 * bursts of invoices from one merchant. A failure is logged and the projection retried.
 */
import { Injectable } from '@nestjs/common';
import { ProjectionCheckpoints, ReadModelProjection } from '@trellis/shared';
import { type ChainBlock, type ChainEvent, ChainProjection } from '@trellis/shared/chain';
import { DataSource, type EntityManager } from 'typeorm';
import { CONTRACT, InvoiceChain } from '../chain/invoice-chain';

export const PROJECTION_NAME = 'invoice.read-model';

/** Supervision thresholds (docs: the tax-bureau views). */
export const ANOMALY_RULES = Object.freeze({
  /** A credit note of at least this gross (minor units) is flagged: 10 000.00 yuan. */
  largeCreditNoteMinor: 1_000_000n,
  /** More than this many invoices from one merchant within `burstWindowMs` of block time. */
  burstCount: 20,
  burstWindowMs: 60_000n,
});

type Data = Readonly<Record<string, unknown>>;
const s = (d: Data, k: string): string => String(d[k]);
const orNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

async function history(
  m: EntityManager,
  number: string,
  e: ChainEvent,
  block: ChainBlock,
  org: string | null,
): Promise<void> {
  await m.query(
    'INSERT INTO invoice_history (number, type, org, tx_id, height, time_ms, data) VALUES ($1,$2,$3,$4,$5,$6,$7)',
    [
      number,
      e.type,
      org,
      e.txId,
      block.height.toString(),
      block.timestampMs.toString(),
      JSON.stringify(e.data),
    ],
  );
}

async function insertInvoice(m: EntityManager, d: Data, e: ChainEvent): Promise<void> {
  const buyer = d['buyer'] as Data;
  await m.query(
    `INSERT INTO invoice (number, kind, merchant_tax_id, merchant_org, buyer_name, buyer_tax_id, buyer_id,
       payment_id, currency, lines, net_minor, tax_minor, gross_minor, original, reason, status,
       credited_minor, frozen, issued_height, issued_time_ms, tx_id)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)`,
    [
      s(d, 'number'),
      s(d, 'kind'),
      s(d, 'merchantTaxId'),
      s(d, 'merchantOrg'),
      s(buyer, 'name'),
      orNull(buyer['taxId']),
      orNull(buyer['id']),
      orNull(d['paymentId']),
      s(d, 'currency'),
      JSON.stringify(d['lines']),
      s(d, 'netMinor'),
      s(d, 'taxMinor'),
      s(d, 'grossMinor'),
      orNull(d['original']),
      orNull(d['reason']),
      s(d, 'status'),
      s(d, 'creditedMinor'),
      d['frozen'] === true,
      s(d, 'height'),
      s(d, 'timeMs'),
      e.txId,
    ],
  );
}

/**
 * A run of consecutive `invoice.issued` events of one block, in three statements whatever its
 * length: the invoices, their history, then the burst rule once per merchant. All of a block's
 * invoices carry the block's time, so the window count after the run, less the run's own
 * invoices of that merchant, is the count before it; the invoice that crosses the threshold is
 * flagged, as if counted one by one.
 */
async function applyIssued(
  m: EntityManager,
  events: readonly ChainEvent[],
  block: ChainBlock,
): Promise<void> {
  const rows = events.map((e, i) => {
    const d = e.data as Data;
    const buyer = d['buyer'] as Data;
    return {
      i,
      number: s(d, 'number'),
      kind: s(d, 'kind'),
      merchant_tax_id: s(d, 'merchantTaxId'),
      merchant_org: s(d, 'merchantOrg'),
      buyer_name: s(buyer, 'name'),
      buyer_tax_id: orNull(buyer['taxId']),
      buyer_id: orNull(buyer['id']),
      payment_id: orNull(d['paymentId']),
      currency: s(d, 'currency'),
      lines: d['lines'],
      net_minor: s(d, 'netMinor'),
      tax_minor: s(d, 'taxMinor'),
      gross_minor: s(d, 'grossMinor'),
      original: orNull(d['original']),
      reason: orNull(d['reason']),
      status: s(d, 'status'),
      credited_minor: s(d, 'creditedMinor'),
      frozen: d['frozen'] === true,
      issued_height: s(d, 'height'),
      issued_time_ms: s(d, 'timeMs'),
      tx_id: e.txId,
      // invoice_history
      type: e.type,
      org: s(d, 'merchantOrg'),
      height: block.height.toString(),
      time_ms: block.timestampMs.toString(),
      data: e.data,
    };
  });
  const json = JSON.stringify(rows);
  await m.query(
    `INSERT INTO invoice (number, kind, merchant_tax_id, merchant_org, buyer_name, buyer_tax_id,
       buyer_id, payment_id, currency, lines, net_minor, tax_minor, gross_minor, original, reason,
       status, credited_minor, frozen, issued_height, issued_time_ms, tx_id)
     SELECT number, kind, merchant_tax_id, merchant_org, buyer_name, buyer_tax_id, buyer_id,
       payment_id, currency, lines, net_minor, tax_minor, gross_minor, original, reason, status,
       credited_minor, frozen, issued_height, issued_time_ms, tx_id
     FROM jsonb_to_recordset($1::jsonb) AS x(number text, kind text, merchant_tax_id text,
       merchant_org text, buyer_name text, buyer_tax_id text, buyer_id text, payment_id text,
       currency text, lines jsonb, net_minor bigint, tax_minor bigint, gross_minor bigint,
       original text, reason text, status text, credited_minor bigint, frozen boolean,
       issued_height bigint, issued_time_ms bigint, tx_id text)`,
    [json],
  );
  await m.query(
    `INSERT INTO invoice_history (number, type, org, tx_id, height, time_ms, data)
     SELECT number, type, org, tx_id, height, time_ms, data
     FROM jsonb_to_recordset($1::jsonb) AS x(i int, number text, type text, org text,
       tx_id text, height bigint, time_ms bigint, data jsonb)
     ORDER BY i`,
    [json],
  );
  const byMerchant = new Map<string, (typeof rows)[number][]>();
  for (const row of rows) {
    const list = byMerchant.get(row.merchant_tax_id) ?? [];
    list.push(row);
    byMerchant.set(row.merchant_tax_id, list);
  }
  for (const [merchant, mine] of byMerchant) {
    const timeMs = BigInt(mine[mine.length - 1]!.issued_time_ms);
    const [{ n }] = (await m.query(
      "SELECT count(*)::int AS n FROM invoice WHERE merchant_tax_id = $1 AND kind = 'invoice' AND issued_time_ms > $2",
      [merchant, (timeMs - ANOMALY_RULES.burstWindowMs).toString()],
    )) as [{ n: number }];
    const before = n - mine.length;
    const crossing = ANOMALY_RULES.burstCount + 1 - before; // 1-based position in this run
    if (crossing < 1 || crossing > mine.length) continue;
    const row = mine[crossing - 1]!;
    await m.query(
      'INSERT INTO invoice_anomaly (kind, number, merchant_tax_id, detail, height, time_ms) VALUES ($1,$2,$3,$4,$5,$6)',
      [
        'burst',
        row.number,
        merchant,
        `more than ${ANOMALY_RULES.burstCount} invoices within ${ANOMALY_RULES.burstWindowMs / 1000n} s`,
        block.height.toString(),
        row.issued_time_ms,
      ],
    );
  }
}

async function applyEvent(m: EntityManager, e: ChainEvent, block: ChainBlock): Promise<void> {
  const d = e.data as Data;
  switch (e.type) {
    case 'invoice.merchant-registered':
      await m.query(
        `INSERT INTO invoice_merchant (tax_id, name, industry, region, org, ordinal, registered_height)
         VALUES ($1,$2,$3,$4,$5,$6,$7)`,
        [
          s(d, 'taxId'),
          s(d, 'name'),
          s(d, 'industry'),
          s(d, 'region'),
          s(d, 'org'),
          s(d, 'ordinal'),
          block.height.toString(),
        ],
      );
      return;
    case 'invoice.issued':
      await applyIssued(m, [e], block);
      return;
    case 'invoice.credited': {
      await insertInvoice(m, d, e);
      const original = s(d, 'original');
      await m.query(
        `UPDATE invoice SET credited_minor = $2,
           status = CASE WHEN $2::bigint = gross_minor AND status <> 'reimbursed' THEN 'credited' ELSE status END
         WHERE number = $1`,
        [original, s(d, 'originalCreditedMinor')],
      );
      await history(m, s(d, 'number'), e, block, s(d, 'merchantOrg'));
      await history(m, original, e, block, s(d, 'merchantOrg'));
      if (BigInt(s(d, 'grossMinor')) >= ANOMALY_RULES.largeCreditNoteMinor) {
        await m.query(
          'INSERT INTO invoice_anomaly (kind, number, merchant_tax_id, detail, height, time_ms) VALUES ($1,$2,$3,$4,$5,$6)',
          [
            'large-credit-note',
            s(d, 'number'),
            s(d, 'merchantTaxId'),
            `credit note of ${s(d, 'grossMinor')} minor units against ${original}`,
            block.height.toString(),
            s(d, 'timeMs'),
          ],
        );
      }
      return;
    }
    case 'invoice.payment-recorded':
      await m.query(
        `INSERT INTO invoice_payment (merchant_tax_id, payment_id, amount_minor, processor, height, time_ms)
         VALUES ($1,$2,$3,$4,$5,$6)`,
        [
          s(d, 'merchantTaxId'),
          s(d, 'paymentId'),
          s(d, 'amountMinor'),
          s(d, 'processor'),
          block.height.toString(),
          s(d, 'timeMs'),
        ],
      );
      return;
    case 'invoice.claimed':
      await m.query(
        "UPDATE invoice SET status = 'claimed', claimed_org = $2, claimed_buyer_id = $3 WHERE number = $1",
        [s(d, 'number'), s(d, 'org'), s(d, 'buyerId')],
      );
      await history(m, s(d, 'number'), e, block, s(d, 'org'));
      return;
    case 'invoice.reimbursed':
      await m.query(
        "UPDATE invoice SET status = 'reimbursed', reimbursed_by = $2, reimbursed_height = $3 WHERE number = $1",
        [s(d, 'number'), s(d, 'org'), block.height.toString()],
      );
      await history(m, s(d, 'number'), e, block, s(d, 'org'));
      return;
    case 'invoice.frozen':
    case 'invoice.unfrozen':
      await m.query('UPDATE invoice SET frozen = $2 WHERE number = $1', [
        s(d, 'number'),
        e.type === 'invoice.frozen',
      ]);
      await history(m, s(d, 'number'), e, block, s(d, 'by'));
      return;
    default:
      return;
  }
}

@Injectable()
export class InvoiceProjection extends ReadModelProjection {
  constructor(
    private readonly chain: InvoiceChain,
    private readonly dataSource: DataSource,
    private readonly checkpoints: ProjectionCheckpoints,
  ) {
    super();
  }

  protected createProjection(): ChainProjection | undefined {
    if (!this.chain.enabled) return undefined;
    return new ChainProjection({
      name: PROJECTION_NAME,
      dataSource: this.dataSource,
      nodes: this.chain.gateway.nodes,
      filter: { contracts: [CONTRACT], types: ['invoice.*'] },
      apply: async (manager, block) => {
        // Runs of issued invoices go in bulk; every other event in order between them.
        let run: ChainEvent[] = [];
        for (const event of block.events) {
          if (event.type === 'invoice.issued') {
            run.push(event);
            continue;
          }
          if (run.length > 0) await applyIssued(manager, run, block);
          run = [];
          await applyEvent(manager, event, block);
        }
        if (run.length > 0) await applyIssued(manager, run, block);
      },
      checkpoints: this.checkpoints,
    });
  }
}
