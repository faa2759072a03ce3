/**
 * Who a certificate belongs to, at the committed membership, without paying for a full X.509
 * verification on every transaction: `verifyMember` runs once per certificate and its result
 * is reused while nothing it depended on has changed. Revocation is the exception: it is asked
 * afresh on every use, so a revocation committed a block ago refuses the very next transaction.
 */
import { LruCache } from '../crypto';
import { IdentityError, type Member, type Organisation, verifyMember } from '../identity';
import { AdmissionError, fromIdentityError } from './admission-error';
import { certificatePemToDer, readCertificateFields } from './certificate-fields';

/**
 * The committed membership, as the node's state says after its last committed block. Admission
 * never looks at uncommitted state: what it admits may still be refused at execution, never the
 * reverse for a reason it checked.
 */
export interface MembershipView {
  readonly organisations: readonly Organisation[];
  /** The registered certificate (DER) whose tbsCertificate has this SHA-256, if any. */
  certificate(tbsHash: Uint8Array): Uint8Array | undefined;
  isRevoked(org: string, serialHex: string): boolean;
  /** The committed height: transactions must expire after it. */
  readonly height: bigint;
  /** The last committed block's time (ms since the epoch): certificates are checked at it. */
  readonly timeMs: bigint;
}

interface Entry {
  readonly member: Member;
  /** The issuing organisation as it was when verified: another root CA invalidates the entry. */
  readonly rootFingerprint: string;
  /** Times (ms) at which both the member's and its CA's certificate are valid, inclusive. */
  readonly fromMs: number;
  readonly toMs: number;
}

interface Window {
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * Members by tbs hash (hex). An entry is used only while the view still lists the issuing
 * organisation with the same root certificate and the view's time lies inside both validity
 * periods (RFC 5280 §6.1.3: every certificate of the path valid at the time); otherwise
 * `verifyMember` runs again, and gives the precise refusal.
 */
export class MemberCache {
  private readonly entries: LruCache<string, Entry>;
  private readonly caWindows = new WeakMap<Organisation, Window>();
  private verified = 0;

  constructor(capacity: number) {
    this.entries = new LruCache(capacity);
  }

  /** How many times `verifyMember` actually ran (cache misses). */
  get verifications(): number {
    return this.verified;
  }

  /**
   * The member whose certificate is `der` (tbs hash `tbsHex`), at the view's time and
   * organisations, not revoked; or the `AdmissionError` saying why not.
   */
  async member(der: Uint8Array, tbsHex: string, view: MembershipView): Promise<Member> {
    const atMs = Number(view.timeMs);
    const cached = this.entries.get(tbsHex);
    if (cached !== undefined && this.usable(cached, view, atMs)) {
      const { member } = cached;
      if (view.isRevoked(member.orgId, member.serialHex)) {
        throw new AdmissionError(
          'certificate-revoked',
          `certificate ${member.orgId}:${member.serialHex} ("${member.name}") is revoked`,
          { field: 'body.signer.cert' },
        );
      }
      return member;
    }
    this.verified++;
    let member: Member;
    try {
      member = await verifyMember(der, {
        orgs: view.organisations,
        at: new Date(atMs),
        isRevoked: (org, serial) => view.isRevoked(org, serial),
      });
    } catch (error) {
      if (error instanceof IdentityError) throw fromIdentityError(error);
      throw error;
    }
    if (member.tbsHash !== tbsHex) {
      throw new AdmissionError(
        'signer-mismatch',
        `the certificate's tbs hash is ${member.tbsHash}, the signer names ${tbsHex}`,
        { field: 'body.signer.cert' },
      );
    }
    const org = view.organisations.find((o) => o.id === member.orgId);
    const ca = org === undefined ? undefined : this.caWindow(org);
    if (org !== undefined && ca !== undefined) {
      this.entries.set(tbsHex, {
        member,
        rootFingerprint: org.rootFingerprint,
        fromMs: Math.max(member.notBefore.getTime(), ca.fromMs),
        toMs: Math.min(member.notAfter.getTime(), ca.toMs),
      });
    }
    return member;
  }

  private usable(entry: Entry, view: MembershipView, atMs: number): boolean {
    if (atMs < entry.fromMs || atMs > entry.toMs) return false;
    const org = view.organisations.find((o) => o.id === entry.member.orgId);
    return org !== undefined && org.rootFingerprint === entry.rootFingerprint;
  }

  /**
   * The root CA's validity period (an `Organisation` is immutable: computed once); undefined
   * if it cannot be read here, and then the member is simply not cached.
   */
  private caWindow(org: Organisation): Window | undefined {
    let window = this.caWindows.get(org);
    if (window === undefined) {
      try {
        const fields = readCertificateFields(certificatePemToDer(org.rootCertificate));
        window = { fromMs: fields.notBeforeMs, toMs: fields.notAfterMs };
      } catch (_error) {
        return undefined;
      }
      this.caWindows.set(org, window);
    }
    return window;
  }
}
