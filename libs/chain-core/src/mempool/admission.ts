/**
 * Admission: untrusted bytes from a client become a transaction this validator will put in a
 * batch, or a typed refusal. The checks run cheapest first (size, decoding, chain, contract,
 * expiry, replay), so that junk never costs a certificate check or a signature verification,
 * and only then the certificate, the role and the signature.
 *
 * Each transaction's signature is verified once per node: successes are remembered (LRU) under
 * `H(id ‖ signature)`. The id commits to the whole body, signer included, and the signer's
 * certificate hash fixes the key, so the same (id, signature) always verifies the same way; a
 * client resubmitting, or a peer's batch carrying a transaction we admitted, costs nothing.
 */
import { CodecError, HASH_TAGS, type HashFn, taggedHash, toHex } from '../codec';
import type { ContractDefinition } from '../contract';
import type { SignatureSuite } from '../crypto';
import type { Member } from '../identity';
import { Batch, Transaction, TransactionBody, limits } from '../types';
import { AdmissionError, invalidArgument } from './admission-error';
import { readCertificateFields } from './certificate-fields';
import { MemberCache, type MembershipView } from './member-cache';
import { SignatureCache } from './signature-cache';
import {
  carriedCertificate,
  codecRefusal,
  decodeTransaction,
  isRegisterCertificate,
  requireChain,
  requireExpiryInWindow,
  requireMethod,
  requireRole,
} from './transaction-rules';

/** A transaction that passed admission: what the mempool holds and batches carry. */
export interface AdmittedTransaction {
  readonly tx: Transaction;
  /** `Transaction.id`: what the signer signed, and the replay-protection key. */
  readonly id: Uint8Array;
  /** The canonical encoding (exactly the bytes admitted). */
  readonly bytes: Uint8Array;
  /** `org/certHex`: the unit of per-signer fairness and bounds in the mempool. */
  readonly signerKey: string;
  /** The verified member who signed, at the membership it was admitted under. */
  readonly caller: Member;
}

export interface AdmissionOptions {
  readonly chainId: string;
  /** The chain's signature suite (genesis); member keys of another algorithm are refused. */
  readonly suite: SignatureSuite;
  readonly hash: HashFn;
  /** Every contract of the chain by name, `system` included. */
  readonly contracts: ReadonlyMap<string, ContractDefinition>;
  /** How far beyond the committed height a transaction may expire. */
  readonly maxTtlBlocks: bigint;
  /** Verified signatures remembered (default 100,000). */
  readonly signatureCacheSize?: number;
  /** Verified certificates (and their keys) remembered (default 10,000). */
  readonly memberCacheSize?: number;
}

export interface AdmissionDeps {
  /** The committed membership now (asked once per admission). */
  readonly membership: () => MembershipView;
  /** Whether a transaction with this id is committed (within the TTL window that matters). */
  readonly isCommitted: (txId: Uint8Array) => boolean;
  /** Whether the mempool holds it already (usually `mempool.has`); `Mempool.add` re-checks. */
  readonly isPending?: (txId: Uint8Array) => boolean;
}

const DEFAULT_SIGNATURE_CACHE = 100_000;
const DEFAULT_MEMBER_CACHE = 10_000;

export class Admission {
  private readonly opts: Required<AdmissionOptions>;
  private readonly deps: AdmissionDeps;
  private readonly members: MemberCache;
  private readonly signatures: SignatureCache;

  constructor(opts: AdmissionOptions, deps: AdmissionDeps) {
    this.opts = checkOptions(opts);
    this.deps = checkDeps(deps);
    this.members = new MemberCache(this.opts.memberCacheSize);
    this.signatures = new SignatureCache({
      suite: this.opts.suite,
      hash: this.opts.hash,
      signatureCacheSize: this.opts.signatureCacheSize,
      keyCacheSize: this.opts.memberCacheSize,
    });
  }

  /** Signatures actually verified since start (cache misses): at most one per transaction. */
  get signatureVerifications(): number {
    return this.signatures.verifications;
  }

  /**
   * The signature of `tx` under the certificate key `spki` (its tbs hash `tbsHex`), through the
   * same cache as admission: execution calls this, so a transaction admitted or received in a
   * peer's batch is never verified a second time on this node.
   */
  signatureValid(tx: Transaction, id: Uint8Array, tbsHex: string, spki: Uint8Array): boolean {
    try {
      this.signatures.require(tx, id, this.signatures.key(tbsHex, spki));
      return true;
    } catch (error) {
      if (error instanceof AdmissionError) return false;
      throw error;
    }
  }

  /** Certificates fully verified (`verifyMember` runs) since start. */
  get memberVerifications(): number {
    return this.members.verifications;
  }

  /**
   * Untrusted bytes from a client → an admitted transaction, or `AdmissionError`. Does not add
   * it to the mempool (the caller does, and `Mempool.add` may still answer `busy` or `replayed`).
   */
  async admit(bytes: Uint8Array): Promise<AdmittedTransaction> {
    if (!(bytes instanceof Uint8Array)) throw invalidArgument('bytes', 'expected a Uint8Array');
    const tx = decodeTransaction(bytes);
    requireChain(tx.body.chainId, this.opts.chainId, 'body.chainId');
    const definition = requireMethod(tx, this.opts.contracts);
    const view = this.deps.membership();
    requireExpiryInWindow(tx, view.height, this.opts.maxTtlBlocks);
    const id = this.idOf(bytes, tx);
    this.requireNew(id);

    const tbsHex = toHex(tx.body.signer.cert);
    const member = await this.members.member(this.signerCertificate(tx, view), tbsHex, view);
    if (member.orgId !== tx.body.signer.org) {
      throw new AdmissionError(
        'signer-mismatch',
        `the signer names organisation ${tx.body.signer.org} but the certificate is of ${member.orgId}`,
        { field: 'body.signer.org' },
      );
    }
    requireRole(tx, definition, member.roles);
    this.signatures.require(tx, id, this.signatures.key(tbsHex, member.publicKey));
    // A block may have committed it while the certificate was being checked.
    this.requireNew(id);
    return Object.freeze({
      tx,
      id,
      bytes: bytes.slice(),
      signerKey: `${tx.body.signer.org}/${tbsHex}`,
      caller: member,
    });
  }

  /**
   * The transactions of a peer validator's batch: encoding limits, chain id, no repeated id, and
   * signatures (cached, so a transaction we admitted costs nothing). Membership, roles and expiry
   * are the execution's to check, against the state the block executes on; so is a repeat of a
   * committed transaction (two validators may batch the same one: execution skips the second).
   * Returns the ids in order, or throws `AdmissionError` with `index` naming the first bad one.
   *
   * The key of a signer comes from the committed registry (or from a `registerCertificate` in
   * this same batch, or its own args): a node lagging behind the author may not know it yet and
   * answers `unknown-certificate`, which is then no proof against the batch.
   */
  async checkPeerBatch(batch: Batch): Promise<Uint8Array[]> {
    if (typeof batch !== 'object' || batch === null) {
      throw invalidArgument('batch', 'expected a Batch');
    }
    try {
      Batch.validateBasic(batch);
    } catch (error) {
      if (!(error instanceof CodecError)) throw error;
      const index = /transactions\[(\d+)\]/.exec(error.path)?.[1];
      const refusal = codecRefusal(error);
      throw index === undefined ? refusal : refusal.at(Number(index));
    }
    requireChain(batch.chainId, this.opts.chainId, 'chainId');
    const view = this.deps.membership();
    const ids: Uint8Array[] = [];
    const seen = new Set<string>();
    const carried = new Map<string, Uint8Array>();
    const pending: { index: number; tx: Transaction; id: Uint8Array; key: Uint8Array }[] = [];
    for (const [index, tx] of batch.transactions.entries()) {
      try {
        const id = this.peerTransactionId(tx);
        const idHex = toHex(id);
        if (seen.has(idHex)) {
          throw new AdmissionError('replayed', `transaction ${idHex} appears twice in the batch`);
        }
        seen.add(idHex);
        ids.push(id);
        const known = this.signatures.known(id, tx.signature);
        // A registration is always read: later transactions of the batch may need its key.
        if (!known || isRegisterCertificate(tx)) {
          const key = this.peerSigningKey(tx, view, carried);
          if (!known) pending.push({ index, tx, id, key });
        }
      } catch (error) {
        throw error instanceof AdmissionError && error.index === undefined
          ? error.at(index)
          : error;
      }
    }
    const failed = this.signatures.verifyAll(pending);
    if (failed !== undefined) {
      throw new AdmissionError(
        'bad-signature',
        `the signature does not verify under the key of certificate ${toHex(failed.tx.body.signer.cert)}`,
        { field: 'signature', index: failed.index },
      );
    }
    return ids;
  }

  /**
   * `Transaction.id` without encoding the body again: decoding is strict (deterministic CBOR
   * only), so the admitted bytes are the canonical `[body, signature]` array, and the body's
   * encoding is the bytes between the array header and the 64-byte signature (`58 40` ‖ sig).
   */
  private idOf(bytes: Uint8Array, tx: Transaction): Uint8Array {
    const end = bytes.length - 2 - tx.signature.length;
    const framed =
      bytes[0] === 0x82 && bytes[end] === 0x58 && bytes[end + 1] === tx.signature.length;
    return framed
      ? taggedHash(this.opts.hash, HASH_TAGS.transaction, bytes.subarray(1, end))
      : Transaction.id(this.opts.hash, tx);
  }

  private requireNew(id: Uint8Array): void {
    if (this.deps.isCommitted(id)) {
      throw new AdmissionError('replayed', `transaction ${toHex(id)} is already committed`);
    }
    if (this.deps.isPending?.(id) === true) {
      throw new AdmissionError('replayed', `transaction ${toHex(id)} is already in the mempool`);
    }
  }

  /**
   * The signer's certificate: the registered one, or for `system.registerCertificate` the one
   * its args carry, which must be the one `signer.cert` names.
   */
  private signerCertificate(tx: Transaction, view: MembershipView): Uint8Array {
    if (isRegisterCertificate(tx)) {
      const der = carriedCertificate(tx);
      requireCarriedIsSigner(tx, der);
      return der;
    }
    const der = view.certificate(tx.body.signer.cert);
    if (der === undefined) {
      throw new AdmissionError(
        'unknown-certificate',
        `no registered certificate has tbs hash ${toHex(tx.body.signer.cert)}`,
        { field: 'body.signer.cert' },
      );
    }
    return der;
  }

  /** The id of a batch transaction, and its size checked (one encoding serves both). */
  private peerTransactionId(tx: Transaction): Uint8Array {
    requireChain(tx.body.chainId, this.opts.chainId, 'body.chainId');
    const body = TransactionBody.encode(tx.body);
    // The signature adds its 64 bytes and a few of framing: bound it by the whole limit.
    if (body.length + tx.signature.length + 16 > limits.MAX_TRANSACTION_BYTES) {
      throw new AdmissionError(
        'oversized',
        `transaction body of ${body.length} bytes is over the ${limits.MAX_TRANSACTION_BYTES}-byte transaction limit`,
      );
    }
    return taggedHash(this.opts.hash, HASH_TAGS.transaction, body);
  }

  private peerSigningKey(
    tx: Transaction,
    view: MembershipView,
    carried: Map<string, Uint8Array>,
  ): Uint8Array {
    const tbsHex = toHex(tx.body.signer.cert);
    if (isRegisterCertificate(tx)) {
      const der = carriedCertificate(tx);
      const spki = requireCarriedIsSigner(tx, der);
      carried.set(tbsHex, spki);
      return this.signatures.key(tbsHex, spki);
    }
    const cached = this.signatures.cachedKey(tbsHex);
    if (cached !== undefined) return cached;
    const der = view.certificate(tx.body.signer.cert);
    const spki = der === undefined ? carried.get(tbsHex) : spkiOf(der);
    if (spki === undefined) {
      throw new AdmissionError(
        'unknown-certificate',
        `no registered certificate (nor one registered earlier in the batch) has tbs hash ${tbsHex}`,
        { field: 'body.signer.cert' },
      );
    }
    return this.signatures.key(tbsHex, spki);
  }
}

/** The carried certificate's SPKI, after checking that its tbs hash is `signer.cert`. */
function requireCarriedIsSigner(tx: Transaction, der: Uint8Array): Uint8Array {
  const fields = fieldsOf(der, 'body.args.certificate');
  if (toHex(fields.tbsHash) !== toHex(tx.body.signer.cert)) {
    throw new AdmissionError(
      'signer-mismatch',
      `the certificate carried has tbs hash ${toHex(fields.tbsHash)}, but the signer names ${toHex(tx.body.signer.cert)}`,
      { field: 'body.args.certificate' },
    );
  }
  return fields.spki;
}

function spkiOf(der: Uint8Array): Uint8Array {
  return fieldsOf(der, 'body.signer.cert').spki;
}

function fieldsOf(der: Uint8Array, field: string): ReturnType<typeof readCertificateFields> {
  try {
    return readCertificateFields(der);
  } catch (error) {
    throw new AdmissionError(
      'certificate-invalid',
      `not a certificate: ${(error as Error).message}`,
      { field, cause: error },
    );
  }
}

const NAME = limits.NAME;

function checkOptions(opts: AdmissionOptions): Required<AdmissionOptions> {
  if (typeof opts !== 'object' || opts === null) throw invalidArgument('opts', 'expected options');
  if (typeof opts.chainId !== 'string' || !NAME.test(opts.chainId)) {
    throw invalidArgument(
      'opts.chainId',
      `must match ${NAME}, got ${JSON.stringify(opts.chainId)}`,
    );
  }
  if (
    typeof opts.suite !== 'object' ||
    opts.suite === null ||
    typeof opts.suite.verify !== 'function'
  ) {
    throw invalidArgument('opts.suite', 'expected a SignatureSuite (getSuite)');
  }
  if (typeof opts.hash !== 'function') throw invalidArgument('opts.hash', 'expected a HashFn');
  if (!(opts.contracts instanceof Map)) {
    throw invalidArgument('opts.contracts', 'expected a Map of contract name → definition');
  }
  if (typeof opts.maxTtlBlocks !== 'bigint' || opts.maxTtlBlocks < 1n) {
    throw invalidArgument(
      'opts.maxTtlBlocks',
      `must be a bigint ≥ 1, got ${String(opts.maxTtlBlocks)}`,
    );
  }
  const size = (value: number | undefined, fallback: number, field: string): number => {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw invalidArgument(field, `must be a positive integer, got ${String(value)}`);
    }
    return value;
  };
  return {
    ...opts,
    signatureCacheSize: size(
      opts.signatureCacheSize,
      DEFAULT_SIGNATURE_CACHE,
      'opts.signatureCacheSize',
    ),
    memberCacheSize: size(opts.memberCacheSize, DEFAULT_MEMBER_CACHE, 'opts.memberCacheSize'),
  };
}

function checkDeps(deps: AdmissionDeps): AdmissionDeps {
  if (typeof deps !== 'object' || deps === null)
    throw invalidArgument('deps', 'expected dependencies');
  if (typeof deps.membership !== 'function') {
    throw invalidArgument('deps.membership', 'expected () => MembershipView');
  }
  if (typeof deps.isCommitted !== 'function') {
    throw invalidArgument('deps.isCommitted', 'expected (txId) => boolean');
  }
  if (deps.isPending !== undefined && typeof deps.isPending !== 'function') {
    throw invalidArgument('deps.isPending', 'expected (txId) => boolean');
  }
  return deps;
}
