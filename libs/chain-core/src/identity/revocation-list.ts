/**
 * The set of revoked member certificates, each named by its issuing organisation and serial
 * (RFC 5280 identifies a certificate by issuer and serial number; an organisation has one CA).
 * An immutable value: the identity system contract will keep one in state and replace it on
 * each revocation, so its iteration order must not depend on insertion history.
 */
import { invalidArgument } from './identity-error';
import { isOrgId, ORG_ID_PATTERN } from './profile-rules';

export interface RevocationEntry {
  readonly orgId: string;
  /** Lower-case hex, no leading zero octets (as `Member.serialHex`). */
  readonly serialHex: string;
}

export class RevocationList {
  static readonly EMPTY = new RevocationList(new Map());

  /** key `${orgId}:${serialHex}` → entry */
  readonly #entries: ReadonlyMap<string, RevocationEntry>;

  private constructor(entries: ReadonlyMap<string, RevocationEntry>) {
    this.#entries = entries;
    Object.freeze(this);
  }

  /** A list holding `entries` (duplicates collapse; serials are canonicalised). */
  static from(entries: Iterable<RevocationEntry>): RevocationList {
    let list = RevocationList.EMPTY;
    for (const entry of entries) list = list.revoke(entry.orgId, entry.serialHex);
    return list;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** A list that also holds `orgId:serialHex`; this one when it already does. */
  revoke(orgId: string, serialHex: string): RevocationList {
    const entry = revocationEntry(orgId, serialHex);
    const key = `${entry.orgId}:${entry.serialHex}`;
    if (this.#entries.has(key)) return this;
    const next = new Map(this.#entries);
    next.set(key, entry);
    return new RevocationList(next);
  }

  /**
   * Whether the certificate `serialHex` issued by `orgId` is revoked. An arrow property, so it
   * can be handed to `verifyMember` as `{ isRevoked: list.isRevoked }`.
   */
  readonly isRevoked = (orgId: string, serialHex: string): boolean => {
    const entry = revocationEntry(orgId, serialHex);
    return this.#entries.has(`${entry.orgId}:${entry.serialHex}`);
  };

  /** Every entry, ordered by organisation id, then serial number as an integer. */
  entries(): readonly RevocationEntry[] {
    return Object.freeze([...this.#entries.values()].sort(compareEntries));
  }
}

function compareEntries(a: RevocationEntry, b: RevocationEntry): number {
  if (a.orgId !== b.orgId) return a.orgId < b.orgId ? -1 : 1;
  if (a.serialHex.length !== b.serialHex.length) return a.serialHex.length - b.serialHex.length;
  return a.serialHex < b.serialHex ? -1 : a.serialHex > b.serialHex ? 1 : 0;
}

/**
 * Checks and canonicalises: serials are compared as integers, so `00AB` and `ab` are one entry.
 * A serial is 1..20 octets (RFC 5280 §4.1.2.2) and not zero.
 */
function revocationEntry(orgId: string, serialHex: string): RevocationEntry {
  if (!isOrgId(orgId))
    throw invalidArgument('orgId', `${JSON.stringify(orgId)} does not match ${ORG_ID_PATTERN}`);
  if (typeof serialHex !== 'string' || !/^[0-9a-fA-F]{1,42}$/.test(serialHex)) {
    throw invalidArgument(
      'serialHex',
      `${JSON.stringify(serialHex)} is not a hexadecimal serial number`,
    );
  }
  let digits = serialHex.toLowerCase().replace(/^0+/, '');
  if (digits.length === 0)
    throw invalidArgument('serialHex', 'serial number zero is not a valid serial');
  if (digits.length % 2 === 1) digits = `0${digits}`;
  if (digits.length > 40)
    throw invalidArgument('serialHex', `serial of ${digits.length / 2} octets, at most 20`);
  return Object.freeze({ orgId, serialHex: digits });
}
