'use client';
// The merchant's desk: issue an invoice for a payment (amounts typed in yuan, sent as exact
// minor units), list the invoices the signed-in merchant's organisation issued, and issue a
// credit note against one of them, never above what remains of it (the contract refuses more).
// The desk asks for sign-in with the merchant role and acts as that account's organisation.
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import {
  type Invoice,
  type Merchant,
  InvoiceInputError,
  errorText,
  formatYuan,
  invoiceApi,
  isUscc,
  lineTotals,
  refusalReason,
  toMinor,
} from '../../_lib/invoice-api';
import {
  InvoiceHeader,
  InvoiceLink,
  type LineDraft,
  LineEditor,
  StatusBadges,
  newLine,
  parseLines,
} from '../_components/shared';
import { SignInGate, type SignedIn } from '../_components/sign-in';

function remainderOf(invoice: Invoice): bigint {
  return toMinor(invoice.grossMinor) - toMinor(invoice.creditedMinor);
}

export function MerchantDesk() {
  return (
    <main className="invoice-page">
      <InvoiceHeader current="merchant" title="Merchant" />
      <SignInGate desk="merchant desk" roles={['merchant']}>
        {(signedIn) => <MerchantWork signedIn={signedIn} />}
      </SignInGate>
    </main>
  );
}

function MerchantWork({ signedIn: { account, orgName } }: { signedIn: SignedIn }) {
  const org = account.organisation;
  const [merchants, setMerchants] = useState<readonly Merchant[]>([]);
  const [merchantsError, setMerchantsError] = useState<string | null>(null);
  const [merchantsLoaded, setMerchantsLoaded] = useState(false);
  const [merchant, setMerchant] = useState('');
  const [paymentId, setPaymentId] = useState('');
  const [buyerName, setBuyerName] = useState('');
  const [buyerTaxId, setBuyerTaxId] = useState('');
  const [buyerId, setBuyerId] = useState('');
  const [lines, setLines] = useState<LineDraft[]>(() => [newLine()]);
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<Invoice | null>(null);
  const [issueError, setIssueError] = useState<string | null>(null);
  const [items, setItems] = useState<readonly Invoice[]>([]);
  const [listError, setListError] = useState<string | null>(null);
  const [crediting, setCrediting] = useState<Invoice | null>(null);
  const [creditReason, setCreditReason] = useState('');
  const [creditLines, setCreditLines] = useState<LineDraft[]>(() => [newLine()]);
  const [credited, setCredited] = useState<Invoice | null>(null);
  const [creditError, setCreditError] = useState<string | null>(null);

  const mine = merchants.filter((m) => m.org === org);

  useEffect(() => {
    invoiceApi<Merchant[]>('/merchants')
      .then((list) => {
        setMerchants(list);
        setMerchantsLoaded(true);
      })
      .catch((error: unknown) => setMerchantsError(errorText(error)));
  }, []);

  // The merchant to issue for: one of the organisation's own.
  useEffect(() => {
    if (!mine.some((m) => m.taxId === merchant)) setMerchant(mine[0]?.taxId ?? '');
  }, [org, merchants]); // `mine` derives from these two

  const loadList = useCallback(async () => {
    setListError(null);
    try {
      const page = await invoiceApi<{ items: Invoice[] }>('/invoices?limit=100');
      setItems(page.items);
    } catch (error) {
      setListError(errorText(error));
    }
  }, []);

  useEffect(() => {
    void loadList();
  }, [loadList]);

  async function onIssue(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setIssued(null);
    setIssueError(null);
    try {
      if (!merchant) {
        throw new InvoiceInputError(
          'no-merchant',
          `${orgName(org)} issues for no registered merchant; the tax bureau registers merchants`,
        );
      }
      if (!/^[A-Za-z0-9._:-]{1,64}$/.test(paymentId.trim())) {
        throw new InvoiceInputError(
          'bad-payment-id',
          'The payment id is 1 to 64 characters of A–Z a–z 0–9 . _ : -',
        );
      }
      if (!buyerName.trim()) throw new InvoiceInputError('no-buyer', 'Name the buyer.');
      const taxId = buyerTaxId.trim().toUpperCase();
      if (taxId && !isUscc(taxId)) {
        throw new InvoiceInputError(
          'bad-tax-id',
          'The buyer’s tax id must be a unified social credit code (18 characters)',
        );
      }
      const body = {
        merchant,
        paymentId: paymentId.trim(),
        buyer: {
          name: buyerName.trim(),
          ...(taxId ? { taxId } : {}),
          ...(buyerId.trim() ? { id: buyerId.trim() } : {}),
        },
        lines: parseLines(lines),
      };
      setBusy(true);
      const invoice = await invoiceApi<Invoice>('/invoices', { body });
      setIssued(invoice);
      setPaymentId('');
      setLines([newLine()]);
      void loadList();
    } catch (error) {
      setIssueError(errorText(error));
    } finally {
      setBusy(false);
    }
  }

  function startCredit(invoice: Invoice) {
    setCrediting(invoice);
    setCredited(null);
    setCreditError(null);
    setCreditReason('');
    setCreditLines([newLine({ description: String(invoice.lines[0]?.['description'] ?? '') })]);
  }

  async function onCredit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!crediting) return;
    setCredited(null);
    setCreditError(null);
    let requested: bigint | null = null;
    try {
      if (!creditReason.trim()) throw new InvoiceInputError('no-reason', 'Give the reason.');
      const parsed = parseLines(creditLines);
      requested = lineTotals(parsed).grossMinor;
      setBusy(true);
      const note = await invoiceApi<Invoice>(
        `/invoices/${encodeURIComponent(crediting.number)}/credit-notes`,
        { body: { reason: creditReason.trim(), lines: parsed } },
      );
      // The original's remainder has changed: show it, as the chain now has it, with the note.
      const original = await invoiceApi<Invoice>(
        `/invoices/${encodeURIComponent(crediting.number)}`,
      );
      setCrediting(original);
      setCredited(note);
      void loadList();
    } catch (error) {
      if (refusalReason(error) === 'credit-exceeds-remainder' && requested !== null) {
        setCreditError(
          `Refused: this credit note comes to ${formatYuan(requested)}, more than the ` +
            `${formatYuan(remainderOf(crediting))} that remains of invoice ${crediting.number}. ` +
            errorText(error),
        );
      } else {
        setCreditError(errorText(error));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <section className="card" aria-labelledby="issue-heading">
        <h2 id="issue-heading">Issue an invoice</h2>
        {merchantsError && (
          <p className="verdict verdict-error" role="alert">
            The merchants could not be loaded: {merchantsError}
          </p>
        )}
        <form className="stack" onSubmit={onIssue}>
          <div className="row">
            <label className="grow">
              Merchant (seller){' '}
              <select
                data-testid="issue-merchant"
                value={merchant}
                onChange={(e) => setMerchant(e.target.value)}
                disabled={busy || mine.length === 0}
              >
                {mine.map((m) => (
                  <option key={m.taxId} value={m.taxId}>
                    {m.name} ({m.taxId})
                  </option>
                ))}
              </select>
            </label>
            <label className="grow">
              Payment id{' '}
              <input
                type="text"
                data-testid="issue-payment-id"
                value={paymentId}
                maxLength={64}
                spellCheck={false}
                onChange={(e) => setPaymentId(e.target.value)}
                disabled={busy}
              />
            </label>
          </div>
          {merchantsLoaded && mine.length === 0 && (
            <p className="muted" data-testid="no-merchant">
              {orgName(org)} issues for no registered merchant yet: the tax bureau registers
              merchants.
            </p>
          )}
          <div className="row">
            <label className="grow">
              Buyer name{' '}
              <input
                type="text"
                data-testid="issue-buyer-name"
                value={buyerName}
                maxLength={100}
                onChange={(e) => setBuyerName(e.target.value)}
                disabled={busy}
              />
            </label>
            <label className="grow">
              Buyer tax id (optional){' '}
              <input
                type="text"
                data-testid="issue-buyer-tax-id"
                value={buyerTaxId}
                maxLength={18}
                spellCheck={false}
                onChange={(e) => setBuyerTaxId(e.target.value)}
                disabled={busy}
              />
            </label>
            <label className="grow">
              Buyer wallet id (who may claim it){' '}
              <input
                type="text"
                data-testid="issue-buyer-id"
                value={buyerId}
                maxLength={64}
                spellCheck={false}
                onChange={(e) => setBuyerId(e.target.value)}
                disabled={busy}
              />
            </label>
          </div>
          <LineEditor lines={lines} onChange={setLines} disabled={busy} prefix="issue" />
          <div className="row">
            <button type="submit" data-testid="issue-submit" disabled={busy}>
              Issue as {orgName(org)}
            </button>
          </div>
        </form>
        {issueError && (
          <p className="verdict verdict-error" role="alert" data-testid="issue-error">
            {issueError}
          </p>
        )}
        {issued && (
          <div className="verdict verdict-ok" data-testid="issue-result">
            <p>
              Issued invoice <InvoiceLink number={issued.number} /> for{' '}
              {formatYuan(issued.grossMinor)} in block {issued.issuedHeight}.
            </p>
            <p>
              Net {formatYuan(issued.netMinor)}, tax {formatYuan(issued.taxMinor)}; buyer{' '}
              {issued.buyer.name}
              {issued.buyer.id ? ` (wallet ${issued.buyer.id})` : ''}.
            </p>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="issued-heading">
        <h2 id="issued-heading">Issued invoices</h2>
        {listError && (
          <p className="verdict verdict-error" role="alert">
            The invoices could not be listed: {listError}
          </p>
        )}
        <table className="deposits" data-testid="issued-list">
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Buyer</th>
              <th scope="col" className="amount">
                Gross
              </th>
              <th scope="col" className="amount">
                Credited
              </th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.number} data-testid="invoice-row" data-number={i.number}>
                <td>
                  <InvoiceLink number={i.number} />
                  {i.kind === 'credit-note' && (
                    <>
                      <br />
                      <span className="muted">credit note for {i.original}</span>
                    </>
                  )}
                </td>
                <td>{i.buyer.name}</td>
                <td className="amount">{formatYuan(i.grossMinor)}</td>
                <td className="amount">{formatYuan(i.creditedMinor)}</td>
                <td>
                  <StatusBadges invoice={i} />
                </td>
                <td>
                  {i.kind === 'invoice' && (
                    <button
                      type="button"
                      className="secondary"
                      data-testid="credit-start"
                      onClick={() => startCredit(i)}
                    >
                      Credit note…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && !listError && (
          <p className="muted" data-testid="no-invoices">
            {orgName(org)} has issued no invoices yet.
          </p>
        )}
      </section>

      {crediting && (
        <section className="card" aria-labelledby="credit-heading" data-testid="credit-form">
          <h2 id="credit-heading">Credit note for invoice {crediting.number}</h2>
          <p>
            Invoice total {formatYuan(crediting.grossMinor)}, credited so far{' '}
            {formatYuan(crediting.creditedMinor)}:{' '}
            <strong data-testid="credit-remainder">
              {formatYuan(remainderOf(crediting))} remains
            </strong>{' '}
            to credit.
          </p>
          <form className="stack" onSubmit={onCredit}>
            <label>
              Reason{' '}
              <input
                type="text"
                data-testid="credit-reason"
                value={creditReason}
                maxLength={200}
                onChange={(e) => setCreditReason(e.target.value)}
                disabled={busy}
              />
            </label>
            <LineEditor
              lines={creditLines}
              onChange={setCreditLines}
              disabled={busy}
              prefix="credit"
            />
            <div className="row">
              <button type="submit" data-testid="credit-submit" disabled={busy}>
                Issue the credit note
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() => setCrediting(null)}
                disabled={busy}
              >
                Cancel
              </button>
            </div>
          </form>
          {creditError && (
            <p className="verdict verdict-mismatch" role="alert" data-testid="credit-error">
              {creditError}
            </p>
          )}
          {credited && (
            <p className="verdict verdict-ok" data-testid="credit-result">
              Issued credit note <InvoiceLink number={credited.number} /> for{' '}
              {formatYuan(credited.grossMinor)}.
            </p>
          )}
        </section>
      )}
    </>
  );
}
