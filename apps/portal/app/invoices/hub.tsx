'use client';
// The e-invoice hub: one entry per role (each desk asks for sign-in), and a look-up of any
// invoice by its number.
import { type FormEvent, useState } from 'react';
import { invoiceHref, isInvoiceNumber } from '../_lib/invoice-api';
import { InvoiceHeader } from './_components/shared';

const ROLES = [
  {
    href: '/invoices/merchant',
    title: 'Merchant',
    text: 'Issue an invoice for a payment, see the invoices you issued, and issue credit notes.',
  },
  {
    href: '/invoices/wallet',
    title: 'Buyer & enterprise',
    text: 'Claim an invoice into a wallet, and reimburse it as an enterprise — exactly once, ever.',
  },
  {
    href: '/invoices/bureau',
    title: 'Tax bureau',
    text: 'Register merchants, watch totals and anomalies, freeze suspicious invoices.',
  },
] as const;

export function InvoiceHub() {
  const [number, setNumber] = useState('');
  const [error, setError] = useState<string | null>(null);

  function onLookUp(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const n = number.trim();
    if (!isInvoiceNumber(n)) return setError('An invoice number is 20 digits.');
    window.location.assign(invoiceHref(n));
  }

  return (
    <main className="invoice-page">
      <InvoiceHeader current="hub" title="E-invoices" />
      <p className="lead">
        Every invoice is issued, claimed, reimbursed and credited on the consortium chain: a payment
        is invoiced once, and an invoice is reimbursed once, across all enterprises.
      </p>
      <p className="notice" data-testid="sign-in-notice">
        Each desk asks you to sign in, and acts as your account’s organisation with your account’s
        roles: merchant, buyer or enterprise, tax bureau. Looking up an invoice needs no sign-in.
      </p>
      <ul className="portals" data-testid="invoice-roles">
        {ROLES.map((r) => (
          <li key={r.href}>
            <h3>
              <a href={r.href}>{r.title}</a>
            </h3>
            <p className="purpose">{r.text}</p>
          </li>
        ))}
      </ul>
      <section className="card" aria-labelledby="lookup-heading">
        <h2 id="lookup-heading">Look up an invoice</h2>
        <form className="row" onSubmit={onLookUp}>
          <label className="grow">
            Invoice number{' '}
            <input
              type="text"
              inputMode="numeric"
              data-testid="lookup-number"
              value={number}
              maxLength={20}
              onChange={(e) => setNumber(e.target.value)}
            />
          </label>
          <button type="submit" data-testid="lookup-submit">
            Show
          </button>
        </form>
        {error && (
          <p className="verdict verdict-error" role="alert">
            {error}
          </p>
        )}
      </section>
    </main>
  );
}
