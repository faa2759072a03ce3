/**
 * The committed membership as the node's edges need it: admission (organisations,
 * registered certificates, revocations), and the network (who may connect, whom to dial).
 * Read from the `system` contract's committed state; refreshed after blocks that change it.
 */
import { type HashFn, toHex } from '../codec';
import {
  isRevoked,
  readCertificate,
  readObservers,
  readOrganisations,
  readValidators,
  scopeSystemState,
} from '../governance';
import { IdentityError, Organisation, verifyMember } from '../identity';
import type { MembershipView } from '../mempool';
import type { PeerAddress } from '../net';
import type { ChainStore } from '../storage';
import { decodeProposal } from './records';

export class MembershipCache {
  private orgs: Organisation[] = [];
  private time: { height: bigint; timeMs: bigint } | undefined;

  constructor(
    private readonly opts: { readonly hash: HashFn },
    private readonly deps: { readonly store: ChainStore },
  ) {}

  private get system() {
    return scopeSystemState(this.deps.store);
  }

  /** Reloads the organisations (certificate parsing is async) from committed state. */
  async refresh(): Promise<void> {
    this.orgs = await Promise.all(
      readOrganisations(this.system).map((o) =>
        Organisation.load({ id: o.id, name: o.name, rootCertificate: o.caCertificate }),
      ),
    );
  }

  /** The member CAs' certificates (PEM), for the TLS trust store. */
  caPems(): string[] {
    return readOrganisations(this.system).map((o) => toPem(o.caCertificate));
  }

  /** Committed membership at the head; admission asks for it on every transaction. */
  view(): MembershipView {
    const system = this.system;
    const height = this.deps.store.head()?.height ?? 0n;
    return {
      organisations: this.orgs,
      certificate: (tbs) => readCertificate(system, tbs)?.der,
      isRevoked: (org, serial) => isRevoked(system, org, serial),
      height,
      timeMs: this.headTime(height),
    };
  }

  /** The head block's agreed time, decoded once per head rather than once per transaction. */
  private headTime(height: bigint): bigint {
    if (this.time?.height === height) return this.time.timeMs;
    const block = this.deps.store.blockAt(height)?.block;
    // Block 0 is stored without a proposal: the wall clock serves until block 1.
    if (block === undefined || block.length === 0) return BigInt(Date.now());
    this.time = { height, timeMs: decodeProposal(block).header.timestampMs };
    return this.time.timeMs;
  }

  /** Who a peer is, from its TLS certificate: a current validator or observer node, else refused. */
  async authorizePeer(der: Uint8Array): Promise<{ id: string } | { refused: string }> {
    const system = this.system;
    let member;
    try {
      member = await verifyMember(der, {
        orgs: this.orgs,
        at: new Date(),
        isRevoked: (org, serial) => isRevoked(system, org, serial),
      });
    } catch (error) {
      if (error instanceof IdentityError) return { refused: error.code };
      throw error;
    }
    if (member.kind !== 'node') return { refused: 'not-a-node-certificate' };
    const validator = readValidators(system).find(
      (v) => v.org === member.orgId && v.name === member.name,
    );
    if (validator) return { id: toHex(validator.publicKey) };
    const observer = readObservers(system).find(
      (o) => o.org === member.orgId && o.name === member.name,
    );
    if (observer) return { id: `observer:${observer.org}:${observer.name}` };
    return { refused: 'not-a-validator-or-observer' };
  }

  /** The validators to keep links to (observers dial validators; validators dial each other). */
  peerAddresses(
    selfId: string,
    overrides: ReadonlyMap<string, { readonly host: string; readonly port: number }> = new Map(),
  ): PeerAddress[] {
    return readValidators(this.system)
      .filter((v) => toHex(v.publicKey) !== selfId)
      .map((v) => {
        const override = overrides.get(v.name);
        if (override !== undefined) {
          return { id: toHex(v.publicKey), host: override.host, port: override.port };
        }
        const at = v.address.lastIndexOf(':');
        return {
          id: toHex(v.publicKey),
          host: v.address.slice(0, at),
          port: Number(v.address.slice(at + 1)),
        };
      });
  }
}

/** A DER certificate as PEM: the TLS trust store takes PEM. */
function toPem(der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
