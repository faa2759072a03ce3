/**
 * The e-invoice service's door to the chain: the shared MemberChain with the tax bureau's
 * `bureau` member (role `tax-bureau`) and the vertical's errors.
 */
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MemberChain, type TransactionSigner, loadChainServiceConfig } from '@trellis/shared/chain';
import {
  InvoiceChainUnavailableError,
  InvoiceUnknownMemberError,
  NotTaxBureauError,
} from '../errors';

export const CONTRACT = 'invoice';

@Injectable()
export class InvoiceChain extends MemberChain implements OnModuleInit {
  readonly #logger = new Logger('InvoiceChain');

  constructor() {
    super({
      contract: CONTRACT,
      config: loadChainServiceConfig(process.env, 'TRELLIS_INVOICE_ORGS'),
      signers: ['bureau'],
      errors: {
        unavailable: (message) => new InvoiceChainUnavailableError(message),
        unknownMember: (message) => new InvoiceUnknownMemberError(message),
      },
    });
  }

  onModuleInit(): void {
    if (!this.connect())
      this.#logger.warn('TRELLIS_CHAIN_NODES is not set: the invoice routes answer 503');
  }

  /** The tax bureau's member with the `tax-bureau` role, for `org`. */
  bureauSigner(org: string): TransactionSigner {
    const signer = this.roleSigner(org, 'bureau');
    if (signer === undefined)
      throw new NotTaxBureauError(`${org} has no member with the tax-bureau role in this service`);
    return signer;
  }
}
