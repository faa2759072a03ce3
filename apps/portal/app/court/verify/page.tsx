import type { Metadata } from 'next';
import { CourtVerify } from './court-verify';

export const metadata: Metadata = {
  title: 'Court verification — Trellis',
  description: 'Verify a piece of evidence against the chain, in your browser.',
};

// `?deposit=<id>` (the certificate's QR link) is read per request.
export const dynamic = 'force-dynamic';

export default async function CourtVerifyPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { deposit } = await searchParams;
  return (
    <CourtVerify depositId={typeof deposit === 'string' ? deposit.trim().toLowerCase() : null} />
  );
}
