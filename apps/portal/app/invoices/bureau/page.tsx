import type { Metadata } from 'next';
import { BureauDesk } from './bureau-desk';

export const metadata: Metadata = {
  title: 'Tax bureau — E-invoices — Trellis',
  description: 'Register merchants and supervise e-invoices: totals, anomalies, freezes.',
};

export default function BureauPage() {
  return <BureauDesk />;
}
