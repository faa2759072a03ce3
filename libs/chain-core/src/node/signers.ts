/**
 * Who signed each transaction of a block, as every validator must agree: the signer's
 * registered certificate (or, for `system.registerCertificate`, the one it carries) verified
 * against the organisations and revocations of the parent block's state, at the block's time,
 * and the signature checked with the certificate's key. Deterministic given the parent state
 * and the block; results are cached (certificates by tbs hash and organisation set,
 * signatures by transaction id and signature), so each signature is verified once per node.
 */
import { type CborValue, type HashFn, fromHex, toHex } from '../codec';
import type { Caller } from '../contract';
import {
  isRevoked as systemIsRevoked,
  readCertificate,
  readOrganisations,
  scopeSystemState,
} from '../governance';
import { type Member, Organisation } from '../identity';
import { AdmissionError, MemberCache } from '../mempool';
import type { StateReader } from '../storage';
import { Transaction } from '../types';

export type Resolution = Caller | { readonly error: { code: string; message: string } };

const fail = (code: string, message: string): Resolution => ({ error: { code, message } });

/** The certificate a `system.registerCertificate` transaction carries in its args. */
export function carriedCertificate(tx: Transaction): Uint8Array | undefined {
  const { contract, method, args } = tx.body;
  if (contract !== 'system' || method !== 'registerCertificate') return undefined;
  const value = (args as Record<string, CborValue> | null)?.['certificate'];
  return value instanceof Uint8Array ? value : undefined;
}

/** Reads of one parent state that resolving a signer needs. */
interface BlockContext {
  organisations(): Promise<Organisation[]>;
  certificate(cert: Uint8Array): Uint8Array | undefined;
  isRevoked(org: string, serial: string): boolean;
}

export class SignerResolver {
  private readonly orgCache = new Map<string, Promise<Organisation>>();
  private readonly members = new MemberCache(10_000);

  constructor(
    private readonly opts: { readonly hash: HashFn },
    private readonly deps: {
      /** Admission's cached check: each signature is verified once per node. */
      readonly verifySignature: (
        tx: Transaction,
        id: Uint8Array,
        tbsHex: string,
        spki: Uint8Array,
      ) => boolean;
    },
  ) {}

  /**
   * Resolves the signers of one block's transactions: they are all judged against the same
   * parent state, so its organisations, the registered certificates and the revocations are
   * read once per block, not once per transaction.
   */
  forBlock(
    parent: StateReader,
    atMs: bigint,
  ): (tx: Transaction, id: Uint8Array) => Promise<Resolution> {
    const context = this.context(parent);
    const certificates = new Map<string, Uint8Array | undefined>();
    const revoked = new Map<string, boolean>();
    const block: BlockContext = {
      ...context,
      certificate: (cert) => {
        const key = toHex(cert);
        if (!certificates.has(key)) certificates.set(key, context.certificate(cert));
        return certificates.get(key);
      },
      isRevoked: (org, serial) => {
        const key = `${org}/${serial}`;
        let answer = revoked.get(key);
        if (answer === undefined) {
          answer = context.isRevoked(org, serial);
          revoked.set(key, answer);
        }
        return answer;
      },
    };
    return (tx, id) => this.resolveWith(tx, id, atMs, block);
  }

  async resolve(
    tx: Transaction,
    id: Uint8Array,
    parent: StateReader,
    atMs: bigint,
  ): Promise<Resolution> {
    return this.resolveWith(tx, id, atMs, this.context(parent));
  }

  /** What resolving reads of the parent state; the organisations are loaded on first use. */
  private context(parent: StateReader): BlockContext {
    const system = scopeSystemState(parent);
    let orgs: Promise<Organisation[]> | undefined;
    return {
      organisations: () =>
        (orgs ??= Promise.all(
          readOrganisations(system).map((o) => this.organisation(o.id, o.name, o.caCertificate)),
        )),
      certificate: (cert) => readCertificate(system, cert)?.der,
      isRevoked: (org, serial) => systemIsRevoked(system, org, serial),
    };
  }

  private async resolveWith(
    tx: Transaction,
    id: Uint8Array,
    atMs: bigint,
    context: BlockContext,
  ): Promise<Resolution> {
    const carried = carriedCertificate(tx);
    const der = carried ?? context.certificate(tx.body.signer.cert);
    if (der === undefined) {
      return fail(
        'unknown-certificate',
        `certificate ${toHex(tx.body.signer.cert)} is not registered`,
      );
    }
    const orgs = await context.organisations();
    let member: Member;
    try {
      // Cached by tbs hash while the organisation's root and both validity periods hold at
      // the block time; revocation is asked of the parent state every time.
      member = await this.members.member(der, toHex(tx.body.signer.cert), {
        organisations: orgs,
        certificate: () => undefined,
        isRevoked: context.isRevoked,
        height: 0n,
        timeMs: atMs,
      });
    } catch (error) {
      if (error instanceof AdmissionError) return fail(error.code, error.message);
      throw error;
    }
    // The member cache refused a certificate whose tbs hash is not `signer.cert` (signer-mismatch).
    if (member.orgId !== tx.body.signer.org) {
      return fail(
        'certificate-mismatch',
        `the certificate is of ${member.orgId}, not ${tx.body.signer.org}`,
      );
    }
    if (!this.signatureValid(tx, id, member)) {
      return fail('bad-signature', 'the transaction signature does not verify');
    }
    return {
      org: member.orgId,
      name: member.name,
      kind: member.kind,
      roles: member.roles,
      certificate: fromHex(member.tbsHash),
    };
  }

  private signatureValid(tx: Transaction, id: Uint8Array, member: Member): boolean {
    return this.deps.verifySignature(tx, id, member.tbsHash, member.publicKey);
  }

  private organisation(id: string, name: string, ca: Uint8Array): Promise<Organisation> {
    const key = `${id}:${toHex(this.opts.hash(ca))}`;
    let org = this.orgCache.get(key);
    if (org === undefined) {
      org = Organisation.load({ id, name, rootCertificate: ca });
      this.orgCache.set(key, org);
    }
    return org;
  }
}
