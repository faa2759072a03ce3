/**
 * Block 0 and epoch 0 from a genesis description (docs/spec/node.md §1). Execution is
 * deferred by one block, so the genesis state is the *result* of block 0: its header commits
 * to the empty tree, and block 1's header to the genesis state root.
 */
import { HASH_TAGS, type HashFn, taggedHash } from '../codec';
import { type EpochState, type ExecutionResult, ValidatorSet, blockHash } from '../consensus';
import { stateKey } from '../execution';
import { type GenesisMembership, genesisState } from '../governance';
import { SparseMerkleTree, merkleRoot, sparseEmptyHash } from '../merkle';
import { type ChainStore, OverlayNodeStore } from '../storage';
import type { BlockHeader } from '../types';
import type { SuiteId } from '../crypto';

export interface NodeGenesis {
  readonly chainId: string;
  readonly suite: SuiteId;
  readonly timestampMs: bigint;
  readonly membership: GenesisMembership;
  /** contract → the organisation supervising its vertical: a recipient of all its private data. */
  readonly supervisors?: Readonly<Record<string, string>>;
  /** A digest of the genesis file: a data directory belongs to exactly one genesis. */
  readonly digest: Uint8Array;
}

export const GENESIS_EPOCH = 0n;

export function genesisHeader(hash: HashFn, genesis: NodeGenesis): BlockHeader {
  return {
    chainId: genesis.chainId,
    height: 0n,
    epoch: GENESIS_EPOCH,
    round: 0n,
    parentHash: new Uint8Array(32),
    proposer: 0n,
    batchDigests: [],
    txCount: 0n,
    txRoot: merkleRoot(hash, []),
    receiptCount: 0n,
    receiptRoot: merkleRoot(hash, []),
    stateRoot: sparseEmptyHash(hash),
    timestampMs: genesis.timestampMs,
  };
}

/** The genesis state writes (full keys), the tree nodes of version 0, and block 0's result. */
export function buildGenesis(
  hash: HashFn,
  genesis: NodeGenesis,
  store: ChainStore,
): {
  header: BlockHeader;
  hash: Uint8Array;
  result: ExecutionResult;
  writes: { key: Uint8Array; value: Uint8Array }[];
  nodes: OverlayNodeStore;
  epoch: EpochState;
} {
  const writes = genesisState(genesis.membership).map(({ key, value }) => ({
    key: stateKey('system', key),
    value,
  }));
  writes.sort((a, b) => Buffer.compare(a.key, b.key));
  const nodes = new OverlayNodeStore(store.nodeStore());
  const tree = new SparseMerkleTree({ hash }, { store: nodes });
  const stateRoot = tree.applyBatch(
    0,
    writes.map((w) => ({ key: taggedHash(hash, HASH_TAGS.stateKey, w.key), value: w.value })),
  );
  const header = genesisHeader(hash, genesis);
  const headerHash = blockHash(hash, header);
  const result: ExecutionResult = {
    stateRoot,
    receiptRoot: header.receiptRoot,
    receiptCount: 0n,
    nextValidators: null,
  };
  const validators = new ValidatorSet(
    GENESIS_EPOCH,
    genesis.membership.validators.map((v) => v.publicKey),
  );
  return {
    header,
    hash: headerHash,
    result,
    writes,
    nodes,
    epoch: { validators, root: { header, hash: headerHash, result } },
  };
}
