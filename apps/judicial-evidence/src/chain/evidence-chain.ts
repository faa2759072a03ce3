/**
 * The judicial evidence service's door to the chain: the shared MemberChain over the
 * consortium directory (each organisation's service member, the court's `court` member, the
 * `documents` and `tsa` key pairs), with the vertical's errors. Without chain nodes every
 * chain call throws ChainUnavailableError.
 */
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MemberChain, type TransactionSigner } from '@trellis/shared/chain';
import {
  ChainUnavailableError,
  DepositRefusedError,
  NotACourtError,
  UnknownMemberError,
} from '../errors';
import { type EvidenceConfig, loadEvidenceConfig } from '../evidence.config';

export const CONTRACT = 'judicial-evidence';

@Injectable()
export class EvidenceChain extends MemberChain implements OnModuleInit {
  readonly config: EvidenceConfig;
  readonly #logger = new Logger('EvidenceChain');

  constructor() {
    const config = loadEvidenceConfig();
    super({
      contract: CONTRACT,
      config,
      signers: ['court'],
      keyPairs: ['documents', 'tsa'],
      errors: {
        unavailable: (message) => new ChainUnavailableError(message),
        unknownMember: (message) => new UnknownMemberError(message),
        refused: (code, message) => new DepositRefusedError(message, { reason: code }),
      },
    });
    this.config = config;
  }

  onModuleInit(): void {
    if (!this.connect()) {
      this.#logger.warn('TRELLIS_CHAIN_NODES is not set: the evidence routes answer 503');
      return;
    }
    this.#logger.log(
      `acting for ${[...this.consortium.members.keys()].join(', ')} on ${this.consortium.chainId}`,
    );
  }

  courtSigner(org: string): TransactionSigner {
    const signer = this.roleSigner(org, 'court');
    if (signer === undefined) {
      throw new NotACourtError(`${org} has no member with the court role in this service`);
    }
    return signer;
  }
}
