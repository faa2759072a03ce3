import type { Metadata } from 'next';
import { InvoiceDetailView } from './invoice-detail';

export const metadata: Metadata = {
  title: 'Invoice — E-invoices — Trellis',
  description: 'An e-invoice, its lines, its chain status and its history.',
};

export default async function InvoicePage({ params }: { params: Promise<{ number: string }> }) {
  const { number } = await params;
  let decoded = number;
  try {
    decoded = decodeURIComponent(number);
  } catch {
    // a malformed escape: shown as typed, and refused as not 20 digits
  }
  return <InvoiceDetailView number={decoded} />;
}
