'use client';
// The buyer's and the enterprise's desk. A buyer claims an invoice by its number into the
// buyer's own wallet (the account's buyer id, its subject) and lists that wallet; an enterprise
// reimburses an invoice as its organisation and keeps a ledger. One account may have both
// roles: the desk shows the parts its roles allow. The chain reimburses an invoice once, ever,
// across all enterprises: a second attempt is refused here.
import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from 'react';
import {
  type Invoice,
  InvoiceInputError,
  errorText,
  formatTime,
  formatYuan,
  hasRole,
  invoiceApi,
  isInvoiceNumber,
  refusalReason,
} from '../../_lib/invoice-api';
import { InvoiceHeader, InvoiceLink, StatusBadges } from '../_components/shared';
import { SignInGate, type SignedIn } from '../_components/sign-in';

function InvoiceTable({
  items,
  testId,
  rowTestId,
  action,
  orgName,
}: {
  items: readonly Invoice[];
  testId: string;
  rowTestId: string;
  action?: (invoice: Invoice) => ReactNode;
  orgName: (id: string | null | undefined) => string;
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
              {i.reimbursedBy && <span className="muted"> by {orgName(i.reimbursedBy)}</span>}
            </td>
            {action && <td>{action(i)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function WalletDesk() {
  return (
    <main className="invoice-page">
      <InvoiceHeader current="wallet" title="Buyer & enterprise" />
      <SignInGate desk="buyer & enterprise desk" roles={['buyer', 'enterprise']}>
        {(signedIn) => <WalletWork signedIn={signedIn} />}
      </SignInGate>
    </main>
  );
}

function WalletWork({ signedIn: { account, orgName } }: { signedIn: SignedIn }) {
  const isBuyer = hasRole(account, 'buyer');
  const isEnterprise = hasRole(account, 'enterprise');
  const org = account.organisation;
  const [claimNumber, setClaimNumber] = useState('');
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

  const loadWallet = useCallback(async () => {
    setWalletError(null);
    try {
      setWallet((await invoiceApi<{ items: Invoice[] }>('/wallet?limit=100')).items);
    } catch (error) {
      setWalletError(errorText(error));
    }
  }, []);

  const loadLedger = useCallback(async () => {
    setLedgerError(null);
    try {
      setLedger((await invoiceApi<{ items: Invoice[] }>('/reimbursements?limit=100')).items);
    } catch (error) {
      setLedgerError(errorText(error));
    }
  }, []);

  useEffect(() => {
    if (isBuyer) void loadWallet();
    if (isEnterprise) void loadLedger();
  }, [isBuyer, isEnterprise, loadWallet, loadLedger]);

  async function onClaim(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setClaimed(null);
    setClaimError(null);
    const number = claimNumber.trim();
    try {
      if (!isInvoiceNumber(number)) {
        throw new InvoiceInputError('bad-number', 'An invoice number is 20 digits.');
      }
      setBusy(true);
      // No body: the API claims under the signed-in buyer's own id.
      const invoice = await invoiceApi<Invoice>(`/invoices/${number}/claim`, { method: 'POST' });
      setClaimed(invoice);
      setClaimNumber('');
      await loadWallet();
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
        method: 'POST',
      });
      setReimbursed(invoice);
      void loadLedger();
      if (isBuyer) void loadWallet();
    } catch (error) {
      if (refusalReason(error) === 'already-reimbursed') {
        // Say who reimbursed it: the chain's record, read back.
        let by = '';
        try {
          const current = await invoiceApi<Invoice>(`/invoices/${number}`);
          if (current.reimbursedBy) by = ` by ${orgName(current.reimbursedBy)}`;
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
    <>
      {isBuyer && (
        <>
          <section className="card" aria-labelledby="claim-heading" data-testid="buyer-part">
            <h2 id="claim-heading">Claim an invoice</h2>
            <p>
              Claims go into your wallet,{' '}
              <code data-testid="buyer-id">{account.subject ?? '(none)'}</code>: the buyer id of
              your account. An invoice can be claimed only by the buyer it was issued to.
            </p>
            {account.subject === null && (
              <p className="verdict verdict-error" role="alert" data-testid="no-buyer-id">
                {account.username} has the buyer role but no buyer id: ask the operator to set the
                account’s subject.
              </p>
            )}
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
              <button type="submit" data-testid="claim-submit" disabled={busy}>
                Claim into my wallet
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
            <div className="row spread">
              <h2 id="wallet-heading">My wallet{account.subject ? ` ${account.subject}` : ''}</h2>
              <button
                type="button"
                className="secondary"
                data-testid="wallet-refresh"
                onClick={() => void loadWallet()}
              >
                Refresh
              </button>
            </div>
            {walletError && (
              <p className="verdict verdict-error" role="alert" data-testid="wallet-error">
                The wallet could not be listed: {walletError}
              </p>
            )}
            {wallet && (
              <InvoiceTable
                items={wallet}
                testId="wallet-list"
                rowTestId="wallet-row"
                orgName={orgName}
                {...(isEnterprise
                  ? {
                      action: (i: Invoice) =>
                        i.status === 'reimbursed' ? null : (
                          <button
                            type="button"
                            data-testid="reimburse-button"
                            onClick={() => void reimburse(i.number)}
                            disabled={busy}
                          >
                            Reimburse as {orgName(org)}
                          </button>
                        ),
                    }
                  : {})}
              />
            )}
            {wallet && wallet.length === 0 && (
              <p className="muted" data-testid="wallet-empty">
                Your wallet holds no invoices.
              </p>
            )}
          </section>
        </>
      )}

      {isEnterprise && (
        <>
          <section
            className="card"
            aria-labelledby="reimburse-heading"
            data-testid="enterprise-part"
          >
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
                Reimburse as {orgName(org)}
              </button>
            </form>
            {reimburseError && (
              <p className="verdict verdict-mismatch" role="alert" data-testid="reimburse-error">
                {reimburseError}
              </p>
            )}
            {reimbursed && (
              <p className="verdict verdict-ok" data-testid="reimburse-result">
                {orgName(reimbursed.reimbursedBy)} reimbursed invoice{' '}
                <InvoiceLink number={reimbursed.number} /> ({formatYuan(reimbursed.grossMinor)}).
              </p>
            )}
          </section>

          <section className="card" aria-labelledby="ledger-heading">
            <h2 id="ledger-heading">Reimbursement ledger of {orgName(org)}</h2>
            {ledgerError && (
              <p className="verdict verdict-error" role="alert">
                The ledger could not be listed: {ledgerError}
              </p>
            )}
            <InvoiceTable
              items={ledger}
              testId="ledger-list"
              rowTestId="ledger-row"
              orgName={orgName}
            />
            {ledger.length === 0 && !ledgerError && (
              <p className="muted" data-testid="ledger-empty">
                {orgName(org)} has reimbursed no invoices.
              </p>
            )}
          </section>
        </>
      )}
    </>
  );
}
