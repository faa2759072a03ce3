import type { Metadata } from 'next';
import { InvoiceHub } from './hub';

export const metadata: Metadata = {
  title: 'E-invoices — Trellis',
  description: 'Issue, claim, reimburse and supervise e-invoices on the chain.',
};

export default function InvoicesPage() {
  return <InvoiceHub />;
}
