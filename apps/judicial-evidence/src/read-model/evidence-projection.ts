/**
 * Projects the contract's committed events into the read models, exactly once per block
 * (ChainProjection: the rows and the checkpoint commit in one transaction). Runs while the
 * application runs; a failure (node stream lost, database down) is logged and retried.
 */
import { Injectable } from '@nestjs/common';
import { ProjectionCheckpoints, ReadModelProjection } from '@trellis/shared';
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
export class EvidenceProjection extends ReadModelProjection {
  constructor(
    private readonly chain: EvidenceChain,
    private readonly dataSource: DataSource,
    private readonly checkpoints: ProjectionCheckpoints,
  ) {
    super();
  }

  protected createProjection(): ChainProjection | undefined {
    if (!this.chain.enabled) return undefined;
    return new ChainProjection({
      name: PROJECTION_NAME,
      dataSource: this.dataSource,
      nodes: this.chain.config.nodes,
      filter: { contracts: [CONTRACT], types: ['evidence.deposited', 'evidence.presented'] },
      apply: applyBlock,
      checkpoints: this.checkpoints,
    });
  }
}
