import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { createVerticalHealthController } from '@trellis/shared';
import { judicialEvidenceContract } from '@trellis/judicial-evidence-contract';
import { EvidenceChain } from './chain/evidence-chain';
import { DepositsHttpController } from './deposits/deposits.http.controller';
import {
  DepositEvidenceHandler,
  EvidenceChainHandler,
  FindByDigestHandler,
  GetDepositHandler,
  ListDepositsHandler,
  RecordPresentationHandler,
} from './deposits/handlers';
import { VerifyHttpController } from './deposits/verify.http.controller';
import { EvidenceProjection } from './read-model/evidence-projection';
import { EvidenceReadModel } from './read-model/evidence-read-model';
import { TimestampsHttpController } from './timestamps/timestamps.http.controller';

/** Judicial evidence: digests of evidence notarised, evidence chains, court verification. */
@Module({
  imports: [CqrsModule],
  controllers: [
    createVerticalHealthController('judicial-evidence', judicialEvidenceContract),
    DepositsHttpController,
    VerifyHttpController,
    TimestampsHttpController,
  ],
  providers: [
    EvidenceChain,
    EvidenceReadModel,
    EvidenceProjection,
    DepositEvidenceHandler,
    RecordPresentationHandler,
    GetDepositHandler,
    ListDepositsHandler,
    EvidenceChainHandler,
    FindByDigestHandler,
  ],
})
export class JudicialEvidenceModule {}
