/**
 * The judicial evidence service's door to the chain: the shared ChainGateway over the
 * consortium directory's members (each organisation's service member, the court's `court`
 * member, the `documents` and `tsa` key pairs), with the vertical's errors. Without chain nodes
 * every method throws ChainUnavailableError.
 */
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  ChainError,
  ChainGateway,
  ChainRequestError,
  type CommittedTransaction,
  type Consortium,
  type KeyPairFiles,
  type OrgMember,
  type TransactionSigner,
  loadConsortium,
} from '@trellis/shared/chain';
import { ChainUnavailableError, NotACourtError, UnknownMemberError } from '../errors';
import { type EvidenceConfig, loadEvidenceConfig } from '../evidence.config';

export const CONTRACT = 'judicial-evidence';

@Injectable()
export class EvidenceChain implements OnModuleInit {
  readonly config: EvidenceConfig = loadEvidenceConfig();
  #gateway: ChainGateway | undefined;
  readonly #logger = new Logger('EvidenceChain');

  onModuleInit(): void {
    if (this.config.nodes.length === 0) {
      this.#logger.warn('TRELLIS_CHAIN_NODES is not set: the evidence routes answer 503');
      return;
    }
    const consortium = loadConsortium(this.config.consortiumDir!, {
      orgs: this.config.orgs,
      signers: ['court'],
      keyPairs: ['documents', 'tsa'],
    });
    this.#gateway = new ChainGateway(this.config.nodes, consortium);
    this.#logger.log(
      `acting for ${[...consortium.members.keys()].join(', ')} on ${consortium.chainId}`,
    );
  }

  get enabled(): boolean {
    return this.#gateway !== undefined;
  }

  get #chain(): ChainGateway {
    if (this.#gateway === undefined) {
      throw new ChainUnavailableError('this service is not connected to a chain');
    }
    return this.#gateway;
  }

  get consortium(): Consortium {
    return this.#chain.consortium;
  }

  /** The member an `X-Trellis-Member` header names. */
  member(org: string): OrgMember {
    const member = this.consortium.members.get(org);
    if (member === undefined) {
      throw new UnknownMemberError(
        `this service does not act for ${JSON.stringify(org)}; it acts for ${[...this.consortium.members.keys()].join(', ')}`,
      );
    }
    return member;
  }

  courtSigner(org: string): TransactionSigner {
    const signer = this.member(org).signers.get('court');
    if (signer === undefined) {
      throw new NotACourtError(`${org} has no member with the court role in this service`);
    }
    return signer;
  }

  /** A key pair (`documents`, `tsa`) of an organisation this service acts for, if it has one. */
  keyPair(org: string, file: 'documents' | 'tsa'): KeyPairFiles | undefined {
    return this.consortium.members.get(org)?.keyPairs.get(file);
  }

  orgName(org: string): string {
    return this.consortium.orgNames.get(org) ?? org;
  }

  submit(
    signer: TransactionSigner,
    method: string,
    args: Record<string, unknown>,
    privatePayload?: { readonly payload: Uint8Array; readonly recipients: readonly string[] },
  ): Promise<CommittedTransaction> {
    return this.#call(() => this.#chain.submit(signer, CONTRACT, method, args, privatePayload));
  }

  /** A private payload the member's organisation received. */
  readPrivate(org: string, txId: string): Promise<Uint8Array> {
    const reader = this.member(org).service;
    return this.#call(() => this.#chain.readPrivate(txId, reader));
  }

  proof(txId: string): Promise<Uint8Array> {
    return this.#call(() => this.#chain.proof(txId));
  }

  blockHash(height: bigint): Promise<string | null> {
    return this.#chain.blockHash(height);
  }

  async #call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof ChainRequestError) throw error;
      if (error instanceof ChainError) throw new ChainUnavailableError(error.message);
      throw error;
    }
  }
}
