import {
  CommandHandler,
  type ICommandHandler,
  type IQueryHandler,
  QueryHandler,
} from '@nestjs/cqrs';
import { ValidationFailedError } from '@trellis/shared';
import { EvidenceChain } from '../chain/evidence-chain';
import {
  AlreadyDepositedError,
  AlreadyPresentedError,
  DepositRefusedError,
  NoSuchDepositError,
} from '../errors';
import type { DepositView, PresentationView } from '../read-model/deposit-view';
import { EvidenceProjection } from '../read-model/evidence-projection';
import { EvidenceReadModel } from '../read-model/evidence-read-model';
import {
  DepositEvidenceCommand,
  EvidenceChainQuery,
  FindByDigestQuery,
  GetDepositQuery,
  ListDepositsQuery,
  RecordPresentationCommand,
} from './commands';

const MAX_METADATA_BYTES = 64 * 1024;
const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));

/** A failed receipt as the API's problem. */
function refused(code: string | undefined, message: string | undefined): Error {
  return new DepositRefusedError(message ?? 'the contract refused the transaction', {
    reason: code ?? 'unknown',
  });
}

@CommandHandler(DepositEvidenceCommand)
export class DepositEvidenceHandler implements ICommandHandler<DepositEvidenceCommand> {
  constructor(
    private readonly chain: EvidenceChain,
    private readonly readModel: EvidenceReadModel,
    private readonly projection: EvidenceProjection,
  ) {}

  async execute({ org, input }: DepositEvidenceCommand): Promise<DepositView> {
    const member = this.chain.member(org);
    const existing = await this.readModel.byDepositorDigest(org, input.sha256);
    if (existing !== undefined) throw this.#already(existing.id);
    let privatePayload: { payload: Uint8Array; recipients: string[] } | undefined;
    if (input.metadata !== undefined) {
      const payload = new TextEncoder().encode(JSON.stringify(input.metadata));
      if (payload.length > MAX_METADATA_BYTES) {
        throw new ValidationFailedError([
          {
            field: 'metadata',
            pointer: '#/metadata',
            message: `must be at most ${MAX_METADATA_BYTES} bytes as JSON`,
          },
        ]);
      }
      const unknown = (input.metadataRecipients ?? []).filter(
        (o) => !this.chain.consortium.orgNames.has(o),
      );
      if (unknown.length > 0) {
        throw new ValidationFailedError([
          {
            field: 'metadataRecipients',
            pointer: '#/metadataRecipients',
            message: `not organisations of this chain: ${unknown.join(', ')}`,
          },
        ]);
      }
      privatePayload = { payload, recipients: [org, ...(input.metadataRecipients ?? [])] };
    }
    const args: Record<string, unknown> = {
      sha256: bytes(input.sha256),
      sm3: bytes(input.sm3),
      type: input.type,
      title: input.title,
      ...(input.parent ? { parent: bytes(input.parent) } : {}),
      ...(input.corrects ? { corrects: bytes(input.corrects) } : {}),
    };
    const committed = await this.chain.submit(member.service, 'deposit', args, privatePayload);
    if (committed.receipt.status === 'failed') {
      const error = committed.receipt.error;
      if (error?.code === 'already-deposited') {
        // Another request of this depositor won the race: name the deposit that stands.
        await this.projection.caughtUp(committed.height);
        const winner = await this.readModel.byDepositorDigest(org, input.sha256);
        throw this.#already(winner?.id);
      }
      throw refused(error?.code, error?.message);
    }
    await this.projection.caughtUp(committed.height);
    const row = await this.readModel.byId(committed.id);
    if (row === undefined) throw new Error(`deposit ${committed.id} committed but not projected`);
    return (await this.readModel.views([row]))[0]!;
  }

  #already(id: string | undefined): Error {
    return new AlreadyDepositedError('this organisation has already deposited this evidence', {
      existing: id ?? null,
    });
  }
}

@CommandHandler(RecordPresentationCommand)
export class RecordPresentationHandler implements ICommandHandler<RecordPresentationCommand> {
  constructor(
    private readonly chain: EvidenceChain,
    private readonly readModel: EvidenceReadModel,
    private readonly projection: EvidenceProjection,
  ) {}

  async execute({
    org,
    depositId,
    caseNumber,
  }: RecordPresentationCommand): Promise<PresentationView> {
    const signer = this.chain.courtSigner(org);
    if ((await this.readModel.byId(depositId)) === undefined) {
      throw new NoSuchDepositError(`no deposit ${depositId}`);
    }
    // A refusal at admission (e.g. `forbidden`) arrives as DepositRefusedError with its reason.
    const committed = await this.chain.submit(signer, 'present', {
      deposit: bytes(depositId),
      caseNumber,
    });
    if (committed.receipt.status === 'failed') {
      const error = committed.receipt.error;
      if (error?.code === 'already-presented') {
        throw new AlreadyPresentedError(error.message, { caseNumber });
      }
      throw refused(error?.code, error?.message);
    }
    await this.projection.caughtUp(committed.height);
    const view = await this.readModel.presentationOf(depositId, org, caseNumber);
    if (view === undefined) throw new Error('presentation committed but not projected');
    return view;
  }
}

@QueryHandler(GetDepositQuery)
export class GetDepositHandler implements IQueryHandler<GetDepositQuery> {
  constructor(private readonly readModel: EvidenceReadModel) {}

  async execute({ id }: GetDepositQuery): Promise<DepositView> {
    const row = await this.readModel.byId(id);
    if (row === undefined) throw new NoSuchDepositError(`no deposit ${id}`);
    return (await this.readModel.views([row]))[0]!;
  }
}

@QueryHandler(ListDepositsQuery)
export class ListDepositsHandler implements IQueryHandler<ListDepositsQuery> {
  constructor(private readonly readModel: EvidenceReadModel) {}

  async execute({
    query,
  }: ListDepositsQuery): Promise<{ items: DepositView[]; next: string | null }> {
    const page = await this.readModel.list(query);
    return { items: await this.readModel.views(page.rows), next: page.next };
  }
}

@QueryHandler(EvidenceChainQuery)
export class EvidenceChainHandler implements IQueryHandler<EvidenceChainQuery> {
  constructor(private readonly readModel: EvidenceReadModel) {}

  async execute({ id }: EvidenceChainQuery): Promise<{ root: string; deposits: DepositView[] }> {
    if ((await this.readModel.byId(id)) === undefined)
      throw new NoSuchDepositError(`no deposit ${id}`);
    const { root, rows } = await this.readModel.chainOf(id);
    return { root, deposits: await this.readModel.views(rows) };
  }
}

@QueryHandler(FindByDigestQuery)
export class FindByDigestHandler implements IQueryHandler<FindByDigestQuery> {
  constructor(private readonly readModel: EvidenceReadModel) {}

  async execute({ algorithm, hex }: FindByDigestQuery): Promise<{ matches: DepositView[] }> {
    return { matches: await this.readModel.views(await this.readModel.byDigest(algorithm, hex)) };
  }
}
