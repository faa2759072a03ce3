// RevocationList: an immutable set of (organisation, serial) with a canonical order.
import fc from 'fast-check';
import { IdentityError, RevocationList } from '../../src/identity';

describe('RevocationList', () => {
  it('revoke_returnsANewListAndLeavesTheOldOneAlone', () => {
    const empty = RevocationList.EMPTY;
    const one = empty.revoke('tax-bureau-sz', 'ab12');
    expect(one).not.toBe(empty);
    expect(empty.size).toBe(0);
    expect(one.isRevoked('tax-bureau-sz', 'ab12')).toBe(true);
    expect(one.isRevoked('bank-of-trellis', 'ab12')).toBe(false);
    expect(one.revoke('tax-bureau-sz', 'ab12')).toBe(one);
    expect(Object.isFrozen(one)).toBe(true);
  });

  it('comparesSerialsAsIntegers', () => {
    const list = RevocationList.EMPTY.revoke('tax-bureau-sz', '00AB12');
    expect(list.isRevoked('tax-bureau-sz', 'ab12')).toBe(true);
    expect(list.isRevoked('tax-bureau-sz', '0000ab12')).toBe(true);
    expect(list.entries()).toEqual([{ orgId: 'tax-bureau-sz', serialHex: 'ab12' }]);
    expect(RevocationList.EMPTY.revoke('court-sz', 'f').entries()).toEqual([
      { orgId: 'court-sz', serialHex: '0f' },
    ]);
  });

  it('entries_areOrderedByOrganisationThenSerial_whateverTheInsertionOrder', () => {
    const entry = fc.record({
      orgId: fc.constantFrom('a-org', 'b-org', 'a-org-2', 'zz'),
      serialHex: fc.stringMatching(/^[1-9a-f][0-9a-f]{0,15}$/),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), fc.nat(), (entries, seed) => {
        const shuffled = [...entries].sort(
          (x, y) => ((x.serialHex.length * 31 + seed) % 7) - ((y.serialHex.length * 31 + seed) % 7),
        );
        const a = RevocationList.from(entries).entries();
        const b = RevocationList.from(shuffled).entries();
        expect(a).toEqual(b);
        for (let i = 1; i < a.length; i++) {
          const [prev, next] = [a[i - 1], a[i]];
          if (prev === undefined || next === undefined) continue;
          const serialOrder =
            prev.serialHex.length - next.serialHex.length ||
            (prev.serialHex < next.serialHex ? -1 : 1);
          expect(prev.orgId < next.orgId || (prev.orgId === next.orgId && serialOrder < 0)).toBe(
            true,
          );
        }
      }),
      { numRuns: 200 },
    );
  });

  it('isRevoked_canBeHandedOverDetached', () => {
    const { isRevoked } = RevocationList.EMPTY.revoke('court-sz', '01');
    expect(isRevoked('court-sz', '1')).toBe(true);
  });

  it.each<[string, string, string]>([
    ['Court', '01', 'orgId'],
    ['court-sz', '', 'serialHex'],
    ['court-sz', 'xyz', 'serialHex'],
    ['court-sz', '00', 'serialHex'],
    ['court-sz', 'ff'.repeat(21), 'serialHex'],
  ])('refuses (%j, %j) naming %s', (orgId, serialHex, field) => {
    let caught: unknown;
    try {
      RevocationList.EMPTY.revoke(orgId, serialHex);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IdentityError);
    expect((caught as IdentityError).type).toEqual({ code: 'invalid-argument', field });
  });
});
