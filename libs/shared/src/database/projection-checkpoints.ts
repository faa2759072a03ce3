import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ProjectionCheckpoint } from './projection-checkpoint.entity';

/**
 * Checkpoints of read-model projections. Both methods run inside the caller's transaction:
 * `lock` takes the projection's row lock (SELECT … FOR UPDATE), so two projector instances
 * never apply the same block, and `save` records the new height before that transaction commits.
 */
@Injectable()
export class ProjectionCheckpoints {
  /** Locks the projection's checkpoint until the transaction ends and returns its height. */
  async lock(manager: EntityManager, name: string): Promise<bigint> {
    assertInTransaction(manager);
    await manager
      .createQueryBuilder()
      .insert()
      .into(ProjectionCheckpoint)
      .values({ name, height: -1n })
      .orIgnore()
      .execute();
    const row = await manager.findOneOrFail(ProjectionCheckpoint, {
      where: { name },
      lock: { mode: 'pessimistic_write' },
    });
    return row.height;
  }

  /** Records `height` for a projection whose row this transaction has locked. */
  async save(manager: EntityManager, name: string, height: bigint): Promise<void> {
    assertInTransaction(manager);
    await manager.update(ProjectionCheckpoint, { name }, { height });
  }

  /** The last applied height, -1 if the projection has applied nothing. */
  async height(manager: EntityManager, name: string): Promise<bigint> {
    const row = await manager.findOne(ProjectionCheckpoint, { where: { name } });
    return row?.height ?? -1n;
  }
}

function assertInTransaction(manager: EntityManager): void {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('projection checkpoints must be locked and saved inside a transaction');
  }
}
