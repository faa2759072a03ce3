import type { VerticalDescriptor } from '@trellis/shared';
import { judicialEvidenceContract } from '@trellis/judicial-evidence-contract';
import { JudicialEvidenceModule } from './judicial-evidence.module';

export const judicialEvidenceVertical: VerticalDescriptor = {
  name: 'judicial-evidence',
  description:
    'Judicial evidence: digests of evidence notarised, evidence chains, court verification',
  module: JudicialEvidenceModule,
  contract: judicialEvidenceContract,
  migrations: [],
};

export { JudicialEvidenceModule };
