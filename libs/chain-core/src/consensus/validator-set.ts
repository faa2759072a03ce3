import { toHex } from '../codec';
import { ConsensusError } from './errors';

/** A replica's network identity: the hex of its validator public key. */
export type NodeId = string;

/**
 * The validators of one epoch, in index order (the index is what headers, votes and
 * signer bitmaps name). All have equal voting power: n = 3f + 1 tolerates f faults, and a
 * quorum is 2f + 1 (⌊2n/3⌋ + 1 for any n, so any two quorums share an honest validator).
 */
export class ValidatorSet {
  readonly ids: readonly NodeId[];
  /** f: the most faulty validators tolerated. */
  readonly maxFaulty: number;
  /** 2f + 1 (⌊2n/3⌋ + 1): votes or timeouts needed for a certificate. */
  readonly quorum: number;
  private readonly index: ReadonlyMap<NodeId, number>;

  constructor(
    readonly epoch: bigint,
    readonly publicKeys: readonly Uint8Array[],
  ) {
    if (publicKeys.length === 0) throw new ConsensusError('invariant', 'an epoch needs validators');
    this.ids = publicKeys.map(toHex);
    this.index = new Map(this.ids.map((id, i) => [id, i]));
    if (this.index.size !== this.ids.length) {
      throw new ConsensusError('invariant', `epoch ${epoch} lists a validator twice`);
    }
    this.maxFaulty = Math.floor((publicKeys.length - 1) / 3);
    this.quorum = Math.floor((2 * publicKeys.length) / 3) + 1;
  }

  get size(): number {
    return this.publicKeys.length;
  }

  indexOf(id: NodeId): number | undefined {
    return this.index.get(id);
  }

  publicKey(index: bigint | number): Uint8Array | undefined {
    const i = Number(index);
    return Number.isInteger(i) ? this.publicKeys[i] : undefined;
  }
}
