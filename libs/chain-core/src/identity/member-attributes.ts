/**
 * The member-attributes extension (docs/spec/identity.md §3):
 *
 * ```asn1
 * id-trellis-memberAttributes OBJECT IDENTIFIER ::= { 2 25 242872091545932253482429080532542185554 1 }
 *
 * MemberAttributes ::= SEQUENCE {
 *   kind   MemberKind,
 *   roles  SEQUENCE SIZE (1..32) OF Role }
 *
 * MemberKind ::= ENUMERATED { user (0), service (1), node (2) }
 *
 * Role ::= UTF8String (FROM ("a".."z" | "0".."9" | "-")) (SIZE (1..63))
 *   -- lower-case, starts with a letter, unique within `roles`
 * ```
 */
import { AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';
import { malformed } from './identity-error';
import { MEMBER_KINDS, type MemberKind, roleListProblem } from './profile-rules';
import { AsnConvert, sameBytes } from './x509-runtime';

@AsnType({ type: AsnTypeTypes.Sequence })
class MemberAttributesAsn {
  @AsnProp({ type: AsnPropTypes.Enumerated })
  kind = 0;

  @AsnProp({ type: AsnPropTypes.Utf8String, repeated: 'sequence' })
  roles: string[] = [];
}

export interface MemberAttributes {
  readonly kind: MemberKind;
  readonly roles: readonly string[];
}

/**
 * DER of MemberAttributes. The arguments must already satisfy the profile (the issuing tool
 * checks them and names the bad field); this re-checks and throws a plain TypeError otherwise.
 */
export function encodeMemberAttributes(kind: MemberKind, roles: readonly string[]): Uint8Array {
  const kindNumber = MEMBER_KINDS.indexOf(kind);
  const problem = roleListProblem(roles);
  if (kindNumber < 0 || problem !== undefined) {
    throw new TypeError(`encodeMemberAttributes: ${problem?.[1] ?? `unknown kind ${kind}`}`);
  }
  const value = new MemberAttributesAsn();
  value.kind = kindNumber;
  value.roles = [...roles];
  return new Uint8Array(AsnConvert.serialize(value));
}

/** The outcome of reading the extension value: its attributes, or "present but no roles". */
export type DecodedMemberAttributes =
  | { readonly ok: true; readonly attributes: MemberAttributes }
  | { readonly ok: false; readonly reason: 'no-roles' };

/**
 * Decodes the extension value strictly: it must be exactly the DER that `encodeMemberAttributes`
 * would produce for the decoded values (so no BER variants, other string types or trailing
 * bytes), with a known kind and 1..32 unique well-formed roles. An empty role list is reported
 * as `no-roles` (the certificate grants nothing: verification says `missing-roles`).
 */
export function decodeMemberAttributes(
  value: Uint8Array,
  field = 'memberAttributes',
): DecodedMemberAttributes {
  let parsed: MemberAttributesAsn;
  try {
    parsed = AsnConvert.parse(value, MemberAttributesAsn);
  } catch (error) {
    throw malformed(
      field,
      `member-attributes extension is not a MemberAttributes SEQUENCE (${describe(error)})`,
    );
  }
  const kind = MEMBER_KINDS[parsed.kind];
  if (!Number.isSafeInteger(parsed.kind) || kind === undefined) {
    throw malformed(
      field,
      `member-attributes kind ${String(parsed.kind)} is not one of user(0), service(1), node(2)`,
    );
  }
  if (parsed.roles.length === 0) {
    if (!sameBytes(AsnConvert.serialize(parsed), value)) {
      throw malformed(field, 'member-attributes extension is not DER');
    }
    return { ok: false, reason: 'no-roles' };
  }
  const problem = roleListProblem(parsed.roles);
  if (problem !== undefined) {
    const where = problem[0] === undefined ? '' : ` (role ${problem[0]})`;
    throw malformed(field, `member-attributes roles break the profile${where}: ${problem[1]}`);
  }
  if (!sameBytes(encodeMemberAttributes(kind, parsed.roles), value)) {
    throw malformed(field, 'member-attributes extension is not the DER encoding of its content');
  }
  return { ok: true, attributes: Object.freeze({ kind, roles: Object.freeze([...parsed.roles]) }) };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
