/**
 * Building and signing transactions (docs/spec/encoding.md). A member signs the transaction id
 * with the key of its registered certificate; `signer.cert` names that certificate by the
 * SHA-256 of its tbsCertificate. A retry must send the same signed bytes again (same id): never
 * sign a second time for the same intent.
 */
import {
  type CborValue,
  type Organisation,
  type SignatureSuite,
  Transaction,
  type TransactionBody,
  fromHex,
  verifyMember,
} from '@trellis/chain-core';
import { randomBytes } from 'node:crypto';

export interface MemberKey {
  readonly org: string;
  /** SHA-256 of the certificate's tbsCertificate. */
  readonly certificate: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** A member's signing identity from its certificate (verified against the organisations). */
export async function memberKey(
  certificatePem: string,
  secretKey: Uint8Array,
  orgs: readonly Organisation[],
  at: Date = new Date(),
): Promise<MemberKey> {
  const member = await verifyMember(certificatePem, {
    orgs,
    at,
    isRevoked: () => false,
  });
  return { org: member.orgId, certificate: fromHex(member.tbsHash), secretKey };
}

export interface TransactionRequest {
  readonly chainId: string;
  readonly contract: string;
  readonly method: string;
  readonly args: CborValue;
  /** The last height it may commit at. */
  readonly expiryHeight: bigint;
  /** Random when absent: a retry must reuse the bytes, not call this again. */
  readonly nonce?: bigint;
}

/** A signed transaction: the bytes to submit, its id (what was signed) and the decoded form. */
export interface SignedTransaction {
  readonly bytes: Uint8Array;
  readonly id: Uint8Array;
  readonly tx: Transaction;
}

export function signTransaction(
  suite: SignatureSuite,
  key: MemberKey,
  request: TransactionRequest,
): SignedTransaction {
  const body: TransactionBody = {
    chainId: request.chainId,
    contract: request.contract,
    method: request.method,
    args: request.args,
    nonce: request.nonce ?? randomBytes(8).readBigUInt64BE(),
    expiryHeight: request.expiryHeight,
    signer: { org: key.org, cert: key.certificate },
  };
  const id = Transaction.id((data) => suite.hash(data), body);
  const tx: Transaction = { body, signature: suite.sign(key.secretKey, id) };
  return { bytes: Transaction.encode(tx), id, tx };
}
