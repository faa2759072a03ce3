'use client';
// One invoice, as the chain has it: amounts (exact, from integer minor units), lines, its
// status on the issued → claimed → reimbursed path (credited and frozen besides), and its
// history of chain events.
import { useCallback, useEffect, useState } from 'react';
import {
  ApiError,
  INVOICE_API,
  type InvoiceDetail,
  errorText,
  formatPercent,
  formatTime,
  formatYuan,
  invoiceApi,
  invoiceHref,
  isInvoiceNumber,
  type Organisation,
  organisationName,
  organisations,
  toMinor,
} from '../../_lib/invoice-api';
import { InvoiceHeader, StatusBadges } from '../_components/shared';
import { StatusProof } from './status-proof';

const STEPS = ['issued', 'claimed', 'reimbursed'] as const;

function lineValue(line: Readonly<Record<string, unknown>>, field: string): unknown {
  return line[field];
}

export function InvoiceDetailView({ number }: { number: string }) {
  const [invoice, setInvoice] = useState<InvoiceDetail | null>(null);
  const [error, setError] = useState<{ text: string; notFound: boolean } | null>(null);
  const [orgs, setOrgs] = useState<readonly Organisation[]>([]);

  const load = useCallback(async () => {
    setError(null);
    if (!isInvoiceNumber(number)) {
      setError({ text: `“${number}” is not an invoice number (20 digits).`, notFound: false });
      return;
    }
    try {
      // The organisations' names with the invoice, so that both show at once (ids without).
      const [detail, names] = await Promise.all([
        invoiceApi<InvoiceDetail>(`/invoices/${number}`),
        organisations().catch((): Organisation[] => []),
      ]);
      setOrgs(names);
      setInvoice(detail);
    } catch (e) {
      setError({
        text: errorText(e),
        notFound: e instanceof ApiError && e.code === 'no-such-invoice',
      });
    }
  }, [number]);

  useEffect(() => {
    void load();
  }, [load]);

  const orgName = (id: string | null | undefined) => organisationName(id, orgs);
  const title = invoice?.kind === 'credit-note' ? 'Credit note' : 'Invoice';
  const reached = invoice ? STEPS.indexOf(invoice.status as (typeof STEPS)[number]) : -1;
  const remainder = invoice ? toMinor(invoice.grossMinor) - toMinor(invoice.creditedMinor) : 0n;

  return (
    <main className="invoice-page">
      <InvoiceHeader current="invoice" title={`${title} ${number}`} />
      {error && (
        <p className="verdict verdict-error" role="alert" data-testid="invoice-error">
          {error.notFound ? `No invoice ${number} is on the chain. ` : ''}
          {error.text}
        </p>
      )}
      {invoice && (
        <>
          <section className="card" aria-labelledby="status-heading" data-testid="invoice-detail">
            <h2 id="status-heading">Chain status</h2>
            <p
              data-testid="invoice-status"
              data-status={invoice.status}
              data-frozen={String(invoice.frozen)}
            >
              <StatusBadges invoice={invoice} />{' '}
              {invoice.frozen && (
                <strong>Frozen by the tax bureau: it can be neither claimed nor reimbursed.</strong>
              )}
            </p>
            <StatusProof number={invoice.number} status={invoice.status} frozen={invoice.frozen} />
            {invoice.kind === 'invoice' && (
              <ol className="steps" aria-label="Progress">
                {STEPS.map((s, i) => (
                  <li
                    key={s}
                    className={i <= reached ? 'done' : ''}
                    aria-current={i === reached ? 'step' : undefined}
                  >
                    {s}
                  </li>
                ))}
              </ol>
            )}
            <dl className="facts">
              <dt>Kind</dt>
              <dd>{invoice.kind}</dd>
              {invoice.original && (
                <>
                  <dt>Credits invoice</dt>
                  <dd>
                    <a href={invoiceHref(invoice.original)}>
                      <code>{invoice.original}</code>
                    </a>
                    {invoice.reason ? ` — ${invoice.reason}` : ''}
                  </dd>
                </>
              )}
              <dt>Merchant</dt>
              <dd>
                <code>{invoice.merchant.taxId}</code>, issued by {orgName(invoice.merchant.org)}
              </dd>
              <dt>Buyer</dt>
              <dd data-testid="invoice-buyer">
                {invoice.buyer.name}
                {invoice.buyer.taxId && (
                  <>
                    {' '}
                    (tax id <code>{invoice.buyer.taxId}</code>)
                  </>
                )}
                {invoice.buyer.id && <>, wallet {invoice.buyer.id}</>}
              </dd>
              {invoice.paymentId && (
                <>
                  <dt>Payment</dt>
                  <dd>{invoice.paymentId}</dd>
                </>
              )}
              <dt>Issued</dt>
              <dd>
                {formatTime(invoice.issuedAt)}, block {invoice.issuedHeight}
              </dd>
              <dt>Claimed</dt>
              <dd data-testid="invoice-claimed">
                {invoice.claimedBy
                  ? `into wallet ${invoice.claimedBy.buyerId} by ${orgName(invoice.claimedBy.org)}`
                  : 'not yet'}
              </dd>
              <dt>Reimbursed</dt>
              <dd data-testid="invoice-reimbursed">
                {invoice.reimbursedBy
                  ? `by ${orgName(invoice.reimbursedBy)} (${invoice.reimbursedBy})`
                  : 'not yet'}
              </dd>
              <dt>Transaction</dt>
              <dd>
                <code>{invoice.txId}</code> ·{' '}
                <a href={`${INVOICE_API}/invoices/${invoice.number}/proof`}>proof bundle (CBOR)</a>
              </dd>
              <dt>Document</dt>
              <dd>
                <a
                  data-testid="invoice-pdf"
                  href={`${INVOICE_API}/invoices/${invoice.number}/invoice.pdf`}
                >
                  Download the invoice (PDF, signed by the merchant organisation)
                </a>
              </dd>
            </dl>
          </section>

          <section className="card" aria-labelledby="amounts-heading">
            <h2 id="amounts-heading">Amounts ({invoice.currency})</h2>
            <dl className="facts">
              <dt>Net</dt>
              <dd data-testid="invoice-net">{formatYuan(invoice.netMinor)}</dd>
              <dt>Tax</dt>
              <dd data-testid="invoice-tax">{formatYuan(invoice.taxMinor)}</dd>
              <dt>Gross</dt>
              <dd data-testid="invoice-gross">
                <strong>{formatYuan(invoice.grossMinor)}</strong>
              </dd>
              {invoice.kind === 'invoice' && (
                <>
                  <dt>Credited</dt>
                  <dd data-testid="invoice-credited">{formatYuan(invoice.creditedMinor)}</dd>
                  <dt>Remains</dt>
                  <dd data-testid="invoice-remainder">{formatYuan(remainder)}</dd>
                </>
              )}
            </dl>
            <table className="deposits" data-testid="invoice-lines">
              <caption className="visually-hidden">Lines</caption>
              <thead>
                <tr>
                  <th scope="col">Description</th>
                  <th scope="col" className="amount">
                    Quantity
                  </th>
                  <th scope="col" className="amount">
                    Unit price
                  </th>
                  <th scope="col" className="amount">
                    Tax rate
                  </th>
                  <th scope="col" className="amount">
                    Net
                  </th>
                  <th scope="col" className="amount">
                    Tax
                  </th>
                </tr>
              </thead>
              <tbody>
                {invoice.lines.map((l, i) => (
                  <tr key={i} data-testid="line-row">
                    <td>{String(lineValue(l, 'description') ?? '')}</td>
                    <td className="amount">{String(lineValue(l, 'quantity') ?? '')}</td>
                    <td className="amount">{formatYuan(lineValue(l, 'unitPriceMinor'))}</td>
                    <td className="amount">{formatPercent(lineValue(l, 'taxRateBasisPoints'))}</td>
                    <td className="amount">{formatYuan(lineValue(l, 'netMinor'))}</td>
                    <td className="amount">{formatYuan(lineValue(l, 'taxMinor'))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <section className="card" aria-labelledby="history-heading">
            <h2 id="history-heading">History on the chain</h2>
            <ol className="history" data-testid="invoice-history">
              {invoice.history.map((h) => (
                <li key={`${h.txId}-${h.type}`} data-testid="history-entry" data-type={h.type}>
                  <strong>{h.type}</strong> — {h.org ? orgName(h.org) : 'the chain'}, block{' '}
                  {h.height}, {formatTime(h.time)}
                </li>
              ))}
            </ol>
            <button
              type="button"
              className="secondary"
              data-testid="invoice-reload"
              onClick={() => void load()}
            >
              Reload
            </button>
          </section>
        </>
      )}
    </main>
  );
}
