/**
 * What a vertical service needs of the chain, configured from the environment:
 *
 * - `TRELLIS_CHAIN_NODES`: node API base URLs (comma-separated); unset, the service runs
 *   without the chain and every chain call throws the vertical's "unavailable" error;
 * - `TRELLIS_CONSORTIUM_DIR`: the consortium directory (required with nodes);
 * - `TRELLIS_SERVICE_ORGS` (or the vertical's legacy name): the organisations to act for
 *   (default: every one with `service.key` in the directory).
 *
 * A vertical subclasses it (a Nest provider) and names its contract, the role members and key
 * pairs it uses, and its own errors for "no chain" and "not a member of this service".
 */
import { z } from 'zod';
import { ChainGateway } from './chain-gateway';
import {
  type Consortium,
  type KeyPairFiles,
  type OrgMember,
  loadConsortium,
} from './consortium-files';
import { ChainError, ChainRequestError } from './errors';
import type { CommittedTransaction } from './responses';
import type { TransactionSigner } from './signer';

const ORG = /^[a-z][a-z0-9-]{1,62}$/;
const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
  .transform((u) => u.replace(/\/+$/, ''));
const list = (v: string | undefined) =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

export interface ChainServiceConfig {
  readonly nodes: readonly string[];
  readonly consortiumDir: string | undefined;
  readonly orgs: readonly string[] | undefined;
}

/** Parses the chain settings; every bad variable is named (values are never echoed). */
export function loadChainServiceConfig(
  env: NodeJS.ProcessEnv = process.env,
  orgsVariable = 'TRELLIS_SERVICE_ORGS',
): ChainServiceConfig {
  const schema = z.object({
    nodes: z.array(httpUrl),
    consortiumDir: z.string().min(1).optional(),
    orgs: z.array(z.string().regex(ORG, 'must be organisation ids')).min(1).optional(),
  });
  const variables: Record<string, string> = {
    nodes: 'TRELLIS_CHAIN_NODES',
    consortiumDir: 'TRELLIS_CONSORTIUM_DIR',
    orgs: orgsVariable,
  };
  const parsed = schema.safeParse({
    nodes: list(env['TRELLIS_CHAIN_NODES']) ?? [],
    consortiumDir: env['TRELLIS_CONSORTIUM_DIR'] || undefined,
    orgs: list(env[orgsVariable]),
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (i) => `${variables[String(i.path[0])] ?? '(env)'}: ${i.message}`,
    );
    throw new Error(`invalid chain configuration: ${issues.join('; ')}`);
  }
  if (parsed.data.nodes.length > 0 && parsed.data.consortiumDir === undefined) {
    throw new Error(
      'invalid chain configuration: TRELLIS_CONSORTIUM_DIR: required with TRELLIS_CHAIN_NODES',
    );
  }
  return {
    nodes: parsed.data.nodes,
    consortiumDir: parsed.data.consortiumDir,
    orgs: parsed.data.orgs,
  };
}

export interface MemberChainOptions {
  readonly contract: string;
  readonly config: ChainServiceConfig;
  /** Role members to load when present (`orgs/<org>/<file>.pem`). */
  readonly signers?: readonly string[];
  /** Key pairs to load when present. */
  readonly keyPairs?: readonly string[];
  /** The vertical's errors. */
  readonly errors: {
    unavailable(message: string): Error;
    unknownMember(message: string): Error;
    /** A node refused the transaction at admission (`forbidden`, `expired`, …): its code. */
    refused(code: string, message: string): Error;
  };
}

export class MemberChain {
  readonly #options: MemberChainOptions;
  #gateway: ChainGateway | undefined;

  constructor(options: MemberChainOptions) {
    this.#options = options;
  }

  /** Reads the consortium directory; without nodes, does nothing (the service runs without chain). */
  connect(): boolean {
    const { config } = this.#options;
    if (config.nodes.length === 0) return false;
    const consortium = loadConsortium(config.consortiumDir!, {
      orgs: config.orgs,
      signers: this.#options.signers ?? [],
      keyPairs: this.#options.keyPairs ?? [],
    });
    this.#gateway = new ChainGateway(config.nodes, consortium);
    return true;
  }

  get enabled(): boolean {
    return this.#gateway !== undefined;
  }

  get gateway(): ChainGateway {
    if (this.#gateway === undefined) {
      throw this.#options.errors.unavailable('this service is not connected to a chain');
    }
    return this.#gateway;
  }

  get consortium(): Consortium {
    return this.gateway.consortium;
  }

  /** The member of `org` (a signed-in account's organisation) this service acts for. */
  member(org: string): OrgMember {
    const member = this.consortium.members.get(org);
    if (member === undefined) {
      throw this.#options.errors.unknownMember(
        `this service does not act for ${JSON.stringify(org)}; it acts for ${[...this.consortium.members.keys()].join(', ')}`,
      );
    }
    return member;
  }

  /** A role member (`court`, `bureau`, …) of `org`, if this service has one. */
  roleSigner(org: string, file: string): TransactionSigner | undefined {
    return this.member(org).signers.get(file);
  }

  keyPair(org: string, file: string): KeyPairFiles | undefined {
    return this.consortium.members.get(org)?.keyPairs.get(file);
  }

  /** An organisation's display name (genesis), or its id without a chain. */
  orgName(org: string): string {
    return this.#gateway?.consortium.orgNames.get(org) ?? org;
  }

  submit(
    signer: TransactionSigner,
    method: string,
    args: Record<string, unknown>,
    privatePayload?: { readonly payload: Uint8Array; readonly recipients: readonly string[] },
  ): Promise<CommittedTransaction> {
    return this.call(() =>
      this.gateway.submit(signer, this.#options.contract, method, args, privatePayload),
    );
  }

  readPrivate(org: string, txId: string): Promise<Uint8Array> {
    const reader = this.member(org).service;
    return this.call(() => this.gateway.readPrivate(txId, reader));
  }

  proof(txId: string): Promise<Uint8Array> {
    return this.call(() => this.gateway.proof(txId));
  }

  /** The state proof bundle (CBOR) of one of this vertical's contract keys. */
  stateProof(key: Uint8Array): Promise<Uint8Array> {
    return this.call(() => this.gateway.stateProof(this.#options.contract, key));
  }

  blockHash(height: bigint): Promise<string | null> {
    return this.gateway.blockHash(height);
  }

  /** Runs a chain call; the nodes' unavailability becomes the vertical's error. */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof ChainRequestError) {
        throw this.#options.errors.refused(error.code, error.message);
      }
      if (error instanceof ChainError) throw this.#options.errors.unavailable(error.message);
      throw error;
    }
  }
}
