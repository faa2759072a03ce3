import { Module } from '@nestjs/common';
import { createVerticalHealthController } from '@trellis/shared';
import { judicialEvidenceContract } from '@trellis/judicial-evidence-contract';

/** Judicial evidence: digests of evidence notarised, evidence chains, court verification. */
@Module({
  controllers: [createVerticalHealthController('judicial-evidence', judicialEvidenceContract)],
})
export class JudicialEvidenceModule {}
