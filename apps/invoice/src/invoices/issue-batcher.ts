/**
 * Group commit of invoice issues. Requests of one merchant organisation that arrive while that
 * organisation already has ISSUE_PIPELINE transactions on their way to a commit wait and leave
 * together, as one `issueBatch` transaction of up to MAX_BATCH invoices: the chain then commits
 * a few large transactions instead of many small ones (ADR 0016 amendment). A lone request goes
 * at once, as a plain `issue`.
 *
 * Each caller still gets its own outcome: a batch is all or nothing on chain, and when the
 * contract refuses one (naming one invoice), every invoice of it is submitted again on its own,
 * so that each is issued or refused for its own reason.
 */
import { Injectable, Logger } from '@nestjs/common';
import type { CommittedTransaction, TransactionSigner } from '@trellis/shared/chain';
import { MAX_BATCH } from '@trellis/invoice-contract';
import { InvoiceRefusedError } from '../errors';
import { InvoiceSubmitter } from './submitter';

/** Transactions of one organisation on their way to a commit before requests start to wait. */
export const ISSUE_PIPELINE = 4;
/** A conservative bound of the args' size (their JSON, longer than their CBOR): 64 KiB on chain. */
export const MAX_ARGS_JSON = 48 * 1024;

export interface Issued {
  readonly committed: CommittedTransaction;
  /** Which of the transaction's `invoice.issued` events is this invoice's. */
  readonly index: number;
}

interface Waiting {
  readonly args: Record<string, unknown>;
  readonly size: number;
  readonly resolve: (issued: Issued) => void;
  readonly reject: (error: unknown) => void;
}

interface Lane {
  readonly signer: TransactionSigner;
  inFlight: number;
  waiting: Waiting[];
}

export const jsonSize = (args: Record<string, unknown>) =>
  JSON.stringify(args, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)).length;

@Injectable()
export class IssueBatcher {
  readonly #logger = new Logger('IssueBatcher');
  readonly #lanes = new Map<string, Lane>();
  /** Transactions sent and invoices in them, since start (for the benchmark's report). */
  readonly stats = { transactions: 0, invoices: 0, retriedAlone: 0 };

  constructor(private readonly s: InvoiceSubmitter) {}

  /** Issues `args` for `org`, alone or with others; rejects with the contract's refusal. */
  issue(org: string, signer: TransactionSigner, args: Record<string, unknown>): Promise<Issued> {
    let lane = this.#lanes.get(org);
    if (lane === undefined || lane.signer !== signer) {
      lane = { signer, inFlight: 0, waiting: [] };
      this.#lanes.set(org, lane);
    }
    const target = lane;
    return new Promise<Issued>((resolve, reject) => {
      target.waiting.push({ args, size: jsonSize(args), resolve, reject });
      this.#pump(target);
    });
  }

  #pump(lane: Lane): void {
    while (lane.waiting.length > 0 && lane.inFlight < ISSUE_PIPELINE) {
      const batch: Waiting[] = [];
      let size = 0;
      while (
        lane.waiting.length > 0 &&
        batch.length < MAX_BATCH &&
        (batch.length === 0 || size + lane.waiting[0]!.size <= MAX_ARGS_JSON)
      ) {
        const next = lane.waiting.shift()!;
        size += next.size;
        batch.push(next);
      }
      lane.inFlight += 1;
      void this.#send(lane.signer, batch).finally(() => {
        lane.inFlight -= 1;
        this.#pump(lane);
      });
    }
  }

  async #send(signer: TransactionSigner, batch: readonly Waiting[]): Promise<void> {
    this.stats.transactions += 1;
    this.stats.invoices += batch.length;
    if (batch.length === 1) {
      const [only] = batch;
      try {
        only!.resolve({ committed: await this.s.run(signer, 'issue', only!.args), index: 0 });
      } catch (error) {
        only!.reject(error);
      }
      return;
    }
    try {
      const committed = await this.s.run(signer, 'issueBatch', {
        invoices: batch.map((w) => w.args),
      });
      batch.forEach((w, index) => w.resolve({ committed, index }));
    } catch (error) {
      if (!(error instanceof InvoiceRefusedError)) {
        for (const w of batch) w.reject(error);
        return;
      }
      // One invoice spoiled the batch: each on its own, for its own outcome.
      this.#logger.log(
        `a batch of ${batch.length} was refused (${String(error.extensions['reason'])}: ${error.message}); each is sent alone`,
      );
      this.stats.retriedAlone += batch.length;
      await Promise.all(
        batch.map(async (w) => {
          try {
            w.resolve({ committed: await this.s.run(signer, 'issue', w.args), index: 0 });
          } catch (e) {
            w.reject(e);
          }
        }),
      );
    }
  }
}
