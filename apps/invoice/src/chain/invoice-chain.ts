/**
 * The e-invoice service's door to the chain: the shared MemberChain with the tax bureau's
 * `bureau` member (role `tax-bureau`), payment processors' `payments` members (role
 * `payments`) and the vertical's errors.
 */
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MemberChain, type TransactionSigner, loadChainServiceConfig } from '@trellis/shared/chain';
import {
  InvoiceChainUnavailableError,
  InvoiceRefusedError,
  InvoiceUnknownMemberError,
  NotPaymentProcessorError,
  NotTaxBureauError,
} from '../errors';

export const CONTRACT = 'invoice';

/** TRELLIS_PORTAL_URL (default the local portal), checked: an http(s) URL. */
function portalUrlOf(value: string | undefined): string {
  const url = value || 'http://127.0.0.1:3001';
  if (!/^https?:\/\/[^\s]+$/.test(url) || !URL.canParse(url)) {
    throw new Error('invalid configuration: TRELLIS_PORTAL_URL must be an http(s) URL');
  }
  return url.replace(/\/+$/, '');
}

@Injectable()
export class InvoiceChain extends MemberChain implements OnModuleInit {
  readonly #logger = new Logger('InvoiceChain');
  /** The portal's base URL: invoice PDFs' QR codes open its invoice page. */
  readonly portalUrl = portalUrlOf(process.env['TRELLIS_PORTAL_URL']);

  constructor() {
    super({
      contract: CONTRACT,
      config: loadChainServiceConfig(process.env, 'TRELLIS_INVOICE_ORGS'),
      signers: ['bureau', 'payments'],
      keyPairs: ['documents'],
      errors: {
        unavailable: (message) => new InvoiceChainUnavailableError(message),
        unknownMember: (message) => new InvoiceUnknownMemberError(message),
        refused: (code, message) => new InvoiceRefusedError(message, { reason: code }),
      },
    });
  }

  onModuleInit(): void {
    if (!this.connect())
      this.#logger.warn('TRELLIS_CHAIN_NODES is not set: the invoice routes answer 503');
  }

  /** `org`'s payment processor member (role `payments`, file `orgs/<org>/payments.*`). */
  paymentsSigner(org: string): TransactionSigner {
    const signer = this.roleSigner(org, 'payments');
    if (signer === undefined)
      throw new NotPaymentProcessorError(
        `${org} has no member with the payments role in this service`,
      );
    return signer;
  }

  /** The tax bureau's member with the `tax-bureau` role, for `org`. */
  bureauSigner(org: string): TransactionSigner {
    const signer = this.roleSigner(org, 'bureau');
    if (signer === undefined)
      throw new NotTaxBureauError(`${org} has no member with the tax-bureau role in this service`);
    return signer;
  }
}
