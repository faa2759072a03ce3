/**
 * The value rules of the certificate profile (docs/spec/identity.md §2), each a named predicate
 * shared by the issuing tools (which refuse bad arguments) and by verification (which refuses bad
 * certificates).
 */

/** Organisation identifier: lower-case, starts with a letter, 2..63 characters. */
export const ORG_ID_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;

/** Role name: lower-case, starts with a letter, 1..63 characters. */
export const ROLE_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

export const MAX_ROLES = 32;

/** RFC 5280 Appendix A `ub-common-name`. */
export const MAX_NAME_LENGTH = 64;

export const MEMBER_KINDS = ['user', 'service', 'node'] as const;
export type MemberKind = (typeof MEMBER_KINDS)[number];

export type CertificateKeyAlgorithm = 'ecdsa-p256' | 'ed25519';
export const CERTIFICATE_KEY_ALGORITHMS: readonly CertificateKeyAlgorithm[] = [
  'ecdsa-p256',
  'ed25519',
];

export function isOrgId(value: unknown): value is string {
  return typeof value === 'string' && ORG_ID_PATTERN.test(value);
}

export function isRole(value: unknown): value is string {
  return typeof value === 'string' && ROLE_PATTERN.test(value);
}

export function isMemberKind(value: unknown): value is MemberKind {
  return typeof value === 'string' && (MEMBER_KINDS as readonly string[]).includes(value);
}

/**
 * Why a role list breaks the profile (1..32 unique roles, each matching ROLE_PATTERN), or
 * undefined when it is fine. `[index, reason]` so callers can name the element.
 */
export function roleListProblem(
  roles: readonly unknown[],
): [number | undefined, string] | undefined {
  if (roles.length === 0) return [undefined, 'at least one role is required'];
  if (roles.length > MAX_ROLES) return [undefined, `${roles.length} roles, at most ${MAX_ROLES}`];
  const seen = new Set<string>();
  for (const [index, role] of roles.entries()) {
    if (!isRole(role)) return [index, `${JSON.stringify(role)} does not match ${ROLE_PATTERN}`];
    if (seen.has(role)) return [index, `${JSON.stringify(role)} appears twice`];
    seen.add(role);
  }
  return undefined;
}

/**
 * A display name (organisation name, member name) as it goes into a `CN`: 1..64 characters
 * (RFC 5280 ub-common-name), no control characters, no leading or trailing white space.
 */
export function displayNameProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  const length = [...value].length;
  if (length === 0 || length > MAX_NAME_LENGTH) {
    return `must be 1..${MAX_NAME_LENGTH} characters, got ${length}`;
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) return 'must not contain control characters';
  if (value.trim() !== value) return 'must not start or end with white space';
  return undefined;
}

/** A DNS name for a node's subjectAltName: lower-case LDH labels (RFC 1123), no wildcard. */
export function isDnsName(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253) return false;
  return value.split('.').every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label));
}

/** Dotted-quad IPv4 without leading zeros, or an IPv6 address (any RFC 4291 text form). */
export function isIpAddress(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 45) return false;
  const octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
  if (new RegExp(`^${octet}(\\.${octet}){3}$`).test(value)) return true;
  if (!/^[0-9a-fA-F:.]+$/.test(value) || !value.includes(':')) return false;
  try {
    // WHATWG URL parsing implements the RFC 4291 §2.2 text forms; it is in Node and browsers.
    return new URL(`http://[${value}]/`).hostname.startsWith('[');
  } catch (_error) {
    return false;
  }
}
