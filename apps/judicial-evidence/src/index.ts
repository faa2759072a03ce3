import type { VerticalDescriptor } from '@trellis/shared';
import { judicialEvidenceContract } from '@trellis/judicial-evidence-contract';
import { JudicialEvidenceModule } from './judicial-evidence.module';
import { CreateEvidenceReadModel1764000000000 } from './read-model/1764000000000-create-evidence-read-model';

export const judicialEvidenceVertical: VerticalDescriptor = {
  name: 'judicial-evidence',
  description:
    'Judicial evidence: digests of evidence notarised, evidence chains, court verification',
  module: JudicialEvidenceModule,
  contract: judicialEvidenceContract,
  migrations: [CreateEvidenceReadModel1764000000000],
};

export { JudicialEvidenceModule };
