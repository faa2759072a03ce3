import type { Metadata } from 'next';
import { EvidenceDesk } from './evidence-desk';

export const metadata: Metadata = {
  title: 'Evidence deposits — Trellis',
  description: 'Deposit evidence on the chain and download its certificate.',
};

// Read per request: TRELLIS_PUBLIC_API_URL may differ between deployments of one build.
export const dynamic = 'force-dynamic';

/**
 * Uploads go through the portal's /api rewrite, which forwards at most 10 MB of a body. When
 * TRELLIS_PUBLIC_API_URL (the API as browsers reach it; the API must then allow the portal's
 * origin by CORS) is set, uploads go there directly, up to the API's own limit (2 GiB).
 */
export default function EvidencePage() {
  const direct = process.env.TRELLIS_PUBLIC_API_URL?.trim().replace(/\/+$/, '') || null;
  return <EvidenceDesk directApiUrl={direct} />;
}
