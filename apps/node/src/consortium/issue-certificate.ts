/**
 * `trellis-node cert issue`: a member certificate from an organisation's CA in a consortium
 * directory, with a fresh key pair (Ed25519 for users and services, who sign transactions;
 * P-256 for nodes, which speak TLS). The certificate is checked with `verifyMember` before it is
 * written, so a file this writes is a member certificate.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  IdentityError,
  isOrgId,
  issueMemberCertificate,
  type Member,
  MEMBER_KINDS,
  type MemberKind,
  ORG_ID_PATTERN,
  Organisation,
  verifyMember,
} from '@trellis/chain-core';
import { consortiumError } from './consortium-error';
import { loadPem, writePrivateFile, writePublicFile } from './key-files';
import { normalisePem } from './pem';
import { CLOCK_SKEW_MS, DAY_MS, LOCAL_NODE_NAMES, MEMBER_KEY_ALGORITHM, orgDir } from './layout';

export interface IssueCertificateOptions {
  /** The consortium directory (holding `orgs/<org>/ca.pem` and `ca.key`). */
  readonly dir: string;
  /** The issuing organisation's id. */
  readonly org: string;
  readonly kind: MemberKind;
  /** The subject CN. */
  readonly name: string;
  readonly roles: readonly string[];
  /** Path prefix of the output: `<out>.pem` and `<out>.key` (neither may exist). */
  readonly out: string;
  /** From now (less an hour of clock skew); must end within the CA's validity. */
  readonly validityDays: number;
  /** Nodes only; default `localhost` and `127.0.0.1` when neither is given. */
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  /** The time validity starts from; default the wall clock. */
  readonly now?: Date;
}

export interface IssuedCertificate {
  readonly certificateFile: string;
  readonly keyFile: string;
  /** The certificate as `verifyMember` reads it now. */
  readonly member: Member;
}

/** An organisation's CA as its directory holds it. */
export interface OrgCaFiles {
  readonly certificate: string;
  readonly privateKey: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Issues a certificate with a fresh key and writes `<out>.pem` and `<out>.key` (0600). */
export async function issueCertificate(
  options: IssueCertificateOptions,
): Promise<IssuedCertificate> {
  if (typeof options !== 'object' || options === null) {
    throw consortiumError('invalid-argument', 'options', 'expected an options object');
  }
  const { dir, org, kind, out, validityDays } = options;
  if (typeof dir !== 'string' || dir === '') {
    throw consortiumError('invalid-argument', 'dir', 'expected the consortium directory');
  }
  if (!isOrgId(org)) {
    throw consortiumError(
      'invalid-argument',
      'org',
      `${JSON.stringify(org)} does not match ${ORG_ID_PATTERN}`,
    );
  }
  if (!(MEMBER_KINDS as readonly unknown[]).includes(kind)) {
    throw consortiumError(
      'invalid-argument',
      'kind',
      `expected one of ${MEMBER_KINDS.join(', ')}, got ${JSON.stringify(kind)}`,
    );
  }
  if (!Number.isInteger(validityDays) || validityDays < 1) {
    throw consortiumError(
      'invalid-argument',
      'validityDays',
      `expected a whole number of days ≥ 1, got ${String(validityDays)}`,
    );
  }
  if (typeof out !== 'string' || out === '') {
    throw consortiumError('invalid-argument', 'out', 'expected an output path prefix');
  }
  const certificateFile = resolve(`${out}.pem`);
  const keyFile = resolve(`${out}.key`);
  for (const file of [certificateFile, keyFile]) {
    if (existsSync(file))
      throw consortiumError('file-exists', 'out', 'exists already; not overwritten', file);
  }
  const now = checkNow(options.now);
  const ca = loadOrgCa(dir, org);
  const sans =
    kind === 'node' && options.dnsNames === undefined && options.ipAddresses === undefined
      ? LOCAL_NODE_NAMES
      : { dnsNames: options.dnsNames ?? [], ipAddresses: options.ipAddresses ?? [] };
  const issued = await issueWithFreshKey(ca, {
    kind,
    name: options.name,
    roles: options.roles,
    validity: memberValidity(ca, now, validityDays),
    ...sans,
  });
  const organisation = await Organisation.load({
    id: org,
    name: org,
    rootCertificate: ca.certificate,
  });
  const member = await verifyMember(issued.certificate, {
    orgs: [organisation],
    at: now,
    isRevoked: () => false,
  });
  writePrivateFile(keyFile, issued.privateKey);
  writePublicFile(certificateFile, issued.certificate);
  return Object.freeze({ certificateFile, keyFile, member });
}

/** Reads `orgs/<org>/ca.pem` and `ca.key` (which must be owner-only). */
export function loadOrgCa(dir: string, org: string): OrgCaFiles {
  const base = orgDir(resolve(dir), org);
  const certificate = loadPem(join(base, 'ca.pem'), 'CERTIFICATE');
  const privateKey = loadPem(join(base, 'ca.key'), 'PRIVATE KEY');
  const parsed = new X509Certificate(certificate);
  return Object.freeze({
    certificate,
    privateKey,
    notBefore: new Date(parsed.validFrom),
    notAfter: new Date(parsed.validTo),
  });
}

/**
 * `validityDays` from `now` less the clock skew allowance (not before the CA's own start).
 * Refused when it would outlive the CA: such a certificate could never verify at its end.
 */
export function memberValidity(
  ca: Pick<OrgCaFiles, 'notBefore' | 'notAfter'>,
  now: Date,
  validityDays: number,
): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(Math.max(now.getTime() - CLOCK_SKEW_MS, ca.notBefore.getTime()));
  const notAfter = new Date(notBefore.getTime() + validityDays * DAY_MS);
  if (notAfter > ca.notAfter) {
    throw consortiumError(
      'invalid-argument',
      'validityDays',
      `${validityDays} days from ${notBefore.toISOString()} ends after the CA does (${ca.notAfter.toISOString()})`,
    );
  }
  return { notBefore, notAfter };
}

/** What a member certificate says, besides who issues it. */
export interface MemberRequest {
  readonly kind: MemberKind;
  readonly name: string;
  readonly roles: readonly string[];
  readonly validity: { notBefore: Date; notAfter: Date };
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
}

/**
 * `issueMemberCertificate` with a key generated for the kind (MEMBER_KEY_ALGORITHM), PEM in
 * the strict form; the identity layer's refusals become `invalid-argument` naming the option.
 */
export async function issueWithFreshKey(
  ca: Pick<OrgCaFiles, 'certificate' | 'privateKey'>,
  request: MemberRequest,
): Promise<{ certificate: string; privateKey: string }> {
  try {
    const issued = await issueMemberCertificate({
      ca: ca.certificate,
      caKey: ca.privateKey,
      subjectName: request.name,
      kind: request.kind,
      roles: request.roles,
      algorithm: MEMBER_KEY_ALGORITHM[request.kind],
      validity: request.validity,
      dnsNames: request.dnsNames,
      ipAddresses: request.ipAddresses,
    });
    return {
      certificate: normalisePem(issued.certificate),
      privateKey: normalisePem(issued.privateKey),
    };
  } catch (error) {
    if (error instanceof IdentityError && error.type.code === 'invalid-argument') {
      const field = error.type.field === 'subjectName' ? 'name' : error.type.field;
      // The identity layer's message starts with its own field name; this one names ours.
      throw consortiumError('invalid-argument', field, error.message.replace(/^[^:]*: /, ''));
    }
    throw error;
  }
}

function checkNow(now: unknown): Date {
  if (now === undefined) return new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw consortiumError('invalid-argument', 'now', 'expected a valid Date');
  }
  return now;
}
