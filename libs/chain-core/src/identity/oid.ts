/**
 * Object identifiers of the Trellis certificate profile.
 *
 * Trellis owns no registered OID arc. ITU-T X.667 | ISO/IEC 9834-8 §6.3 gives every UUID an OID
 * without registration: `2.25.<the UUID read as one unsigned 128-bit integer, in decimal>`. The
 * UUID below was generated once (random, version 4) for this purpose and never changes; the
 * profile's OIDs hang under the arc it names.
 */
import { AsnConvert, OctetString, asnX509 } from './x509-runtime';

export const TRELLIS_OID_UUID = 'b6b7769f-d667-4170-a2cb-3d838c9e6052';

/** `2.25.` + the UUID as an integer (X.667 §6.3). */
export function uuidToOid(uuid: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(uuid)) {
    throw new TypeError(`uuid: expected a lower-case hyphenated UUID, got ${JSON.stringify(uuid)}`);
  }
  return `2.25.${BigInt(`0x${uuid.replace(/-/g, '')}`).toString(10)}`;
}

/** 2.25.242872091545932253482429080532542185554 */
export const TRELLIS_OID_ARC = uuidToOid(TRELLIS_OID_UUID);

/** The member-attributes extension (kind and roles): `<arc>.1`. */
export const MEMBER_ATTRIBUTES_OID = `${TRELLIS_OID_ARC}.1`;

/**
 * How asn1js spells MEMBER_ATTRIBUTES_OID after *parsing* it. asn1js 3 cannot turn an arc wider
 * than 56 bits back into decimal: it prints it as `{hex}` (e.g. `2.25.{026d…52}.1`), and
 * asn1-schema cannot re-encode that string. So the profile never re-serialises a parsed
 * extension list (see build-certificate.ts) and recognises the extension by this parsed
 * spelling, computed with the very parser that produces it.
 */
export const MEMBER_ATTRIBUTES_OID_AS_PARSED = AsnConvert.parse(
  AsnConvert.serialize(
    new asnX509.Extension({
      extnID: MEMBER_ATTRIBUTES_OID,
      critical: false,
      extnValue: new OctetString(new Uint8Array(0)),
    }),
  ),
  asnX509.Extension,
).extnID;

/** OIDs of the standard parts the profile uses (RFC 5280, RFC 5480, RFC 5758, RFC 8410). */
export const OID = {
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  idEcPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ed25519: '1.3.101.112',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;
