/**
 * Projects the contract's committed events into the read models, exactly once per block
 * (ChainProjection: the rows and the checkpoint commit in one transaction). Runs while the
 * application runs; a failure (node stream lost, database down) is logged and retried.
 */
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ProjectionCheckpoints } from '@trellis/shared';
import { type ChainBlock, ChainProjection } from '@trellis/shared/chain';
import { DataSource, type EntityManager } from 'typeorm';
import { CONTRACT, EvidenceChain } from '../chain/evidence-chain';

export const PROJECTION_NAME = 'judicial-evidence.deposits';

type Data = Readonly<Record<string, unknown>>;
const text = (d: Data, k: string): string => String(d[k]);
const hexOrNull = (d: Data, k: string): string | null =>
  typeof d[k] === 'string' ? (d[k] as string) : null;

async function applyBlock(manager: EntityManager, block: ChainBlock): Promise<void> {
  for (const event of block.events) {
    const d = event.data as Data;
    if (event.type === 'evidence.deposited') {
      const recipients = Array.isArray(d['privateRecipients'])
        ? (d['privateRecipients'] as string[])
        : null;
      await manager.query(
        `INSERT INTO evidence_deposit (id, sha256, sm3, type, title, depositor, parent, corrects,
           private_hash, private_recipients, height, tx_index, block_hash, time_ms)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
        [
          text(d, 'id'),
          text(d, 'sha256'),
          text(d, 'sm3'),
          text(d, 'type'),
          text(d, 'title'),
          text(d, 'depositor'),
          hexOrNull(d, 'parent'),
          hexOrNull(d, 'corrects'),
          hexOrNull(d, 'privateHash'),
          recipients,
          block.height.toString(),
          event.txIndex,
          block.hash,
          text(d, 'timeMs'),
        ],
      );
    } else if (event.type === 'evidence.presented') {
      await manager.query(
        `INSERT INTO evidence_presentation (deposit, court, case_number, presented_by, tx_id, height, time_ms)
         VALUES ($1,$2,$3,$4,$5,$6,$7)`,
        [
          text(d, 'deposit'),
          text(d, 'court'),
          text(d, 'caseNumber'),
          text(d, 'by'),
          event.txId,
          block.height.toString(),
          text(d, 'timeMs'),
        ],
      );
    }
  }
}

@Injectable()
export class EvidenceProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #logger = new Logger('EvidenceProjection');
  #projection: ChainProjection | undefined;
  #stopping = false;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly chain: EvidenceChain,
    private readonly dataSource: DataSource,
    private readonly checkpoints: ProjectionCheckpoints,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.chain.enabled) return;
    this.#projection = new ChainProjection({
      name: PROJECTION_NAME,
      dataSource: this.dataSource,
      nodes: this.chain.config.nodes,
      filter: { contracts: [CONTRACT], types: ['evidence.deposited', 'evidence.presented'] },
      apply: applyBlock,
      checkpoints: this.checkpoints,
    });
    this.#loop = this.#runForever(this.#projection);
  }

  async #runForever(projection: ChainProjection): Promise<void> {
    let delay = 250;
    while (!this.#stopping) {
      try {
        await projection.run();
        delay = 250;
      } catch (error) {
        if (this.#stopping) return;
        this.#logger.warn(
          `projection stopped: ${(error as Error).message}; retrying in ${delay} ms`,
        );
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  /** The last height the read model holds, -1 before any. */
  height(): Promise<bigint> {
    if (this.#projection === undefined) return Promise.resolve(-1n);
    return this.#projection.height();
  }

  /** Resolves once the read model holds block `height` (a commit the caller just saw). */
  async caughtUp(height: bigint, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.height()) < height) {
      if (Date.now() > deadline) {
        throw new Error(`the read model did not reach height ${height} within ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.#stopping = true;
    await this.#projection?.stop();
    await this.#loop;
  }
}
