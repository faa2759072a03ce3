import type { Metadata } from 'next';
import { WalletDesk } from './wallet-desk';

export const metadata: Metadata = {
  title: 'Buyer & enterprise — E-invoices — Trellis',
  description: 'Claim e-invoices into a wallet and reimburse them exactly once.',
};

export default function WalletPage() {
  return <WalletDesk />;
}
