'use client';
// The tax bureau's desk: register merchants; the supervision dashboard (gross per day as a
// chart, totals per merchant, industry and region, the anomaly list); freeze and unfreeze an
// invoice. All of it is the tax bureau's: the desk asks for sign-in with the tax-bureau role.
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import {
  type Anomaly,
  type Invoice,
  InvoiceInputError,
  type Merchant,
  type TotalDimension,
  type TotalsRow,
  errorText,
  formatTime,
  formatYuan,
  invoiceApi,
  isInvoiceNumber,
  isUscc,
  totalsRows,
} from '../../_lib/invoice-api';
import { InvoiceHeader, InvoiceLink } from '../_components/shared';
import { SignInGate, type SignedIn } from '../_components/sign-in';
import { DayChart } from './day-chart';

const TABLES: readonly { by: Exclude<TotalDimension, 'day'>; title: string }[] = [
  { by: 'merchant', title: 'Per merchant' },
  { by: 'industry', title: 'Per industry' },
  { by: 'region', title: 'Per region' },
];

interface Dashboard {
  readonly totals: Readonly<Record<TotalDimension, readonly TotalsRow[]>>;
  readonly anomalies: readonly Anomaly[];
  readonly at: string;
}

function TotalsTable({
  by,
  title,
  rows,
  merchants,
}: {
  by: TotalDimension;
  title: string;
  rows: readonly TotalsRow[];
  merchants: readonly Merchant[];
}) {
  return (
    <div className="totals">
      <h3 id={`totals-${by}-heading`}>{title}</h3>
      <table
        className="deposits"
        data-testid={`totals-${by}`}
        aria-labelledby={`totals-${by}-heading`}
      >
        <thead>
          <tr>
            <th scope="col">{by[0]!.toUpperCase() + by.slice(1)}</th>
            <th scope="col" className="amount">
              Invoices
            </th>
            <th scope="col" className="amount">
              Credit notes
            </th>
            <th scope="col" className="amount">
              Net
            </th>
            <th scope="col" className="amount">
              Tax
            </th>
            <th scope="col" className="amount">
              Gross
            </th>
            <th scope="col" className="amount">
              Reimbursed
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-testid="totals-row" data-key={r.key}>
              <th scope="row">
                {by === 'merchant' ? (
                  <>
                    {merchants.find((m) => m.taxId === r.key)?.name ?? ''}
                    <br />
                    <code className="muted">{r.key}</code>
                  </>
                ) : (
                  r.key
                )}
              </th>
              <td className="amount">{r.invoices}</td>
              <td className="amount">{r.creditNotes}</td>
              <td className="amount">{formatYuan(r.netMinor)}</td>
              <td className="amount">{formatYuan(r.taxMinor)}</td>
              <td className="amount" data-testid="totals-gross">
                {formatYuan(r.grossMinor)}
              </td>
              <td className="amount">{r.reimbursed}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p className="muted">No invoices yet.</p>}
    </div>
  );
}

export function BureauDesk() {
  return (
    <main className="invoice-page">
      <InvoiceHeader current="bureau" title="Tax bureau" />
      <SignInGate desk="tax bureau desk" roles={['tax-bureau']}>
        {(signedIn) => <BureauWork signedIn={signedIn} />}
      </SignInGate>
    </main>
  );
}

function BureauWork({
  signedIn: { account, organisations, organisationsError, orgName },
}: {
  signedIn: SignedIn;
}) {
  const [merchants, setMerchants] = useState<readonly Merchant[]>([]);
  const [taxId, setTaxId] = useState('');
  const [name, setName] = useState('');
  const [industry, setIndustry] = useState('');
  const [region, setRegion] = useState('');
  const [org, setOrg] = useState('');
  const [registered, setRegistered] = useState<Merchant | null>(null);
  const [registerError, setRegisterError] = useState<string | null>(null);
  const [dashboard, setDashboard] = useState<Dashboard | null>(null);
  const [dashboardError, setDashboardError] = useState<string | null>(null);
  const [freezeNumber, setFreezeNumber] = useState('');
  const [freezeReason, setFreezeReason] = useState('');
  const [freezeResult, setFreezeResult] = useState<Invoice | null>(null);
  const [freezeError, setFreezeError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const loadMerchants = useCallback(async () => {
    try {
      setMerchants(await invoiceApi<Merchant[]>('/merchants'));
    } catch (error) {
      setRegisterError(`The merchants could not be listed: ${errorText(error)}`);
    }
  }, []);

  const loadDashboard = useCallback(async () => {
    setDashboardError(null);
    try {
      const totals = (by: TotalDimension) =>
        invoiceApi<Record<string, unknown>[]>(`/supervision/totals?by=${by}`).then((rows) =>
          totalsRows(by, rows),
        );
      const [merchant, industry, region, day, anomalies] = await Promise.all([
        totals('merchant'),
        totals('industry'),
        totals('region'),
        totals('day'),
        invoiceApi<Anomaly[]>('/supervision/anomalies'),
      ]);
      setDashboard({
        totals: { merchant, industry, region, day },
        anomalies,
        at: new Date().toISOString(),
      });
    } catch (error) {
      setDashboardError(errorText(error));
    }
  }, []);

  useEffect(() => {
    void loadMerchants();
    void loadDashboard();
  }, [loadMerchants, loadDashboard]);

  async function onRegister(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setRegistered(null);
    setRegisterError(null);
    const code = taxId.trim().toUpperCase();
    try {
      if (!isUscc(code)) {
        throw new InvoiceInputError(
          'bad-tax-id',
          'The tax id must be a unified social credit code: 18 characters with a valid check character',
        );
      }
      if (!name.trim() || !industry.trim()) {
        throw new InvoiceInputError('missing-field', 'Give the merchant’s name and industry.');
      }
      if (!organisations.some((o) => o.id === org)) {
        throw new InvoiceInputError(
          'no-organisation',
          'Choose the organisation that issues invoices for this merchant.',
        );
      }
      if (!/^[1-8]\d{5}$/.test(region.trim())) {
        throw new InvoiceInputError(
          'bad-region',
          'The region is a 6-digit administrative division code (GB/T 2260), e.g. 440305',
        );
      }
      setBusy(true);
      const merchant = await invoiceApi<Merchant>('/merchants', {
        body: {
          taxId: code,
          name: name.trim(),
          industry: industry.trim(),
          region: region.trim(),
          org,
        },
      });
      setRegistered(merchant);
      setTaxId('');
      setName('');
      await loadMerchants();
    } catch (error) {
      setRegisterError(errorText(error));
    } finally {
      setBusy(false);
    }
  }

  async function onFreeze(action: 'freeze' | 'unfreeze') {
    setFreezeResult(null);
    setFreezeError(null);
    const number = freezeNumber.trim();
    try {
      if (!isInvoiceNumber(number)) {
        throw new InvoiceInputError('bad-number', 'An invoice number is 20 digits.');
      }
      if (!freezeReason.trim()) throw new InvoiceInputError('no-reason', 'Give the reason.');
      setBusy(true);
      const invoice = await invoiceApi<Invoice>(`/invoices/${number}/${action}`, {
        body: { reason: freezeReason.trim() },
      });
      setFreezeResult(invoice);
      void loadDashboard();
    } catch (error) {
      setFreezeError(errorText(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <section className="card" aria-labelledby="dashboard-heading" data-testid="dashboard">
        <div className="row spread">
          <h2 id="dashboard-heading">Supervision dashboard</h2>
          <button
            type="button"
            className="secondary"
            data-testid="dashboard-refresh"
            onClick={() => void loadDashboard()}
          >
            Refresh
          </button>
        </div>
        {dashboardError && (
          <p className="verdict verdict-error" role="alert" data-testid="dashboard-error">
            The dashboard could not be loaded: {dashboardError}
          </p>
        )}
        {dashboard && (
          <>
            <p className="muted" data-testid="dashboard-time">
              As of {formatTime(dashboard.at)}.
            </p>
            <h3>Gross invoiced over time</h3>
            <DayChart rows={dashboard.totals.day} />
            {TABLES.map((t) => (
              <TotalsTable
                key={t.by}
                by={t.by}
                title={t.title}
                rows={dashboard.totals[t.by]}
                merchants={merchants}
              />
            ))}
            <h3 id="anomalies-heading">Anomalies</h3>
            <table className="deposits" data-testid="anomalies" aria-labelledby="anomalies-heading">
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Invoice</th>
                  <th scope="col">Merchant</th>
                  <th scope="col">Detail</th>
                  <th scope="col">When</th>
                </tr>
              </thead>
              <tbody>
                {dashboard.anomalies.map((a, i) => (
                  <tr
                    key={`${a.kind}-${a.number}-${i}`}
                    data-testid="anomaly-row"
                    data-kind={a.kind}
                    data-number={a.number}
                  >
                    <td>
                      <strong>{a.kind}</strong>
                    </td>
                    <td>
                      <InvoiceLink number={a.number} />
                    </td>
                    <td>
                      <code>{a.merchantTaxId ?? '—'}</code>
                    </td>
                    <td>{a.detail ?? ''}</td>
                    <td>
                      {formatTime(a.time)}
                      {a.height !== null && <span className="muted">, block {a.height}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {dashboard.anomalies.length === 0 && (
              <p className="muted" data-testid="no-anomalies">
                No anomalies.
              </p>
            )}
          </>
        )}
      </section>

      <section className="card" aria-labelledby="freeze-heading">
        <h2 id="freeze-heading">Freeze or unfreeze an invoice</h2>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void onFreeze('freeze');
          }}
        >
          <label className="grow">
            Invoice number{' '}
            <input
              type="text"
              inputMode="numeric"
              data-testid="freeze-number"
              value={freezeNumber}
              maxLength={20}
              onChange={(e) => setFreezeNumber(e.target.value)}
              disabled={busy}
            />
          </label>
          <label className="grow">
            Reason{' '}
            <input
              type="text"
              data-testid="freeze-reason"
              value={freezeReason}
              maxLength={200}
              onChange={(e) => setFreezeReason(e.target.value)}
              disabled={busy}
            />
          </label>
          <button type="submit" data-testid="freeze-submit" disabled={busy}>
            Freeze
          </button>
          <button
            type="button"
            className="secondary"
            data-testid="unfreeze-submit"
            onClick={() => void onFreeze('unfreeze')}
            disabled={busy}
          >
            Unfreeze
          </button>
        </form>
        {freezeError && (
          <p className="verdict verdict-error" role="alert" data-testid="freeze-error">
            {freezeError}
          </p>
        )}
        {freezeResult && (
          <p className="verdict verdict-ok" data-testid="freeze-result">
            Invoice <InvoiceLink number={freezeResult.number} /> is now{' '}
            {freezeResult.frozen ? 'frozen' : 'no longer frozen'} (status {freezeResult.status}).
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="register-heading">
        <h2 id="register-heading">Register a merchant</h2>
        {organisationsError && (
          <p className="verdict verdict-error" role="alert" data-testid="organisations-error">
            The consortium’s organisations could not be loaded: {organisationsError}
          </p>
        )}
        <form className="stack" onSubmit={onRegister}>
          <div className="row">
            <label className="grow">
              Tax id (unified social credit code){' '}
              <input
                type="text"
                data-testid="merchant-tax-id"
                value={taxId}
                maxLength={18}
                spellCheck={false}
                onChange={(e) => setTaxId(e.target.value)}
                disabled={busy}
              />
            </label>
            <label className="grow">
              Name{' '}
              <input
                type="text"
                data-testid="merchant-name"
                value={name}
                maxLength={100}
                onChange={(e) => setName(e.target.value)}
                disabled={busy}
              />
            </label>
          </div>
          <div className="row">
            <label className="grow">
              Industry{' '}
              <input
                type="text"
                data-testid="merchant-industry"
                value={industry}
                maxLength={64}
                placeholder="retail"
                onChange={(e) => setIndustry(e.target.value)}
                disabled={busy}
              />
            </label>
            <label className="grow">
              Region (division code){' '}
              <input
                type="text"
                inputMode="numeric"
                data-testid="merchant-region"
                value={region}
                maxLength={6}
                placeholder="440305"
                onChange={(e) => setRegion(e.target.value)}
                disabled={busy}
              />
            </label>
            <label className="grow">
              Issuing organisation{' '}
              <select
                data-testid="merchant-org"
                value={org}
                onChange={(e) => setOrg(e.target.value)}
                disabled={busy}
              >
                <option value="" disabled>
                  Choose…
                </option>
                {organisations.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name} ({o.id})
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div className="row">
            <button type="submit" data-testid="merchant-submit" disabled={busy}>
              Register as {orgName(account.organisation)}
            </button>
          </div>
        </form>
        {registerError && (
          <p className="verdict verdict-error" role="alert" data-testid="merchant-error">
            {registerError}
          </p>
        )}
        {registered && (
          <p className="verdict verdict-ok" data-testid="merchant-result">
            Registered {registered.name} ({registered.taxId}), issued for by{' '}
            {orgName(registered.org)}.
          </p>
        )}
        <table className="deposits" data-testid="merchants-list">
          <thead>
            <tr>
              <th scope="col">Merchant</th>
              <th scope="col">Tax id</th>
              <th scope="col">Industry</th>
              <th scope="col">Region</th>
              <th scope="col">Issued by</th>
            </tr>
          </thead>
          <tbody>
            {merchants.map((m) => (
              <tr key={m.taxId} data-testid="merchant-row" data-tax-id={m.taxId}>
                <td>{m.name}</td>
                <td>
                  <code>{m.taxId}</code>
                </td>
                <td>{m.industry}</td>
                <td>{m.region}</td>
                <td>{orgName(m.org)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
