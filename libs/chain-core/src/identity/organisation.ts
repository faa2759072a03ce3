/**
 * A consortium organisation: `{ id, name, root CA certificate }` as genesis lists it, checked
 * once against the CA profile (docs/spec/identity.md §2.1) and kept with its imported key, so
 * that verifying a member costs one signature check.
 */
import { IdentityError, invalidArgument, malformed } from './identity-error';
import { importVerifyKey, SIGN_PARAMS } from './keys';
import { type ParsedCertificate, certificateBytes, parseCertificate } from './parse-certificate';
import { displayNameProblem, isOrgId, ORG_ID_PATTERN } from './profile-rules';
import { type CryptoKey, sameBytes, sha256Hex, webCrypto, x509 } from './x509-runtime';

export interface OrganisationInput {
  /** e.g. `tax-bureau-sz`; must equal the root certificate's subject `O`. */
  readonly id: string;
  /** Display name, e.g. `Shenzhen Tax Bureau` (genesis is authoritative, not the CA's CN). */
  readonly name: string;
  /** The organisation's root CA certificate, PEM or DER. */
  readonly rootCertificate: string | Uint8Array;
}

/** A checked root CA: its parsed certificate and imported verification key. */
export interface TrustAnchor {
  readonly orgId: string;
  readonly certificate: ParsedCertificate;
  readonly subjectKeyId: string;
  readonly key: CryptoKey;
}

const anchors = new WeakMap<Organisation, TrustAnchor>();

export class Organisation {
  readonly id: string;
  readonly name: string;
  /** The root CA certificate, PEM. */
  readonly rootCertificate: string;
  /** SHA-256 of the root certificate's DER, lower-case hex (`openssl x509 -fingerprint -sha256`). */
  readonly rootFingerprint: string;

  private constructor(name: string, anchor: TrustAnchor, rootFingerprint: string) {
    this.id = anchor.orgId;
    this.name = name;
    this.rootCertificate = x509.PemConverter.encode(anchor.certificate.der, 'CERTIFICATE');
    this.rootFingerprint = rootFingerprint;
    anchors.set(this, anchor);
    Object.freeze(this);
  }

  /**
   * Checks `input` and the root certificate against the CA profile: a self-signed v3 certificate
   * with basicConstraints CA:TRUE, keyUsage keyCertSign, subjectKeyIdentifier, subject `O` equal
   * to `id`, and a valid self-signature. Its validity period is checked by each verification,
   * at the time asked.
   */
  static async load(input: OrganisationInput): Promise<Organisation> {
    if (typeof input !== 'object' || input === null) {
      throw invalidArgument('organisation', 'expected { id, name, rootCertificate }');
    }
    if (!isOrgId(input.id)) {
      throw invalidArgument('id', `${JSON.stringify(input.id)} does not match ${ORG_ID_PATTERN}`);
    }
    const nameProblem = displayNameProblem(input.name);
    if (nameProblem !== undefined) throw invalidArgument('name', nameProblem);
    const der = certificateBytes(input.rootCertificate, 'rootCertificate');
    const anchor = await loadTrustAnchor(der, 'rootCertificate', input.id);
    return new Organisation(input.name, anchor, await sha256Hex(der));
  }
}

/** The trust anchor of an `Organisation` (undefined for an object not made by `load`). */
export function trustAnchorOf(organisation: unknown): TrustAnchor | undefined {
  return organisation instanceof Organisation ? anchors.get(organisation) : undefined;
}

/**
 * Parses and checks a root CA certificate. With `expectedOrgId`, its subject `O` must equal it;
 * without, the `O` it carries is taken (the issuing tool reads the CA it is handed this way).
 */
export async function loadTrustAnchor(
  der: Uint8Array,
  field: string,
  expectedOrgId?: string,
): Promise<TrustAnchor> {
  const certificate = parseCertificate(der, field);
  const orgId = caOrgId(certificate, field);
  if (expectedOrgId !== undefined && orgId !== expectedOrgId) {
    throw new IdentityError(
      { code: 'org-mismatch', expected: expectedOrgId, actual: orgId },
      `root CA certificate has subject O=${orgId}, but it is listed for organisation ${expectedOrgId}`,
    );
  }
  requireCa(certificate, orgId);
  if (certificate.subjectKeyId === undefined) {
    throw malformed(
      `${field}.extensions.subjectKeyIdentifier`,
      `root CA of ${orgId} has no subjectKeyIdentifier (RFC 5280 §4.2.1.2: a CA MUST have one)`,
    );
  }
  if (
    certificate.authorityKeyId !== undefined &&
    certificate.authorityKeyId !== certificate.subjectKeyId
  ) {
    throw malformed(
      `${field}.extensions.authorityKeyIdentifier`,
      `root CA of ${orgId} names another key (${certificate.authorityKeyId}) as its issuer: not self-signed`,
    );
  }
  if (!sameBytes(certificate.issuer.der, certificate.subject.der)) {
    throw malformed(
      `${field}.issuer`,
      `root CA of ${orgId} is not self-issued: issuer "${certificate.issuer.text}", subject "${certificate.subject.text}"`,
    );
  }
  const key = await importVerifyKey(
    certificate.spki,
    certificate.keyAlgorithm,
    `${field}.subjectPublicKeyInfo`,
  );
  const anchor: TrustAnchor = Object.freeze({
    orgId,
    certificate,
    subjectKeyId: certificate.subjectKeyId,
    key,
  });
  if (!(await isSignedBy(certificate, anchor))) {
    throw new IdentityError(
      { code: 'bad-signature', orgId },
      `root CA certificate of ${orgId} does not verify under its own key: not self-signed`,
    );
  }
  return anchor;
}

/** The single `O` of a CA subject, which must be an organisation id. */
function caOrgId(certificate: ParsedCertificate, field: string): string {
  const [orgId, ...more] = certificate.subject.organizations;
  if (orgId === undefined || more.length > 0 || certificate.subject.commonNames.length !== 1) {
    throw malformed(
      `${field}.subject`,
      `a CA subject has exactly one O and one CN, got "${certificate.subject.text}"`,
    );
  }
  if (!isOrgId(orgId)) {
    throw malformed(
      `${field}.subject`,
      `CA subject O=${JSON.stringify(orgId)} is not an organisation id (${ORG_ID_PATTERN})`,
    );
  }
  return orgId;
}

/** basicConstraints CA:TRUE and keyUsage keyCertSign (RFC 5280 §4.2.1.3, §4.2.1.9). */
export function requireCa(certificate: ParsedCertificate, orgId: string): void {
  if (certificate.basicConstraints?.ca !== true) {
    throw new IdentityError(
      { code: 'not-a-ca', orgId },
      `root certificate of ${orgId} is not a CA: basicConstraints ${certificate.basicConstraints === undefined ? 'absent' : 'CA:FALSE'}`,
    );
  }
  if (
    certificate.keyUsage === undefined ||
    (certificate.keyUsage & x509.KeyUsageFlags.keyCertSign) === 0
  ) {
    throw new IdentityError(
      { code: 'not-a-ca', orgId },
      `root certificate of ${orgId} is not a CA: keyUsage ${certificate.keyUsage === undefined ? 'absent' : 'lacks keyCertSign'}`,
    );
  }
}

/** Whether `certificate` carries a valid signature by the anchor's key. */
export async function isSignedBy(
  certificate: ParsedCertificate,
  anchor: TrustAnchor,
): Promise<boolean> {
  if (certificate.signature === undefined) return false;
  if (certificate.signedWith !== anchor.certificate.keyAlgorithm) return false;
  try {
    return await webCrypto().subtle.verify(
      SIGN_PARAMS[certificate.signedWith],
      anchor.key,
      certificate.signature,
      certificate.tbs,
    );
  } catch (_error) {
    return false;
  }
}
