/**
 * `issueMemberCertificate`: a user, service or node certificate signed by an organisation's root
 * CA, carrying the member's kind and roles (docs/spec/identity.md §2.2). The node CLI exposes it
 * as `trellis-node identity issue`.
 */
import {
  buildCertificate,
  type ExtensionSpec,
  extensionSpec,
  randomSerial,
  subjectKeyId,
  subjectName,
} from './build-certificate';
import { IdentityError, invalidArgument, isoSeconds } from './identity-error';
import {
  decodeSinglePem,
  exportPkcs8Pem,
  exportSpkiDer,
  generateKeyPair,
  importSigningKey,
  importVerifyKey,
  spkiKeyAlgorithm,
} from './keys';
import { encodeMemberAttributes } from './member-attributes';
import { MEMBER_ATTRIBUTES_OID } from './oid';
import { loadTrustAnchor, type TrustAnchor } from './organisation';
import { certificateBytes } from './parse-certificate';
import {
  type CertificateKeyAlgorithm,
  isDnsName,
  isIpAddress,
  isMemberKind,
  MEMBER_KINDS,
  type MemberKind,
  roleListProblem,
} from './profile-rules';
import {
  type CertificateValidity,
  checkAlgorithm,
  checkDisplayName,
  checkOptions,
  checkValidity,
} from './tool-arguments';
import { AsnConvert, asnX509, x509, type CryptoKey } from './x509-runtime';

export interface IssueMemberCertificateOptions {
  /** The organisation's root CA certificate, PEM. */
  readonly ca: string;
  /** The CA's private key, PKCS#8 PEM. */
  readonly caKey: string;
  /** The member's name: the subject `CN` (1..64 characters). */
  readonly subjectName: string;
  readonly kind: MemberKind;
  /** 1..32 unique roles, each matching ROLE_PATTERN. */
  readonly roles: readonly string[];
  /** The member's public key, SPKI PEM ("PUBLIC KEY"). Omitted: a key pair is generated. */
  readonly publicKey?: string;
  /** Algorithm of a generated key (default `ecdsa-p256`); must match `publicKey` if both given. */
  readonly algorithm?: CertificateKeyAlgorithm;
  readonly validity: CertificateValidity;
  /** subjectAltName DNS names: nodes only (at least one DNS name or IP address for a node). */
  readonly dnsNames?: readonly string[];
  /** subjectAltName IP addresses (IPv4 dotted quad or IPv6 text): nodes only. */
  readonly ipAddresses?: readonly string[];
}

export interface IssuedMemberCertificate {
  /** The member certificate, PEM. */
  readonly certificate: string;
}

export interface IssuedMemberCertificateWithKey extends IssuedMemberCertificate {
  /** The generated private key, PKCS#8 PEM. */
  readonly privateKey: string;
}

export function issueMemberCertificate(
  options: IssueMemberCertificateOptions & { readonly publicKey: string },
): Promise<IssuedMemberCertificate>;
export function issueMemberCertificate(
  options: IssueMemberCertificateOptions & { readonly publicKey?: undefined },
): Promise<IssuedMemberCertificateWithKey>;
export function issueMemberCertificate(
  options: IssueMemberCertificateOptions,
): Promise<IssuedMemberCertificate | IssuedMemberCertificateWithKey>;
export async function issueMemberCertificate(
  options: IssueMemberCertificateOptions,
): Promise<IssuedMemberCertificate | IssuedMemberCertificateWithKey> {
  checkOptions(options, 'options');
  const anchor = await loadTrustAnchor(certificateBytes(options.ca, 'ca'), 'ca');
  const caKey = await importSigningKey(
    options.caKey,
    anchor.certificate.keyAlgorithm,
    anchor.key,
    'caKey',
  );
  const name = checkDisplayName(options.subjectName, 'subjectName');
  const kind = checkKind(options.kind);
  const roles = checkRoles(options.roles);
  const validity = checkWithinCa(checkValidity(options.validity, 'validity'), anchor);
  const san = checkSubjectAltNames(kind, options.dnsNames, options.ipAddresses);
  const subjectKey = await subjectPublicKey(options.publicKey, options.algorithm);

  const der = await buildCertificate({
    serial: randomSerial(),
    issuer: AsnConvert.parse(anchor.certificate.subject.der, asnX509.Name),
    subject: subjectName(anchor.orgId, name),
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
    spki: subjectKey.spki,
    extensions: await memberExtensions(kind, roles, san, subjectKey.spki, anchor),
    signingKey: caKey,
    signingAlgorithm: anchor.certificate.keyAlgorithm,
  });
  const certificate = x509.PemConverter.encode(der, 'CERTIFICATE');
  return Object.freeze(
    subjectKey.privateKey === undefined
      ? { certificate }
      : { certificate, privateKey: await exportPkcs8Pem(subjectKey.privateKey) },
  );
}

/** The member profile's extensions, in the order the spec lists them (§2.2). */
async function memberExtensions(
  kind: MemberKind,
  roles: readonly string[],
  san: x509.JsonGeneralNames,
  spki: Uint8Array,
  anchor: TrustAnchor,
): Promise<ExtensionSpec[]> {
  const usages =
    kind === 'node'
      ? [x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.serverAuth]
      : [x509.ExtendedKeyUsage.clientAuth];
  return [
    extensionSpec(new x509.BasicConstraintsExtension(false, undefined, true)),
    extensionSpec(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)),
    extensionSpec(new x509.ExtendedKeyUsageExtension(usages)),
    ...(san.length > 0 ? [extensionSpec(new x509.SubjectAlternativeNameExtension(san))] : []),
    extensionSpec(new x509.SubjectKeyIdentifierExtension(await subjectKeyId(spki))),
    extensionSpec(new x509.AuthorityKeyIdentifierExtension(anchor.subjectKeyId)),
    { id: MEMBER_ATTRIBUTES_OID, critical: false, value: encodeMemberAttributes(kind, roles) },
  ];
}

function checkKind(kind: unknown): MemberKind {
  if (!isMemberKind(kind)) {
    throw invalidArgument(
      'kind',
      `expected one of ${MEMBER_KINDS.join(', ')}, got ${JSON.stringify(kind)}`,
    );
  }
  return kind;
}

function checkRoles(roles: unknown): readonly string[] {
  if (!Array.isArray(roles)) throw invalidArgument('roles', 'expected an array of role names');
  const problem = roleListProblem(roles);
  if (problem !== undefined) {
    throw invalidArgument(problem[0] === undefined ? 'roles' : `roles[${problem[0]}]`, problem[1]);
  }
  return [...(roles as string[])];
}

/** A member certificate outliving its CA could never verify; refuse to make one. */
function checkWithinCa(validity: CertificateValidity, anchor: TrustAnchor): CertificateValidity {
  const ca = anchor.certificate;
  if (validity.notBefore < ca.notBefore || validity.notAfter > ca.notAfter) {
    throw invalidArgument(
      'validity',
      `${isoSeconds(validity.notBefore)}..${isoSeconds(validity.notAfter)} is not within the CA's validity ${isoSeconds(ca.notBefore)}..${isoSeconds(ca.notAfter)}`,
    );
  }
  return validity;
}

/** Nodes serve TLS and need at least one name; users and services carry none. */
function checkSubjectAltNames(
  kind: MemberKind,
  dnsNames: unknown,
  ipAddresses: unknown,
): x509.JsonGeneralNames {
  const names: x509.JsonGeneralNames = [];
  for (const [field, values, valid, type] of [
    ['dnsNames', dnsNames, isDnsName, 'dns'],
    ['ipAddresses', ipAddresses, isIpAddress, 'ip'],
  ] as const) {
    if (values === undefined) continue;
    if (!Array.isArray(values)) throw invalidArgument(field, 'expected an array of strings');
    if (values.length > 0 && kind !== 'node') {
      throw invalidArgument(
        field,
        `only node certificates carry subjectAltName, this is a ${kind}`,
      );
    }
    for (const [index, value] of values.entries()) {
      if (!valid(value))
        throw invalidArgument(`${field}[${index}]`, `${JSON.stringify(value)} is not valid`);
      if (values.indexOf(value) !== index) {
        throw invalidArgument(`${field}[${index}]`, `${JSON.stringify(value)} appears twice`);
      }
      names.push({ type, value });
    }
  }
  if (kind === 'node' && names.length === 0) {
    throw invalidArgument(
      'dnsNames',
      'a node certificate needs at least one DNS name or IP address',
    );
  }
  return names;
}

/** The given SPKI PEM (checked), or a freshly generated key pair. */
async function subjectPublicKey(
  publicKey: unknown,
  algorithmOption: unknown,
): Promise<{ spki: Uint8Array; privateKey?: CryptoKey }> {
  if (publicKey === undefined) {
    const keys = await generateKeyPair(checkAlgorithm(algorithmOption, 'algorithm'));
    return { spki: await exportSpkiDer(keys.publicKey), privateKey: keys.privateKey };
  }
  const spki = decodeSinglePem(publicKey, 'PUBLIC KEY', 'publicKey');
  let algorithm: CertificateKeyAlgorithm | undefined;
  try {
    algorithm = spkiKeyAlgorithm(AsnConvert.parse(spki, asnX509.SubjectPublicKeyInfo).algorithm);
  } catch (_error) {
    throw invalidArgument('publicKey', 'not a SubjectPublicKeyInfo');
  }
  if (algorithm === undefined) {
    throw invalidArgument('publicKey', 'not an ECDSA P-256 or Ed25519 public key');
  }
  if (algorithmOption !== undefined && checkAlgorithm(algorithmOption, 'algorithm') !== algorithm) {
    throw invalidArgument(
      'algorithm',
      `${String(algorithmOption)} differs from the ${algorithm} publicKey`,
    );
  }
  try {
    await importVerifyKey(spki, algorithm, 'publicKey');
  } catch (error) {
    if (error instanceof IdentityError) throw invalidArgument('publicKey', error.message);
    throw error;
  }
  return { spki };
}
