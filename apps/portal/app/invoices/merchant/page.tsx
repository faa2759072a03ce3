import type { Metadata } from 'next';
import { MerchantDesk } from './merchant-desk';

export const metadata: Metadata = {
  title: 'Merchant — E-invoices — Trellis',
  description: 'Issue e-invoices and credit notes on the chain.',
};

export default function MerchantPage() {
  return <MerchantDesk />;
}
