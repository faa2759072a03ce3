/**
 * A service's door to the chain for the members it acts for: sign and submit (waiting for the
 * commit), with the member's certificate registered on first use and private payloads sent
 * through the signer's own organisation's nodes; proofs and block hashes with failover.
 * Failures of the nodes surface as ChainError `unavailable` (or the node's ChainRequestError).
 */
import { pemToDer } from './certificate';
import { ChainClient } from './chain-client';
import { ChainError, ChainRequestError } from './errors';
import type { CommittedTransaction } from './responses';
import type { TransactionSigner } from './signer';
import type { Consortium } from './consortium-files';
import { privateCommitment } from '@trellis/chain-core';

/** How many blocks a transaction may wait to commit before it expires. */
const EXPIRY_BLOCKS = 2000n;

function unavailable(message: string): ChainError<'unavailable'> {
  return new ChainError(
    'unavailable',
    { attempts: 1, lastError: message, errors: [message] },
    `chain: ${message}`,
  );
}

export class ChainGateway {
  readonly client: ChainClient;
  /** Node URLs by organisation (from each node's /v1/status), for private submissions. */
  #orgNodes: Promise<Map<string, string[]>> | undefined;
  /** Signers whose certificate is registered, with when this process saw it commit. */
  readonly #registered = new Map<string, number>();
  /** The chain's height as last asked, for expiry heights: asked at most once a second. */
  #height: { value: bigint; at: number } | undefined;

  constructor(
    readonly nodes: readonly string[],
    readonly consortium: Consortium,
  ) {
    this.client = new ChainClient({ nodes });
  }

  /**
   * Signs `contract.method(args)` as `signer`, submits it and waits for the commit (a failed
   * receipt is a commit too: check `receipt.status`). With `privatePayload` the args carry its
   * commitment to `recipients` and the payload goes through the signer's organisation's nodes.
   */
  async submit(
    signer: TransactionSigner,
    contract: string,
    method: string,
    args: Record<string, unknown>,
    privatePayload?: { readonly payload: Uint8Array; readonly recipients: readonly string[] },
  ): Promise<CommittedTransaction> {
    await this.#ensureRegistered(signer);
    const height = await this.#recentHeight();
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
      contract,
      method,
      args: fullArgs as never,
      // A height up to a second old moves the expiry by a few blocks out of 2,000.
      expiryHeight: height + EXPIRY_BLOCKS,
    });
    const send = async () =>
      privatePayload === undefined
        ? this.client.submit(tx, { wait: 'commit' })
        : (await this.#orgClient(signer.org)).submitPrivate(tx, privatePayload.payload, {
            wait: 'commit',
          });
    let result;
    for (let attempt = 0; ; attempt++) {
      try {
        result = await send();
        break;
      } catch (error) {
        // A certificate registered a moment ago is committed, but the node asked may not have
        // executed that block yet: it answers unknown-certificate for a round or two.
        const registeredAt = this.#registered.get(signer.name) ?? 0;
        if (
          error instanceof ChainRequestError &&
          error.code === 'unknown-certificate' &&
          Date.now() - registeredAt < 10_000 &&
          attempt < 40
        ) {
          await new Promise((r) => setTimeout(r, 250));
          continue;
        }
        throw error;
      }
    }
    if (result.status !== 'committed') throw unavailable('the commit was not awaited');
    return result;
  }

  async #recentHeight(): Promise<bigint> {
    if (this.#height === undefined || Date.now() - this.#height.at > 1000) {
      this.#height = { value: (await this.client.chainStatus()).height, at: Date.now() };
    }
    return this.#height.value;
  }

  /** A private payload `reader`'s organisation received. */
  async readPrivate(txId: string, reader: TransactionSigner): Promise<Uint8Array> {
    return (await (await this.#orgClient(reader.org)).readPrivate(txId, reader)).payload;
  }

  /** The transaction + receipt proof bundle (CBOR) of a committed transaction. */
  proof(txId: string, timeoutMs = 15_000): Promise<Uint8Array> {
    return this.#bundle(`/v1/transactions/${txId}/proof`, timeoutMs);
  }

  /** The state proof bundle (CBOR) of `contract`'s key (the value, or its absence, now). */
  stateProof(contract: string, key: Uint8Array, timeoutMs = 15_000): Promise<Uint8Array> {
    return this.#bundle(`/v1/state/${contract}/${Buffer.from(key).toString('hex')}`, timeoutMs);
  }

  async #bundle(path: string, timeoutMs: number): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      for (const node of this.nodes) {
        try {
          const res = await fetch(`${node}${path}`, {
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
      if (Date.now() > deadline) throw unavailable(`no node served the proof: ${last}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The hash of the committed block at `height`, or null when no node answers. */
  async blockHash(height: bigint): Promise<string | null> {
    for (const node of this.nodes) {
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
    const status = await this.client.chainStatus();
    const tx = signer.sign({
      chainId: this.consortium.chainId,
      contract: 'system',
      method: 'registerCertificate',
      args: { certificate: pemToDer(signer.certificatePem) },
      expiryHeight: status.height + EXPIRY_BLOCKS,
    });
    try {
      const result = await this.client.submit(tx, { wait: 'commit' });
      if (
        result.status === 'committed' &&
        result.receipt.status === 'failed' &&
        result.receipt.error?.code !== 'already-registered'
      ) {
        throw unavailable(
          `registering ${signer.name}'s certificate failed: ${result.receipt.error?.code}`,
        );
      }
    } catch (error) {
      // A certificate in genesis (or registered before) may be refused at admission.
      if (!(error instanceof ChainRequestError && /registered/.test(error.message))) throw error;
    }
    this.#registered.set(signer.name, Date.now());
  }

  #orgClient(org: string): Promise<ChainClient> {
    this.#orgNodes ??= (async () => {
      const byOrg = new Map<string, string[]>();
      await Promise.all(
        this.nodes.map(async (node) => {
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
        throw unavailable(`no node of ${org} is reachable for private data`);
      }
      return new ChainClient({ nodes });
    });
  }
}
