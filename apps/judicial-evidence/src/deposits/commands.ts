import { Command, Query } from '@nestjs/cqrs';
import type { DepositView, PresentationView } from '../read-model/deposit-view';
import type { ListQuery } from '../read-model/evidence-read-model';

export interface DepositInput {
  readonly sha256: string;
  readonly sm3: string;
  readonly type: string;
  readonly title: string;
  readonly parent?: string;
  readonly corrects?: string;
  readonly metadata?: Record<string, unknown>;
  readonly metadataRecipients?: readonly string[];
}

/** Deposit evidence (by digests) as `org`; resolves once the deposit is committed and readable. */
export class DepositEvidenceCommand extends Command<DepositView> {
  constructor(
    readonly org: string,
    readonly input: DepositInput,
  ) {
    super();
  }
}

/** A court records that a deposit was presented in a case. */
export class RecordPresentationCommand extends Command<PresentationView> {
  constructor(
    readonly org: string,
    readonly depositId: string,
    readonly caseNumber: string,
  ) {
    super();
  }
}

export class GetDepositQuery extends Query<DepositView> {
  constructor(readonly id: string) {
    super();
  }
}

export class ListDepositsQuery extends Query<{ items: DepositView[]; next: string | null }> {
  constructor(readonly query: ListQuery) {
    super();
  }
}

export class EvidenceChainQuery extends Query<{ root: string; deposits: DepositView[] }> {
  constructor(readonly id: string) {
    super();
  }
}

export class FindByDigestQuery extends Query<{ matches: DepositView[] }> {
  constructor(
    readonly algorithm: 'sha256' | 'sm3',
    readonly hex: string,
  ) {
    super();
  }
}
