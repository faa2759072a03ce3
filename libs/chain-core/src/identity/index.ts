// Public face of the identity layer (DESIGN.md §4, docs/spec/identity.md): organisations and
// their root CAs, member certificates carrying roles, verification, revocation.
export { createOrgCa } from './create-org-ca';
export type { CreateOrgCaOptions, OrgCa } from './create-org-ca';
export { IdentityError } from './identity-error';
export type { CertificateSubject, IdentityErrorCode, IdentityErrorType } from './identity-error';
export { issueMemberCertificate } from './issue-member-certificate';
export type {
  IssuedMemberCertificate,
  IssuedMemberCertificateWithKey,
  IssueMemberCertificateOptions,
} from './issue-member-certificate';
export { decodeMemberAttributes, encodeMemberAttributes } from './member-attributes';
export type { DecodedMemberAttributes, MemberAttributes } from './member-attributes';
export { MEMBER_ATTRIBUTES_OID, TRELLIS_OID_ARC, TRELLIS_OID_UUID, uuidToOid } from './oid';
export { Organisation } from './organisation';
export type { OrganisationInput } from './organisation';
export {
  MAX_ROLES,
  MEMBER_KINDS,
  ORG_ID_PATTERN,
  ROLE_PATTERN,
  isOrgId,
  isRole,
} from './profile-rules';
export type { CertificateKeyAlgorithm, MemberKind } from './profile-rules';
export { RevocationList } from './revocation-list';
export type { RevocationEntry } from './revocation-list';
export type { CertificateValidity } from './tool-arguments';
export { verifyMember } from './verify-member';
export type { Member, VerifyMemberOptions } from './verify-member';
export { MAX_CERTIFICATE_BYTES } from './x509-runtime';
