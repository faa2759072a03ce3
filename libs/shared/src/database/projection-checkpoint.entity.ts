import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Reads and writes PostgreSQL `bigint` as JS `bigint` (the driver returns strings). */
export const bigintColumn = {
  to: (value: bigint | undefined) => (value === undefined ? undefined : value.toString()),
  from: (value: string | null) => (value === null ? null : BigInt(value)),
};

/**
 * How far a read-model projection has applied the committed chain: the last block height
 * whose events it has applied. Written in the same database transaction as the projected
 * rows, so that a crash neither loses nor repeats an event.
 */
@Entity({ name: 'projection_checkpoint' })
export class ProjectionCheckpoint {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  /** -1 before the first block (height 0) is applied. */
  @Column({ type: 'bigint', transformer: bigintColumn })
  height!: bigint;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
