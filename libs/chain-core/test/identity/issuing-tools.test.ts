// createOrgCa and issueMemberCertificate: what they make, and every bad argument refused with
// the field it concerns.
import { type webcrypto, X509Certificate } from 'node:crypto';
import {
  createOrgCa,
  type CreateOrgCaOptions,
  issueMemberCertificate,
  type IssueMemberCertificateOptions,
  verifyMember,
} from '../../src/identity';
import {
  AT,
  CA_VALIDITY,
  expectCode,
  makeOrg,
  MEMBER_VALIDITY,
  NEVER_REVOKED,
  type TestOrg,
} from './support';

let org: TestOrg;
let other: TestOrg;
beforeAll(async () => {
  [org, other] = await Promise.all([makeOrg('supplier-x'), makeOrg('supplier-y', 'ed25519')]);
});

const memberOptions = (
  overrides: Partial<Record<keyof IssueMemberCertificateOptions, unknown>> = {},
) =>
  ({
    ca: org.ca.certificate,
    caKey: org.ca.privateKey,
    subjectName: 'carol',
    kind: 'user',
    roles: ['supplier'],
    validity: MEMBER_VALIDITY,
    ...overrides,
  }) as IssueMemberCertificateOptions & { readonly publicKey?: undefined };

describe('createOrgCa', () => {
  it('makesARootWithAPkcs8Key_andRandom128BitSerials', async () => {
    const [a, b] = await Promise.all([
      createOrgCa({ orgId: 'core-enterprise', name: 'Core Enterprise Ltd', validity: CA_VALIDITY }),
      createOrgCa({ orgId: 'core-enterprise', name: 'Core Enterprise Ltd', validity: CA_VALIDITY }),
    ]);
    expect(a.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const [certA, certB] = [new X509Certificate(a.certificate), new X509Certificate(b.certificate)];
    expect(certA.ca).toBe(true);
    expect(certA.subject).toBe('O=core-enterprise\nCN=Core Enterprise Ltd');
    expect(certA.validFrom).toBe('Jan  1 00:00:00 2025 GMT');
    expect(certA.serialNumber).not.toBe(certB.serialNumber);
    expect(certA.serialNumber.replace(/^00/, '').length).toBeLessThanOrEqual(32);
  });

  it('truncatesTimesToWholeSeconds', async () => {
    const ca = await createOrgCa({
      orgId: 'core-enterprise',
      name: 'Core',
      validity: { notBefore: new Date('2025-01-01T00:00:00.999Z'), notAfter: CA_VALIDITY.notAfter },
    });
    expect(new X509Certificate(ca.certificate).validFrom).toBe('Jan  1 00:00:00 2025 GMT');
  });

  it.each<[string, Partial<Record<keyof CreateOrgCaOptions, unknown>>, string]>([
    ['an upper-case org id', { orgId: 'Tax' }, 'orgId'],
    ['a one-letter org id', { orgId: 't' }, 'orgId'],
    ['an empty name', { name: '' }, 'name'],
    ['a 65-character name', { name: 'x'.repeat(65) }, 'name'],
    ['a padded name', { name: ' Tax ' }, 'name'],
    [
      'a reversed validity',
      { validity: { notBefore: CA_VALIDITY.notAfter, notAfter: CA_VALIDITY.notBefore } },
      'validity',
    ],
    [
      'a validity without dates',
      { validity: { notBefore: '2025-01-01', notAfter: CA_VALIDITY.notAfter } },
      'validity.notBefore',
    ],
    [
      'a validity beyond 9999',
      {
        validity: {
          notBefore: CA_VALIDITY.notBefore,
          notAfter: new Date('+010000-01-01T00:00:00Z'),
        },
      },
      'validity.notAfter',
    ],
    ['an unknown algorithm', { algorithm: 'sm2' }, 'algorithm'],
  ])('refuses %s', async (_what, override, field) => {
    const options = { orgId: 'tax-bureau-sz', name: 'Tax', validity: CA_VALIDITY, ...override };
    const error = await expectCode(createOrgCa(options as CreateOrgCaOptions), 'invalid-argument');
    expect(error.type).toEqual({ code: 'invalid-argument', field });
  });
});

describe('issueMemberCertificate', () => {
  it('generatesAKeyWhenNoneIsGiven_matchingTheCertificate', async () => {
    const issued = await issueMemberCertificate(memberOptions({ algorithm: 'ed25519' }));
    const member = await verifyMember(issued.certificate, {
      orgs: [org.org],
      at: AT,
      isRevoked: NEVER_REVOKED,
    });
    expect(member.publicKeyAlgorithm).toBe('ed25519');
    const key = await crypto.subtle.importKey(
      'pkcs8',
      Buffer.from(issued.privateKey.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'),
      { name: 'Ed25519' },
      true,
      ['sign'],
    );
    const signature = await crypto.subtle.sign('Ed25519', key, new Uint8Array([1, 2, 3]));
    const publicKey = await crypto.subtle.importKey(
      'spki',
      member.publicKey,
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    expect(
      await crypto.subtle.verify('Ed25519', publicKey, signature, new Uint8Array([1, 2, 3])),
    ).toBe(true);
  });

  it.each<[string, Partial<Record<keyof IssueMemberCertificateOptions, unknown>>, string]>([
    ['no roles', { roles: [] }, 'roles'],
    ['33 roles', { roles: Array.from({ length: 33 }, (_, i) => `role-${i}`) }, 'roles'],
    ['a duplicated role', { roles: ['supplier', 'auditor', 'supplier'] }, 'roles[2]'],
    ['an upper-case role', { roles: ['supplier', 'Auditor'] }, 'roles[1]'],
    ['a 64-character role', { roles: [`r${'x'.repeat(63)}`] }, 'roles[0]'],
    ['roles that are not an array', { roles: 'supplier' }, 'roles'],
    ['an unknown kind', { kind: 'robot' }, 'kind'],
    ['an empty subject name', { subjectName: '' }, 'subjectName'],
    ['a node without names', { kind: 'node' }, 'dnsNames'],
    ['a user with a DNS name', { dnsNames: ['carol.example'] }, 'dnsNames'],
    ['a wildcard DNS name', { kind: 'node', dnsNames: ['*.example'] }, 'dnsNames[0]'],
    ['a bad IP address', { kind: 'node', ipAddresses: ['10.0.0.256'] }, 'ipAddresses[0]'],
    [
      'a repeated IP address',
      { kind: 'node', ipAddresses: ['10.0.0.1', '10.0.0.1'] },
      'ipAddresses[1]',
    ],
    [
      'a validity outside the CA',
      {
        validity: {
          notBefore: MEMBER_VALIDITY.notBefore,
          notAfter: new Date('2036-01-01T00:00:00Z'),
        },
      },
      'validity',
    ],
    ['another CA key', { caKey: 'other' }, 'caKey'],
    ['a CA key that is not PEM', { caKey: 'not a key' }, 'caKey'],
    ['a public key that is not PEM', { publicKey: 'not a key' }, 'publicKey'],
    [
      'a public key of another algorithm than asked',
      { publicKey: 'ed25519', algorithm: 'ecdsa-p256' },
      'algorithm',
    ],
  ])('refuses %s', async (_what, override, field) => {
    const resolved = { ...override };
    if (override.caKey === 'other')
      resolved.caKey = (
        await createOrgCa({ orgId: 'supplier-x', name: 'x', validity: CA_VALIDITY })
      ).privateKey;
    if (override.publicKey === 'ed25519') {
      const keys = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
        'sign',
        'verify',
      ])) as webcrypto.CryptoKeyPair;
      const spki = Buffer.from(await crypto.subtle.exportKey('spki', keys.publicKey)).toString(
        'base64',
      );
      resolved.publicKey = `-----BEGIN PUBLIC KEY-----\n${spki}\n-----END PUBLIC KEY-----\n`;
    }
    const error = await expectCode(
      issueMemberCertificate(memberOptions(resolved)),
      'invalid-argument',
    );
    expect(error.type).toEqual({ code: 'invalid-argument', field });
  });

  it('refusesACaCertificateThatIsNotACa', async () => {
    const member = await issueMemberCertificate(memberOptions());
    await expectCode(
      issueMemberCertificate(memberOptions({ ca: member.certificate, caKey: member.privateKey })),
      'not-a-ca',
    );
  });

  it('refusesAnotherOrganisationsCaKey', async () => {
    // An Ed25519 key for a P-256 CA: not even the right algorithm.
    const error = await expectCode(
      issueMemberCertificate(memberOptions({ caKey: other.ca.privateKey })),
      'invalid-argument',
    );
    expect(error.message).toBe('caKey: not a PKCS#8 ecdsa-p256 private key');
  });
});
