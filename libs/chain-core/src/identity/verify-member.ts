/**
 * `verifyMember`: is this certificate a member of the consortium, at this time, with these
 * roles? (docs/spec/identity.md §4.) Admission calls it for every signer certificate; the node
 * caches the result by certificate hash.
 *
 * The checks run in a fixed order, so that a certificate with several faults always gets the
 * same code: first that the bytes are a certificate of the profile, then that the issuer is an
 * organisation's CA and really signed it (facts about an unauthenticated certificate are not
 * worth reporting), then what the authenticated certificate says.
 */
import { IdentityError, invalidArgument, isoSeconds, malformed } from './identity-error';
import { importVerifyKey } from './keys';
import { decodeMemberAttributes } from './member-attributes';
import {
  isSignedBy,
  type Organisation,
  requireCa,
  type TrustAnchor,
  trustAnchorOf,
} from './organisation';
import { certificateBytes, type ParsedCertificate, parseCertificate } from './parse-certificate';
import {
  type CertificateKeyAlgorithm,
  displayNameProblem,
  isRole,
  type MemberKind,
  ROLE_PATTERN,
} from './profile-rules';
import { sameBytes, sha256Hex, x509 } from './x509-runtime';

export interface VerifyMemberOptions {
  /** The consortium's organisations (genesis / current membership), each made by `Organisation.load`. */
  readonly orgs: readonly Organisation[];
  /** The time to check validity periods at: the block time, never the wall clock, on chain. */
  readonly at: Date;
  /** Revocation test, e.g. the on-chain `RevocationList`'s `isRevoked`. Exceptions pass through. */
  readonly isRevoked: (issuerOrgId: string, serialHex: string) => boolean;
  /** A role the member must hold. */
  readonly requireRole?: string;
}

/** A verified member: what its certificate says, after every check passed. */
export interface Member {
  readonly orgId: string;
  /** The subject `CN`. */
  readonly name: string;
  readonly kind: MemberKind;
  /** In certificate order; unique. */
  readonly roles: readonly string[];
  /** Lower-case hex of the serial number, no leading zero octet; with orgId, the revocation key. */
  readonly serialHex: string;
  /** SubjectPublicKeyInfo, DER: the key the member signs transactions with. */
  readonly publicKey: Uint8Array;
  readonly publicKeyAlgorithm: CertificateKeyAlgorithm;
  /** SHA-256 of the certificate's DER as presented, lower-case hex. */
  readonly fingerprint: string;
  /**
   * SHA-256 of the signed tbsCertificate, lower-case hex. Unlike `fingerprint` this cannot be
   * changed by re-encoding the unsigned envelope or by the ECDSA (r, s) → (r, n−s) twin of the
   * CA's signature, so it names the certificate's content uniquely.
   */
  readonly tbsHash: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** subjectAltName entries (node certificates). */
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

export async function verifyMember(
  certificate: string | Uint8Array,
  options: VerifyMemberOptions,
): Promise<Member> {
  const { anchors, at, isRevoked, requireRole } = checkVerifyOptions(options);
  const parsed = parseCertificate(certificateBytes(certificate, 'certificate'), 'certificate');
  const anchor = issuingAnchor(parsed, anchors);
  requireCa(anchor.certificate, anchor.orgId);
  await requireSignedBy(parsed, anchor);
  // The key the member will sign with must be usable (a point on the curve).
  await importVerifyKey(parsed.spki, parsed.keyAlgorithm, 'certificate.subjectPublicKeyInfo');
  requireNotCa(parsed);
  const name = memberName(parsed, anchor.orgId);
  // Path order (RFC 5280 §6.1): the CA, then the certificate it issued.
  requireValidAt(anchor.certificate, 'ca', at);
  requireValidAt(parsed, 'member', at);
  requireSigningKeyUsage(parsed);
  const { kind, roles } = memberAttributes(parsed);
  requireNotRevoked(parsed, anchor.orgId, isRevoked);
  requireRoleGranted(parsed, roles, requireRole);
  return Object.freeze({
    orgId: anchor.orgId,
    name,
    kind,
    roles,
    serialHex: parsed.serialHex,
    publicKey: parsed.spki,
    publicKeyAlgorithm: parsed.keyAlgorithm,
    fingerprint: await sha256Hex(parsed.der),
    tbsHash: await sha256Hex(parsed.tbs),
    notBefore: parsed.notBefore,
    notAfter: parsed.notAfter,
    dnsNames: Object.freeze([...parsed.dnsNames]),
    ipAddresses: Object.freeze([...parsed.ipAddresses]),
  });
}

interface CheckedOptions {
  readonly anchors: ReadonlyMap<string, TrustAnchor>;
  readonly at: Date;
  readonly isRevoked: (issuerOrgId: string, serialHex: string) => boolean;
  readonly requireRole: string | undefined;
}

function checkVerifyOptions(options: VerifyMemberOptions): CheckedOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument('options', 'expected { orgs, at, isRevoked }');
  }
  if (!Array.isArray(options.orgs))
    throw invalidArgument('orgs', 'expected an array of Organisation');
  const anchors = new Map<string, TrustAnchor>();
  for (const [index, org] of options.orgs.entries()) {
    const anchor = trustAnchorOf(org);
    if (anchor === undefined) {
      throw invalidArgument(`orgs[${index}]`, 'not an Organisation made by Organisation.load');
    }
    if (anchors.has(anchor.orgId))
      throw invalidArgument(`orgs[${index}]`, `organisation ${anchor.orgId} is listed twice`);
    anchors.set(anchor.orgId, anchor);
  }
  if (!(options.at instanceof Date) || Number.isNaN(options.at.getTime())) {
    throw invalidArgument('at', 'expected a valid Date');
  }
  if (typeof options.isRevoked !== 'function') {
    throw invalidArgument('isRevoked', 'expected a function (issuerOrgId, serialHex) => boolean');
  }
  if (options.requireRole !== undefined && !isRole(options.requireRole)) {
    throw invalidArgument(
      'requireRole',
      `${JSON.stringify(options.requireRole)} does not match ${ROLE_PATTERN}`,
    );
  }
  return {
    anchors,
    at: new Date(options.at.getTime()),
    isRevoked: options.isRevoked,
    requireRole: options.requireRole,
  };
}

/**
 * The organisation whose CA issued the certificate: issuer `O` names it, the issuer name is
 * byte-for-byte that CA's subject, and authorityKeyIdentifier is that CA's key id. A different
 * key under the same name (a look-alike CA, or an old key) is `unknown-issuer`; the signature
 * check that follows catches one that copies the key id too.
 */
function issuingAnchor(
  parsed: ParsedCertificate,
  anchors: ReadonlyMap<string, TrustAnchor>,
): TrustAnchor {
  const unknown = (why: string): IdentityError =>
    new IdentityError(
      { code: 'unknown-issuer', issuer: parsed.issuer.text },
      `issuer "${parsed.issuer.text}" of certificate "${parsed.subject.text}" ${why}`,
    );
  const [orgId, ...more] = parsed.issuer.organizations;
  if (orgId === undefined || more.length > 0)
    throw unknown('does not name exactly one organisation (O)');
  const anchor = anchors.get(orgId);
  if (anchor === undefined) {
    throw unknown(
      `is not the CA of an organisation of this consortium (known: ${[...anchors.keys()].join(', ') || 'none'})`,
    );
  }
  if (!sameBytes(parsed.issuer.der, anchor.certificate.subject.der)) {
    throw unknown(
      `is not the subject of ${orgId}'s root CA ("${anchor.certificate.subject.text}")`,
    );
  }
  if (parsed.authorityKeyId === undefined) {
    throw malformed(
      'certificate.extensions.authorityKeyIdentifier',
      `certificate "${parsed.subject.text}" has no authorityKeyIdentifier key id (RFC 5280 §4.2.1.1: required)`,
    );
  }
  if (parsed.authorityKeyId !== anchor.subjectKeyId) {
    throw unknown(
      `is a CA key ${parsed.authorityKeyId}, not ${orgId}'s root CA key ${anchor.subjectKeyId}`,
    );
  }
  return anchor;
}

function requireNotCa(parsed: ParsedCertificate): void {
  const ca = parsed.basicConstraints?.ca === true;
  const certSign =
    parsed.keyUsage !== undefined && (parsed.keyUsage & x509.KeyUsageFlags.keyCertSign) !== 0;
  if (ca || certSign) {
    throw new IdentityError(
      { code: 'is-a-ca', subject: parsed.subject.text },
      `certificate "${parsed.subject.text}" is a CA certificate (${ca ? 'basicConstraints CA:TRUE' : 'keyUsage keyCertSign'}), not a member certificate`,
    );
  }
}

/** Subject: exactly one `O`, equal to the issuing organisation, and one well-formed `CN`. */
function memberName(parsed: ParsedCertificate, orgId: string): string {
  const { organizations, commonNames, text } = parsed.subject;
  if (organizations.length !== 1 || organizations[0] !== orgId) {
    throw new IdentityError(
      { code: 'org-mismatch', expected: orgId, actual: organizations.join(',') },
      `certificate "${text}" was issued by the CA of ${orgId} but its subject names organisation ${organizations.length === 0 ? '(none)' : organizations.join(', ')}`,
    );
  }
  const [name, ...more] = commonNames;
  if (name === undefined || more.length > 0) {
    throw malformed('certificate.subject', `subject "${text}" must have exactly one CN`);
  }
  const problem = displayNameProblem(name);
  if (problem !== undefined) throw malformed('certificate.subject', `subject CN ${problem}`);
  return name;
}

/** RFC 5280 §4.1.2.5: valid from notBefore through notAfter, both inclusive. */
function requireValidAt(parsed: ParsedCertificate, which: 'member' | 'ca', at: Date): void {
  const label =
    which === 'ca'
      ? `the CA certificate of ${parsed.subject.organizations[0] ?? '?'}`
      : `certificate "${parsed.subject.text}"`;
  if (at < parsed.notBefore) {
    throw new IdentityError(
      {
        code: 'not-yet-valid',
        certificate: which,
        notBefore: isoSeconds(parsed.notBefore),
        at: isoSeconds(at),
      },
      `${label} is not valid before ${isoSeconds(parsed.notBefore)}, checked at ${isoSeconds(at)}`,
    );
  }
  if (at > parsed.notAfter) {
    throw new IdentityError(
      {
        code: 'expired',
        certificate: which,
        notAfter: isoSeconds(parsed.notAfter),
        at: isoSeconds(at),
      },
      `${label} expired at ${isoSeconds(parsed.notAfter)}, checked at ${isoSeconds(at)}`,
    );
  }
}

async function requireSignedBy(parsed: ParsedCertificate, anchor: TrustAnchor): Promise<void> {
  if (!(await isSignedBy(parsed, anchor))) {
    throw new IdentityError(
      { code: 'bad-signature', orgId: anchor.orgId },
      `certificate "${parsed.subject.text}" (serial ${parsed.serialHex}) names the CA of ${anchor.orgId} as issuer but its signature does not verify under that CA's ${anchor.certificate.keyAlgorithm} key`,
    );
  }
}

/** The member signs transactions: keyUsage must allow digitalSignature (RFC 5280 §4.2.1.3). */
function requireSigningKeyUsage(parsed: ParsedCertificate): void {
  const usage = parsed.keyUsage;
  if (usage === undefined || (usage & x509.KeyUsageFlags.digitalSignature) === 0) {
    throw new IdentityError(
      { code: 'bad-key-usage', certificate: 'member' },
      `certificate "${parsed.subject.text}" has ${usage === undefined ? 'no keyUsage' : 'a keyUsage without digitalSignature'}: it may not sign`,
    );
  }
}

function requireNotRevoked(
  parsed: ParsedCertificate,
  orgId: string,
  isRevoked: (issuerOrgId: string, serialHex: string) => boolean,
): void {
  if (isRevoked(orgId, parsed.serialHex)) {
    throw new IdentityError(
      { code: 'revoked', orgId, serialHex: parsed.serialHex },
      `certificate ${orgId}:${parsed.serialHex} ("${parsed.subject.text}") is revoked`,
    );
  }
}

function requireRoleGranted(
  parsed: ParsedCertificate,
  roles: readonly string[],
  requireRole: string | undefined,
): void {
  if (requireRole !== undefined && !roles.includes(requireRole)) {
    throw new IdentityError(
      { code: 'role-not-granted', role: requireRole, roles },
      `certificate "${parsed.subject.text}" does not grant role ${requireRole} (it grants ${roles.join(', ')})`,
    );
  }
}

function memberAttributes(parsed: ParsedCertificate): {
  kind: MemberKind;
  roles: readonly string[];
} {
  const extension = parsed.memberAttributes;
  const missing = (why: string): IdentityError =>
    new IdentityError(
      { code: 'missing-roles', subject: parsed.subject.text },
      `certificate "${parsed.subject.text}" ${why}: it grants no roles`,
    );
  if (extension === undefined) throw missing('has no member-attributes extension');
  if (extension.critical) {
    throw malformed(
      'certificate.extensions.memberAttributes',
      'the member-attributes extension must be non-critical (TLS stacks that do not know it must still accept the certificate)',
    );
  }
  const decoded = decodeMemberAttributes(
    extension.value,
    'certificate.extensions.memberAttributes',
  );
  if (!decoded.ok) throw missing('has a member-attributes extension with an empty role list');
  return decoded.attributes;
}
