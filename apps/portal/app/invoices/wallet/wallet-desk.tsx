'use client';
// The buyer's and the enterprise's desk: claim an invoice by its number into a wallet, list the
// wallet, reimburse an invoice as the acting enterprise, and the enterprise's ledger. The chain
// reimburses an invoice once, ever, across all enterprises: a second attempt is refused here.
import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from 'react';
import {
  type Invoice,
  InvoiceInputError,
  errorText,
  formatTime,
  formatYuan,
  invoiceApi,
  isInvoiceNumber,
  organisationName,
  refusalReason,
} from '../../_lib/invoice-api';
import {
  ActAs,
  InvoiceHeader,
  InvoiceLink,
  StatusBadges,
  useActingMember,
} from '../_components/shared';

const WALLET_KEY = 'trellis.invoice.wallet';

function InvoiceTable({
  items,
  testId,
  rowTestId,
  action,
}: {
  items: readonly Invoice[];
  testId: string;
  rowTestId: string;
  action?: (invoice: Invoice) => ReactNode;
}) {
  return (
    <table className="deposits" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">Number</th>
          <th scope="col">Merchant</th>
          <th scope="col">Buyer</th>
          <th scope="col" className="amount">
            Gross
          </th>
          <th scope="col">Issued</th>
          <th scope="col">Status</th>
          {action && (
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <tr key={i.number} data-testid={rowTestId} data-number={i.number}>
            <td>
              <InvoiceLink number={i.number} />
            </td>
            <td>
              <code>{i.merchant.taxId}</code>
            </td>
            <td>{i.buyer.name}</td>
            <td className="amount">{formatYuan(i.grossMinor)}</td>
            <td>{formatTime(i.issuedAt)}</td>
            <td>
              <StatusBadges invoice={i} />
              {i.reimbursedBy && (
                <span className="muted"> by {organisationName(i.reimbursedBy)}</span>
              )}
            </td>
            {action && <td>{action(i)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function WalletDesk() {
  const [member, setMember] = useActingMember('trellis.invoice.wallet.member', 'bank');
  const [claimNumber, setClaimNumber] = useState('');
  const [walletId, setWalletId] = useState('');
  const [shownWallet, setShownWallet] = useState('');
  const [wallet, setWallet] = useState<readonly Invoice[] | null>(null);
  const [walletError, setWalletError] = useState<string | null>(null);
  const [claimed, setClaimed] = useState<Invoice | null>(null);
  const [claimError, setClaimError] = useState<string | null>(null);
  const [reimburseNumber, setReimburseNumber] = useState('');
  const [reimbursed, setReimbursed] = useState<Invoice | null>(null);
  const [reimburseError, setReimburseError] = useState<string | null>(null);
  const [ledger, setLedger] = useState<readonly Invoice[]>([]);
  const [ledgerError, setLedgerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const saved = window.localStorage.getItem(WALLET_KEY);
    if (saved) setWalletId(saved);
  }, []);

  const loadWallet = useCallback(async (id: string) => {
    setWalletError(null);
    if (!id) return;
    try {
      const page = await invoiceApi<{ items: Invoice[] }>(
        `/wallets/${encodeURIComponent(id)}?limit=100`,
      );
      setWallet(page.items);
      setShownWallet(id);
      window.localStorage.setItem(WALLET_KEY, id);
    } catch (error) {
      setWalletError(errorText(error));
    }
  }, []);

  const loadLedger = useCallback(async () => {
    setLedgerError(null);
    try {
      const page = await invoiceApi<{ items: Invoice[] }>('/reimbursements?limit=100', { member });
      setLedger(page.items);
    } catch (error) {
      setLedgerError(errorText(error));
    }
  }, [member]);

  useEffect(() => {
    setReimbursed(null);
    setReimburseError(null);
    void loadLedger();
  }, [loadLedger]);

  async function onClaim(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setClaimed(null);
    setClaimError(null);
    const number = claimNumber.trim();
    const id = walletId.trim();
    try {
      if (!isInvoiceNumber(number)) {
        throw new InvoiceInputError('bad-number', 'An invoice number is 20 digits.');
      }
      if (!id) throw new InvoiceInputError('no-wallet', 'Give the wallet id to claim into.');
      setBusy(true);
      const invoice = await invoiceApi<Invoice>(`/invoices/${number}/claim`, {
        member,
        body: { buyerId: id },
      });
      setClaimed(invoice);
      setClaimNumber('');
      await loadWallet(id);
    } catch (error) {
      setClaimError(errorText(error));
    } finally {
      setBusy(false);
    }
  }

  async function reimburse(number: string) {
    setReimbursed(null);
    setReimburseError(null);
    try {
      if (!isInvoiceNumber(number)) {
        throw new InvoiceInputError('bad-number', 'An invoice number is 20 digits.');
      }
      setBusy(true);
      const invoice = await invoiceApi<Invoice>(`/invoices/${number}/reimburse`, {
        member,
        method: 'POST',
      });
      setReimbursed(invoice);
      void loadLedger();
      if (shownWallet) void loadWallet(shownWallet);
    } catch (error) {
      if (refusalReason(error) === 'already-reimbursed') {
        // Say who reimbursed it: the chain's record, read back.
        let by = '';
        try {
          const current = await invoiceApi<Invoice>(`/invoices/${number}`);
          if (current.reimbursedBy) by = ` by ${organisationName(current.reimbursedBy)}`;
        } catch {
          // the refusal alone says enough
        }
        setReimburseError(
          `Refused: invoice ${number} was already reimbursed${by}; an invoice is reimbursed ` +
            `only once, across all enterprises. ${errorText(error)}`,
        );
      } else {
        setReimburseError(errorText(error));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="invoice-page">
      <InvoiceHeader current="wallet" title="Buyer & enterprise" />
      <ActAs
        member={member}
        onChange={setMember}
        role="the claiming buyer or reimbursing enterprise"
      />

      <section className="card" aria-labelledby="claim-heading">
        <h2 id="claim-heading">Claim an invoice</h2>
        <form className="row" onSubmit={onClaim}>
          <label className="grow">
            Invoice number{' '}
            <input
              type="text"
              inputMode="numeric"
              data-testid="claim-number"
              value={claimNumber}
              maxLength={20}
              onChange={(e) => setClaimNumber(e.target.value)}
              disabled={busy}
            />
          </label>
          <label className="grow">
            Into wallet id{' '}
            <input
              type="text"
              data-testid="claim-wallet"
              value={walletId}
              maxLength={64}
              spellCheck={false}
              onChange={(e) => setWalletId(e.target.value)}
              disabled={busy}
            />
          </label>
          <button type="submit" data-testid="claim-submit" disabled={busy}>
            Claim as {organisationName(member)}
          </button>
        </form>
        {claimError && (
          <p className="verdict verdict-error" role="alert" data-testid="claim-error">
            {claimError}
          </p>
        )}
        {claimed && (
          <p className="verdict verdict-ok" data-testid="claim-result">
            Claimed invoice <InvoiceLink number={claimed.number} /> (
            {formatYuan(claimed.grossMinor)}) into wallet {claimed.claimedBy?.buyerId}.
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="wallet-heading">
        <h2 id="wallet-heading">Wallet{shownWallet ? ` ${shownWallet}` : ''}</h2>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void loadWallet(walletId.trim());
          }}
        >
          <label className="grow">
            Wallet id{' '}
            <input
              type="text"
              data-testid="wallet-id"
              value={walletId}
              maxLength={64}
              spellCheck={false}
              onChange={(e) => setWalletId(e.target.value)}
            />
          </label>
          <button type="submit" data-testid="wallet-load">
            Show the wallet
          </button>
        </form>
        {walletError && (
          <p className="verdict verdict-error" role="alert">
            The wallet could not be listed: {walletError}
          </p>
        )}
        {wallet && (
          <InvoiceTable
            items={wallet}
            testId="wallet-list"
            rowTestId="wallet-row"
            action={(i) =>
              i.status === 'reimbursed' ? null : (
                <button
                  type="button"
                  data-testid="reimburse-button"
                  onClick={() => void reimburse(i.number)}
                  disabled={busy}
                >
                  Reimburse as {organisationName(member)}
                </button>
              )
            }
          />
        )}
        {wallet && wallet.length === 0 && (
          <p className="muted" data-testid="wallet-empty">
            Wallet {shownWallet} holds no invoices.
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="reimburse-heading">
        <h2 id="reimburse-heading">Reimburse an invoice</h2>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void reimburse(reimburseNumber.trim());
          }}
        >
          <label className="grow">
            Invoice number{' '}
            <input
              type="text"
              inputMode="numeric"
              data-testid="reimburse-number"
              value={reimburseNumber}
              maxLength={20}
              onChange={(e) => setReimburseNumber(e.target.value)}
              disabled={busy}
            />
          </label>
          <button type="submit" data-testid="reimburse-submit" disabled={busy}>
            Reimburse as {organisationName(member)}
          </button>
        </form>
        {reimburseError && (
          <p className="verdict verdict-mismatch" role="alert" data-testid="reimburse-error">
            {reimburseError}
          </p>
        )}
        {reimbursed && (
          <p className="verdict verdict-ok" data-testid="reimburse-result">
            {organisationName(reimbursed.reimbursedBy)} reimbursed invoice{' '}
            <InvoiceLink number={reimbursed.number} /> ({formatYuan(reimbursed.grossMinor)}).
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="ledger-heading">
        <h2 id="ledger-heading">Reimbursement ledger of {organisationName(member)}</h2>
        {ledgerError && (
          <p className="verdict verdict-error" role="alert">
            The ledger could not be listed: {ledgerError}
          </p>
        )}
        <InvoiceTable items={ledger} testId="ledger-list" rowTestId="ledger-row" />
        {ledger.length === 0 && !ledgerError && (
          <p className="muted" data-testid="ledger-empty">
            {organisationName(member)} has reimbursed no invoices.
          </p>
        )}
      </section>
    </main>
  );
}
