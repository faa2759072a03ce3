import type { Metadata } from 'next';
import { EvidenceDesk } from './evidence-desk';

export const metadata: Metadata = {
  title: 'Evidence deposits — Trellis',
  description: 'Deposit evidence on the chain and download its certificate.',
};

export default function EvidencePage() {
  return <EvidenceDesk />;
}
