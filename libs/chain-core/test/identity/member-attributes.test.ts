// The member-attributes extension: its OID (X.667 derivation), known-answer encodings, and a
// property test that decoding inverts encoding and accepts nothing else.
import fc from 'fast-check';
import {
  decodeMemberAttributes,
  encodeMemberAttributes,
  IdentityError,
  MAX_ROLES,
  MEMBER_ATTRIBUTES_OID,
  MEMBER_KINDS,
  TRELLIS_OID_ARC,
  TRELLIS_OID_UUID,
  uuidToOid,
} from '../../src/identity';

describe('OIDs', () => {
  it('deriveFromTheFixedUuid_perX667', () => {
    // 0xb6b7769fd6674170a2cb3d838c9e6052 in decimal, computed independently (Python int()).
    expect(TRELLIS_OID_UUID).toBe('b6b7769f-d667-4170-a2cb-3d838c9e6052');
    expect(TRELLIS_OID_ARC).toBe('2.25.242872091545932253482429080532542185554');
    expect(MEMBER_ATTRIBUTES_OID).toBe(`${TRELLIS_OID_ARC}.1`);
    // X.667 §6.3's own example.
    expect(uuidToOid('f81d4fae-7dec-11d0-a765-00a0c91e6bf6')).toBe(
      '2.25.329800735698586629295641978511506172918',
    );
  });
});

describe('MemberAttributes DER', () => {
  it.each<[(typeof MEMBER_KINDS)[number], string[], string]>([
    // SEQUENCE { ENUMERATED 0, SEQUENCE { UTF8String "invoice-issuer", UTF8String "reimburser" } }
    [
      'user',
      ['invoice-issuer', 'reimburser'],
      '30210a0100301c0c0e696e766f6963652d6973737565720c0a7265696d627572736572',
    ],
    ['service', ['a'], '30080a010130030c0161'],
    ['node', ['validator'], '30100a0102300b0c0976616c696461746f72'],
  ])('encodes %s %j as known bytes', (kind, roles, hex) => {
    const der = encodeMemberAttributes(kind, roles);
    expect(Buffer.from(der).toString('hex')).toBe(hex);
    expect(decodeMemberAttributes(der)).toEqual({ ok: true, attributes: { kind, roles } });
  });

  it('decodesAnEmptyRoleListAsNoRoles', () => {
    expect(decodeMemberAttributes(Buffer.from('30050a01003000', 'hex'))).toEqual({
      ok: false,
      reason: 'no-roles',
    });
  });

  it('roundTripsEveryValidValue', () => {
    const role = fc.stringMatching(/^[a-z][a-z0-9-]{0,62}$/);
    fc.assert(
      fc.property(
        fc.constantFrom(...MEMBER_KINDS),
        fc.uniqueArray(role, { minLength: 1, maxLength: MAX_ROLES }),
        (kind, roles) => {
          expect(decodeMemberAttributes(encodeMemberAttributes(kind, roles))).toEqual({
            ok: true,
            attributes: { kind, roles },
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refusesAnyMutationThatIsNotAnotherValidEncoding', () => {
    const base = encodeMemberAttributes('user', ['invoice-issuer', 'reimburser']);
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.integer({ min: 1, max: 255 }), (index, xor) => {
        const mutated = Uint8Array.from(base);
        mutated[index] = (mutated[index] ?? 0) ^ xor;
        let decoded: ReturnType<typeof decodeMemberAttributes> | IdentityError;
        try {
          decoded = decodeMemberAttributes(mutated);
        } catch (error) {
          expect(error).toBeInstanceOf(IdentityError);
          return;
        }
        // Survivors (e.g. a changed role letter) must re-encode to exactly the mutated bytes.
        if (!decoded.ok) throw new Error('an empty role list cannot come from this mutation');
        expect(encodeMemberAttributes(decoded.attributes.kind, decoded.attributes.roles)).toEqual(
          mutated,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('refusesToEncodeWhatBreaksTheProfile', () => {
    expect(() => encodeMemberAttributes('user', [])).toThrow(TypeError);
    expect(() => encodeMemberAttributes('robot' as never, ['a'])).toThrow(TypeError);
  });
});
