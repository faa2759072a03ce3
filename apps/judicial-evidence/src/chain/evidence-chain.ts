/**
 * The service's door to the chain: the members it signs for, submitting (and waiting for the
 * commit), proofs, and genesis. Built once at start-up from {@link EvidenceConfig}; without chain
 * nodes every method throws ChainUnavailableError.
 */
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  ChainClient,
  ChainError,
  ChainRequestError,
  type CommittedTransaction,
  TransactionSigner,
  privateCommitment,
} from '@trellis/shared/chain';
import { ChainUnavailableError, NotACourtError, UnknownMemberError } from '../errors';
import { type EvidenceConfig, loadEvidenceConfig } from '../evidence.config';
import { type Consortium, type OrgMember, loadConsortium } from './consortium';

export const CONTRACT = 'judicial-evidence';
/** How many blocks a transaction may wait to commit before it expires. */
const EXPIRY_BLOCKS = 2000n;

@Injectable()
export class EvidenceChain implements OnModuleInit {
  readonly config: EvidenceConfig = loadEvidenceConfig();
  #consortium: Consortium | undefined;
  #client: ChainClient | undefined;
  /** Node URLs by organisation (from each node's /v1/status), for private submissions. */
  #orgNodes: Promise<Map<string, string[]>> | undefined;
  readonly #registered = new Set<string>();
  readonly #logger = new Logger('EvidenceChain');

  onModuleInit(): void {
    if (this.config.nodes.length === 0) {
      this.#logger.warn('TRELLIS_CHAIN_NODES is not set: the evidence routes answer 503');
      return;
    }
    this.#consortium = loadConsortium(this.config.consortiumDir!, this.config.orgs);
    this.#client = new ChainClient({ nodes: this.config.nodes });
    this.#logger.log(
      `acting for ${[...this.#consortium.members.keys()].join(', ')} on ${this.#consortium.chainId}`,
    );
  }

  get enabled(): boolean {
    return this.#client !== undefined;
  }

  get consortium(): Consortium {
    if (this.#consortium === undefined) {
      throw new ChainUnavailableError('this service is not connected to a chain');
    }
    return this.#consortium;
  }

  get client(): ChainClient {
    if (this.#client === undefined) {
      throw new ChainUnavailableError('this service is not connected to a chain');
    }
    return this.#client;
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
    const signer = this.member(org).court;
    if (signer === undefined) {
      throw new NotACourtError(`${org} has no member with the court role in this service`);
    }
    return signer;
  }

  orgName(org: string): string {
    return this.consortium.orgNames.get(org) ?? org;
  }

  /**
   * Signs `method(args)` as `signer`, submits it and waits for the commit. With `privatePayload`
   * the args carry its commitment to `recipients` and the payload goes through the signer's own
   * organisation's nodes, which deliver it to the recipients' validators.
   */
  async submit(
    signer: TransactionSigner,
    method: string,
    args: Record<string, unknown>,
    privatePayload?: { readonly payload: Uint8Array; readonly recipients: readonly string[] },
  ): Promise<CommittedTransaction> {
    await this.#ensureRegistered(signer);
    const status = await this.#call(() => this.client.chainStatus());
    let fullArgs = args;
    if (privatePayload !== undefined) {
      const commitment = privateCommitment(
        this.consortium.suite,
        privatePayload.payload,
        privatePayload.recipients,
      );
      fullArgs = {
        ...args,
        private: { payloadHash: commitment.payloadHash, recipients: [...commitment.recipients] },
      };
    }
    const tx = signer.sign({
      chainId: this.consortium.chainId,
      contract: CONTRACT,
      method,
      args: fullArgs as never,
      expiryHeight: status.height + EXPIRY_BLOCKS,
    });
    const result = await this.#call(async () =>
      privatePayload === undefined
        ? this.client.submit(tx, { wait: 'commit' })
        : (await this.#orgClient(signer.org)).submitPrivate(tx, privatePayload.payload, {
            wait: 'commit',
          }),
    );
    if (result.status !== 'committed')
      throw new ChainUnavailableError('the commit was not awaited');
    return result;
  }

  /** A private payload the member's organisation received. */
  async readPrivate(org: string, txId: string): Promise<Uint8Array> {
    const member = this.member(org);
    const payload = await this.#call(async () =>
      (await this.#orgClient(org)).readPrivate(txId, member.service),
    );
    return payload.payload;
  }

  /** The transaction + receipt proof bundle (CBOR) of a committed transaction. */
  async proof(txId: string): Promise<Uint8Array> {
    const deadline = Date.now() + 15_000;
    let last = '';
    for (;;) {
      for (const node of this.config.nodes) {
        try {
          const res = await fetch(`${node}/v1/transactions/${txId}/proof`, {
            headers: { accept: 'application/cbor' },
            signal: AbortSignal.timeout(5000),
          });
          if (res.status === 200) return new Uint8Array(await res.arrayBuffer());
          last = `${node}: ${res.status} ${await res.text()}`;
        } catch (error) {
          last = `${node}: ${(error as Error).message}`;
        }
      }
      // 503 until the block that commits the receipt has its certificate: a round or two.
      if (Date.now() > deadline)
        throw new ChainUnavailableError(`no node served the proof: ${last}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The block header's hash at `height`, or null when no node answers. */
  async blockHash(height: bigint): Promise<string | null> {
    for (const node of this.config.nodes) {
      try {
        const res = await fetch(`${node}/v1/blocks/${height}`, {
          signal: AbortSignal.timeout(5000),
        });
        if (res.status === 200) {
          const body = (await res.json()) as { hash?: unknown };
          if (typeof body.hash === 'string') return body.hash;
        }
      } catch {
        // try the next node
      }
    }
    return null;
  }

  /** Certificates registered once per process: `already-registered` counts as done. */
  async #ensureRegistered(signer: TransactionSigner): Promise<void> {
    if (this.#registered.has(signer.name)) return;
    const status = await this.#call(() => this.client.chainStatus());
    const der = pemBody(signer.certificatePem);
    const tx = signer.sign({
      chainId: this.consortium.chainId,
      contract: 'system',
      method: 'registerCertificate',
      args: { certificate: der },
      expiryHeight: status.height + EXPIRY_BLOCKS,
    });
    try {
      const result = await this.client.submit(tx, { wait: 'commit' });
      if (
        result.status === 'committed' &&
        result.receipt.status === 'failed' &&
        result.receipt.error?.code !== 'already-registered'
      ) {
        throw new ChainUnavailableError(
          `registering ${signer.name}'s certificate failed: ${result.receipt.error?.code}`,
        );
      }
    } catch (error) {
      // A certificate in genesis (or registered before) is refused at admission or execution.
      if (!(error instanceof ChainRequestError && /registered/.test(error.message))) {
        if (error instanceof ChainError) throw new ChainUnavailableError(error.message);
        throw error;
      }
    }
    this.#registered.add(signer.name);
  }

  #orgClient(org: string): Promise<ChainClient> {
    this.#orgNodes ??= (async () => {
      const byOrg = new Map<string, string[]>();
      await Promise.all(
        this.config.nodes.map(async (node) => {
          try {
            const res = await fetch(`${node}/v1/status`, { signal: AbortSignal.timeout(5000) });
            const status = (await res.json()) as { org?: unknown };
            if (typeof status.org === 'string') {
              byOrg.set(status.org, [...(byOrg.get(status.org) ?? []), node]);
            }
          } catch {
            // a node down now is not listed; the next lookup after a failure tries again
          }
        }),
      );
      return byOrg;
    })();
    return this.#orgNodes.then((byOrg) => {
      const nodes = byOrg.get(org);
      if (nodes === undefined || nodes.length === 0) {
        this.#orgNodes = undefined;
        throw new ChainUnavailableError(`no node of ${org} is reachable for private data`);
      }
      return new ChainClient({ nodes });
    });
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

function pemBody(pem: string): Uint8Array {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}
