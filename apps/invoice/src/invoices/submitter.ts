import { Injectable } from '@nestjs/common';
import type { CommittedTransaction, TransactionSigner } from '@trellis/shared/chain';
import { InvoiceChain } from '../chain/invoice-chain';
import { InvoiceRefusedError } from '../errors';
import { InvoiceProjection } from '../read-model/invoice-projection';
import { type InvoiceView, InvoiceReadModel } from '../read-model/invoice-read-model';

/** Submits, turns a refusal into a problem, waits until the read model holds the block. */
@Injectable()
export class InvoiceSubmitter {
  constructor(
    readonly chain: InvoiceChain,
    readonly projection: InvoiceProjection,
    readonly readModel: InvoiceReadModel,
  ) {}

  async run(
    signer: TransactionSigner,
    method: string,
    args: Record<string, unknown>,
  ): Promise<CommittedTransaction> {
    const committed = await this.chain.submit(signer, method, args);
    if (committed.receipt.status === 'failed') {
      const error = committed.receipt.error;
      throw new InvoiceRefusedError(error?.message ?? 'refused', {
        reason: error?.code ?? 'unknown',
      });
    }
    await this.projection.caughtUp(committed.height);
    return committed;
  }

  /** The invoice a committed transaction's event `index` names, as the read model has it. */
  async invoiceOf(committed: CommittedTransaction, index = 0): Promise<InvoiceView> {
    const number = (committed.receipt.events[index]?.data as { number?: string } | undefined)
      ?.number;
    const view = number === undefined ? undefined : await this.readModel.one(number);
    if (view === undefined)
      throw new Error(`transaction ${committed.id} committed but its invoice is not projected`);
    return view;
  }
}
