import {
  type CborValue,
  HASH_TAGS,
  type HashFn,
  RecordSchema,
  anyValue,
  bytes,
  hash32,
  text,
  u64,
} from '../codec';
import { type ChainType, chainType } from './chain-type';
import { MAX_ARGS_BYTES, MAX_TRANSACTION_BYTES, METHOD, NAME, SIGNATURE_BYTES } from './limits';

/** Which member signed: their organisation and the SHA-256 fingerprint of their certificate's DER. */
export interface SignerRef {
  readonly org: string;
  readonly cert: Uint8Array;
}

/** What a member asks the chain to do: call `method` of `contract` with `args`. */
export interface TransactionBody {
  readonly chainId: string;
  readonly contract: string;
  readonly method: string;
  readonly args: CborValue;
  /** Chosen by the signer; with the signer it makes the id unique (replay protection). */
  readonly nonce: bigint;
  /** The last height at which the transaction may be committed. */
  readonly expiryHeight: bigint;
  readonly signer: SignerRef;
}

export interface Transaction {
  readonly body: TransactionBody;
  /** The signer's signature over the transaction id (docs/spec/encoding.md). */
  readonly signature: Uint8Array;
}

const SignerRefSchema = new RecordSchema<SignerRef>('SignerRef', { org: text(NAME), cert: hash32 });

export const TransactionBody: ChainType<TransactionBody> = chainType(
  new RecordSchema<TransactionBody>('TransactionBody', {
    chainId: text(NAME),
    contract: text(NAME),
    method: text(METHOD),
    args: anyValue(MAX_ARGS_BYTES),
    nonce: u64,
    expiryHeight: u64,
    signer: SignerRefSchema.asField(),
  }),
  { tag: HASH_TAGS.transaction, maxBytes: MAX_TRANSACTION_BYTES },
);

const TransactionSchema = new RecordSchema<Transaction>('Transaction', {
  body: TransactionBody.schema.asField(),
  signature: bytes(SIGNATURE_BYTES),
});

/**
 * A signed transaction. Its id is `taggedHash(H, "trellis/tx/v1", encode(body))`: the
 * signature is not part of it, so a re-encoded or re-signed transaction keeps its id, and
 * the id is what the signer signs.
 */
export const Transaction: ChainType<Transaction> & {
  /** The transaction id: also the message the signer signs. */
  id(hash: HashFn, tx: Transaction | TransactionBody): Uint8Array;
} = {
  ...chainType(TransactionSchema, { tag: HASH_TAGS.transaction, maxBytes: MAX_TRANSACTION_BYTES }),
  // A transaction's hash is its id: the signature is deliberately outside it.
  hash: (hash, tx) => TransactionBody.hash(hash, tx.body),
  id: (hash, tx) => TransactionBody.hash(hash, 'body' in tx ? tx.body : tx),
};
