/**
 * A small chain, built for real, and the proof bundles a node would serve for it
 * (docs/spec/proofs.md §6): fixed keys of the chosen suite, real signed QCs, a real sparse
 * state tree and real RFC 9162 trees. Deterministic (fixed keys, deterministic signatures),
 * so its bundles are also published as vectors (vectors.test.ts). Shared with the node-side
 * proof tests: `buildProofFixture(suite)` and the fixture's `bundle(…)`.
 *
 *   epoch 0 (validators k1 k2 k3 k4)          epoch 1 (validators k1 k2 k3 k5)
 *   G0 ── B1 ── B2                             B1 ── C2 ── C3 ── C4
 *   h0    h1    h2 (empty)                     root  h2    h3    h4 (both empty)
 *   r0    r1    r2                                   r1    r2    r3
 *
 * B1 runs the governance transaction that replaces k4 by k5: it ends epoch 0 and is the root
 * of epoch 1. The epoch change is [B1, B2] with a QC over B2 by epoch 0 (B2's state root is
 * B1's result, holding the new set). C2 holds transactions T0 (ok), T1 (ok, one event) and T2
 * (failed); their receipts are committed in C3. State: version h = after executing block h.
 */
import {
  BlockHeader,
  type Event,
  type HashFn,
  HASH_TAGS,
  InMemoryNodeStore,
  type KeyPair,
  MerkleTree,
  type QuorumCertificate,
  Receipt,
  SparseMerkleTree,
  type SuiteId,
  ValidatorSetRecordSchema,
  bitmapOf,
  encodeSparseProof,
  getSuite,
  sparseEmptyHash,
  stateKey,
  taggedHash,
  toHex,
  voteSigningPayload,
} from '@trellis/chain-core';
import {
  type EpochChange,
  type HeaderChain,
  PROOF_FORMAT,
  type ProofBundle,
  type ReceiptProof,
  type StateProof,
  type TransactionProof,
  encodeProofBundle,
} from '@trellis/chain-core/proofs';

export const FIXTURE_CHAIN_ID = 'trellis-proof-fixture';
const GENESIS_TIME = 1_700_000_000_000n;
const encoder = new TextEncoder();
const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** The key pair of seed `seed` (32 bytes of it: a valid secret key of every suite). */
function keyPair(suite: SuiteId, seed: number): KeyPair {
  const secretKey = new Uint8Array(32).fill(seed);
  return { secretKey, publicKey: getSuite(suite).publicKeyFromSecretKey(secretKey) };
}

/** A header with the fixture's defaults; `parentHash` links it, or zero for height 0. */
type HeaderFields = Pick<BlockHeader, 'height' | 'epoch' | 'round' | 'parentHash'> &
  Partial<BlockHeader>;

export interface ProofFixture {
  readonly suite: SuiteId;
  readonly chainId: string;
  readonly hash: HashFn;
  /** genesis.json (`trellis-genesis/v1`) as a light client reads it. */
  readonly genesisText: string;
  /** Validators of epoch 0 and of epoch 1, in consensus order. */
  readonly validators: readonly [readonly KeyPair[], readonly KeyPair[]];
  /** Keys of no validator. */
  readonly outsiders: readonly KeyPair[];
  readonly headers: {
    readonly g0: BlockHeader;
    readonly b1: BlockHeader;
    readonly b2: BlockHeader;
    readonly c2: BlockHeader;
    readonly c3: BlockHeader;
    readonly c4: BlockHeader;
  };
  /** Transaction ids of C2, in order: T0 (ok), T1 (ok, with an event), T2 (failed). */
  readonly txIds: readonly Uint8Array[];
  readonly epochChange: EpochChange;
  /** T1 with its receipt. */
  readonly transaction: TransactionProof;
  /** C2's transaction `index` (0..2), with or without its receipt. */
  transactionProof(index: number, withReceipt?: boolean): TransactionProof;
  /** The receipt of C2's transaction `index`, committed in C3. */
  receiptProof(index: number): ReceiptProof;
  /** `notes`'s `greeting` = "hello" after C3 (against C4's root). */
  readonly state: StateProof;
  /** A proof about `notes`'s `key` after C3 (against C4's root): present or absent. */
  stateProof(key: string): StateProof;
  /** A proof about `notes`'s `key` in the genesis state (against B1's root; epoch 0). */
  genesisStateProof(key: string): StateProof;
  /** The proof of epoch 0's set in the genesis state (B1's root). */
  readonly genesisSetProof: Uint8Array;
  /**
   * A state of one's own making (a fresh tree) holding `keys` as the validator set and
   * `notes`'s `greeting` = "forged": its root, and proofs of both.
   */
  forgeSet(keys: readonly KeyPair[]): {
    readonly root: Uint8Array;
    readonly setProof: Uint8Array;
    readonly noteProof: Omit<StateProof, 'chain'>;
  };
  /** A QC over `header` signed by `keys[i]` as validator `indexes[i]`. */
  qc(header: BlockHeader, keys: readonly KeyPair[], indexes: readonly number[]): QuorumCertificate;
  /** `headers` and a QC over the last, signed by the first quorum of `epoch`'s validators. */
  certify(headers: readonly BlockHeader[], epoch: 0 | 1): HeaderChain;
  /** A header with the fixture's defaults for the fields not given. */
  header(fields: HeaderFields): BlockHeader;
  blockHash(header: BlockHeader): Uint8Array;
  /** A bundle of this chain (epochs default to the epoch change when `epochs` is omitted). */
  bundle(parts: {
    readonly epochs?: readonly EpochChange[];
    readonly transaction?: TransactionProof | null;
    readonly state?: StateProof | null;
    readonly chainId?: string;
  }): Uint8Array;
  /** The bundle record itself (to tamper with before encoding). */
  bundleRecord(parts: Parameters<ProofFixture['bundle']>[0]): ProofBundle;
}

/** Builds the fixture chain for `suite` (see the file comment). */
export function buildProofFixture(suite: SuiteId): ProofFixture {
  const signing = getSuite(suite);
  const hash: HashFn = (data) => signing.hash(data);
  const chainId = FIXTURE_CHAIN_ID;
  const keys = [1, 2, 3, 4, 5].map((seed) => keyPair(suite, seed));
  const epoch0 = keys.slice(0, 4);
  const epoch1 = [keys[0]!, keys[1]!, keys[2]!, keys[4]!];
  const outsiders = [11, 12, 13, 14].map((seed) => keyPair(suite, seed));
  const sets = [epoch0, epoch1] as const;
  const blockHash = (header: BlockHeader): Uint8Array => BlockHeader.hash(hash, header);
  const emptyRoot = MerkleTree.fromLeaves(hash, []).root();

  const header = (fields: HeaderFields): BlockHeader => ({
    chainId,
    proposer: fields.round % 4n,
    batchDigests: [],
    txCount: 0n,
    txRoot: emptyRoot,
    receiptCount: 0n,
    receiptRoot: emptyRoot,
    stateRoot: sparseEmptyHash(hash),
    timestampMs: GENESIS_TIME + fields.height * 1000n,
    ...fields,
  });

  const qc = (
    target: BlockHeader,
    signers: readonly KeyPair[],
    indexes: readonly number[],
  ): QuorumCertificate => {
    const data = {
      chainId: target.chainId,
      epoch: target.epoch,
      round: target.round,
      height: target.height,
      blockHash: blockHash(target),
    };
    const payload = voteSigningPayload(hash, data);
    return {
      data,
      signers: bitmapOf([...indexes]),
      signatures: signers.map((k) => signing.sign(k.secretKey, payload)),
    };
  };
  const certify = (headers: readonly BlockHeader[], epoch: 0 | 1): HeaderChain => ({
    headers,
    qc: qc(headers[headers.length - 1]!, sets[epoch].slice(0, 3), [0, 1, 2]),
  });

  // State: version h is the state after executing block h.
  const tree = new SparseMerkleTree({ hash }, { store: new InMemoryNodeStore() });
  const treeKey = (contract: string, key: Uint8Array) =>
    taggedHash(hash, HASH_TAGS.stateKey, stateKey(contract, key));
  const setKey = treeKey('system', utf8('meta/validator-set'));
  const setRecord = (set: readonly KeyPair[]) =>
    ValidatorSetRecordSchema.encode({ keys: set.map((k) => k.publicKey) });
  const filler = Array.from({ length: 12 }, (_, i) => ({
    key: treeKey('notes', utf8(`note/${i}`)),
    value: utf8(`note number ${i}`),
  }));
  const s0 = tree.applyBatch(0, [{ key: setKey, value: setRecord(epoch0) }, ...filler]);
  const s1 = tree.applyBatch(1, [{ key: setKey, value: setRecord(epoch1) }]);
  const s2 = tree.applyBatch(2, [
    { key: treeKey('notes', utf8('greeting')), value: utf8('hello') },
    { key: treeKey('notes', utf8('note/3')), value: null },
  ]);

  // Transactions and receipts.
  const txId = (name: string) => taggedHash(hash, HASH_TAGS.transaction, utf8(name));
  const governanceTx = txId('replace validator 4 by validator 5');
  const txIds = ['T0', 'T1', 'T2'].map(txId);
  const event = (contract: string, type: string, data: Event['data']): Event => ({
    contract,
    type,
    data,
  });
  const b1Receipts: Receipt[] = [
    {
      txId: governanceTx,
      status: 'ok',
      error: null,
      events: [event('system', 'validator.replaced', { publicKey: keys[4]!.publicKey })],
      steps: 120n,
    },
  ];
  const c2Receipts: Receipt[] = [
    { txId: txIds[0]!, status: 'ok', error: null, events: [], steps: 7n },
    {
      txId: txIds[1]!,
      status: 'ok',
      error: null,
      events: [event('notes', 'note.set', { key: 'greeting', text: 'hello', length: 5n })],
      steps: 42n,
    },
    {
      txId: txIds[2]!,
      status: 'failed',
      error: { code: 'not-found', message: 'no note "missing"' },
      events: [],
      steps: 3n,
    },
  ];
  const receiptTree = (receipts: readonly Receipt[]) =>
    MerkleTree.fromLeaves(
      hash,
      receipts.map((r) => Receipt.encode(r)),
    );
  const c2ReceiptTree = receiptTree(c2Receipts);
  const c2TxTree = MerkleTree.fromLeaves(hash, txIds);

  // Blocks.
  const g0 = header({ height: 0n, epoch: 0n, round: 0n, parentHash: new Uint8Array(32) });
  const b1 = header({
    height: 1n,
    epoch: 0n,
    round: 1n,
    parentHash: blockHash(g0),
    batchDigests: [hash(utf8('batch of block 1'))],
    txCount: 1n,
    txRoot: MerkleTree.fromLeaves(hash, [governanceTx]).root(),
    stateRoot: s0,
  });
  const b2 = header({
    height: 2n,
    epoch: 0n,
    round: 2n,
    parentHash: blockHash(b1),
    receiptCount: 1n,
    receiptRoot: receiptTree(b1Receipts).root(),
    stateRoot: s1,
  });
  const c2 = header({
    height: 2n,
    epoch: 1n,
    round: 1n,
    parentHash: blockHash(b1),
    batchDigests: [hash(utf8('batch of block 2'))],
    txCount: 3n,
    txRoot: c2TxTree.root(),
    receiptCount: 1n,
    receiptRoot: receiptTree(b1Receipts).root(),
    stateRoot: s1,
  });
  const c3 = header({
    height: 3n,
    epoch: 1n,
    round: 2n,
    parentHash: blockHash(c2),
    receiptCount: 3n,
    receiptRoot: c2ReceiptTree.root(),
    stateRoot: s2,
  });
  const c4 = header({ height: 4n, epoch: 1n, round: 3n, parentHash: blockHash(c3), stateRoot: s2 });

  const epochChange: EpochChange = {
    epoch: 1n,
    validators: epoch1.map((k) => k.publicKey),
    chain: certify([b1, b2], 0),
    setProof: encodeSparseProof(tree.prove(1, setKey)),
  };
  const receiptProof = (index: number): ReceiptProof => ({
    receipt: Receipt.encode(c2Receipts[index]!),
    index: BigInt(index),
    path: c2ReceiptTree.inclusionProof(index),
    chain: certify([c3, c4], 1),
  });
  const transactionProof = (index: number, withReceipt = true): TransactionProof => ({
    txId: txIds[index]!,
    index: BigInt(index),
    path: c2TxTree.inclusionProof(index),
    chain: certify([c2, c3], 1),
    receipt: withReceipt ? receiptProof(index) : null,
  });
  const notesProof = (version: number, chain: HeaderChain, key: string): StateProof => {
    const k = treeKey('notes', utf8(key));
    const value = tree.get(version, k);
    return {
      contract: 'notes',
      key: utf8(key),
      value: value ?? null,
      proof: encodeSparseProof(tree.prove(version, k)),
      chain,
    };
  };
  const stateProof = (key: string) => notesProof(2, certify([c3, c4], 1), key);
  const genesisStateProof = (key: string) => notesProof(0, certify([g0, b1], 0), key);

  const forgeSet = (forgers: readonly KeyPair[]) => {
    const forged = new SparseMerkleTree({ hash }, { store: new InMemoryNodeStore() });
    const greeting = treeKey('notes', utf8('greeting'));
    const root = forged.applyBatch(0, [
      { key: setKey, value: setRecord(forgers) },
      { key: greeting, value: utf8('forged') },
    ]);
    return {
      root,
      setProof: encodeSparseProof(forged.prove(0, setKey)),
      noteProof: {
        contract: 'notes',
        key: utf8('greeting'),
        value: utf8('forged'),
        proof: encodeSparseProof(forged.prove(0, greeting)),
      },
    };
  };

  const genesisText = `${JSON.stringify(
    {
      format: 'trellis-genesis/v1',
      chainId,
      suite,
      timestampMs: GENESIS_TIME.toString(),
      organisations: [],
      certificates: [],
      validators: epoch0.map((k, i) => ({
        org: 'org-a',
        name: `validator-${i + 1}`,
        publicKey: toHex(k.publicKey),
        address: `127.0.0.1:${7101 + i}`,
      })),
      observers: [],
      parameters: {},
    },
    null,
    2,
  )}\n`;

  const bundleRecord = (parts: Parameters<ProofFixture['bundle']>[0]): ProofBundle => ({
    format: PROOF_FORMAT,
    chainId: parts.chainId ?? chainId,
    epochs: parts.epochs ?? [epochChange],
    transaction: parts.transaction ?? null,
    state: parts.state ?? null,
  });

  return {
    suite,
    chainId,
    hash,
    genesisText,
    validators: [epoch0, epoch1],
    outsiders,
    headers: { g0, b1, b2, c2, c3, c4 },
    txIds,
    epochChange,
    transaction: transactionProof(1),
    transactionProof,
    receiptProof,
    state: stateProof('greeting'),
    stateProof,
    genesisStateProof,
    genesisSetProof: encodeSparseProof(tree.prove(0, setKey)),
    forgeSet,
    qc,
    certify,
    header,
    blockHash,
    bundle: (parts) => encodeProofBundle(bundleRecord(parts)),
    bundleRecord,
  };
}
