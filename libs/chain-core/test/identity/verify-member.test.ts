// verifyMember: what it accepts, and each refusal with its typed code, metadata and message.
// Adversarial certificates our tools refuse to make are made with the openssl CLI.
import { type webcrypto, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createOrgCa,
  encodeMemberAttributes,
  issueMemberCertificate,
  MAX_CERTIFICATE_BYTES,
  MEMBER_ATTRIBUTES_OID,
  Organisation,
  RevocationList,
  verifyMember,
} from '../../src/identity';
import {
  caConfig,
  memberExtensionsDer,
  opensslCa,
  type OpensslKeyType,
  opensslMember,
} from './openssl-recipes';
import {
  AT,
  CA_VALIDITY,
  expectCode,
  issueUser,
  makeOrg,
  MEMBER_VALIDITY,
  NEVER_REVOKED,
  opensslOk,
  Scratch,
  type TestOrg,
} from './support';

const ROLES_HEX = Buffer.from(encodeMemberAttributes('user', ['invoice-issuer'])).toString('hex');

let scratch: Scratch;
let taxBureau: TestOrg;
let bank: TestOrg;
/** A CA valid 2020..2100, for certificates openssl makes with validity starting now. */
let longLived: TestOrg;

beforeAll(async () => {
  scratch = new Scratch();
  [taxBureau, bank, longLived] = await Promise.all([
    makeOrg('tax-bureau-sz'),
    makeOrg('bank-of-trellis', 'ed25519'),
    makeOrg('merchant-a', 'ecdsa-p256', {
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2100-01-01T00:00:00Z'),
    }),
  ]);
});
afterAll(() => scratch.dispose());

const options = (overrides: Partial<Parameters<typeof verifyMember>[1]> = {}) => ({
  orgs: [taxBureau.org, bank.org, longLived.org],
  at: AT,
  isRevoked: NEVER_REVOKED,
  ...overrides,
});

/**
 * A member certificate issued by openssl from `longLived`'s CA with `extensions`, and the time
 * one hour into its validity (openssl starts validity now).
 */
function craft(
  name: string,
  extensions: string,
  subject: { orgId?: string; type?: OpensslKeyType } = {},
): { pem: string; at: Date } {
  const ca = {
    certificate: scratch.write('long-ca.pem', longLived.ca.certificate),
    key: scratch.write('long-ca.key', longLived.ca.privateKey),
  };
  const result = opensslMember(
    scratch,
    name,
    ca,
    { orgId: subject.orgId ?? 'merchant-a', name, type: subject.type ?? 'P-256' },
    extensions,
  );
  if (result.status !== 0) throw new Error(result.output);
  const pem = readFileSync(result.certificate, 'utf8');
  return { pem, at: new Date(Date.parse(new X509Certificate(pem).validFrom) + 3_600_000) };
}

describe('verifyMember accepts', () => {
  it('aGoodCertificate_returningWhatItSays', async () => {
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
    const spkiPem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(spki).toString('base64')}\n-----END PUBLIC KEY-----\n`;
    const issued = await issueMemberCertificate({
      ca: taxBureau.ca.certificate,
      caKey: taxBureau.ca.privateKey,
      subjectName: 'Zhang Wei 张伟',
      kind: 'service',
      roles: ['invoice-issuer', 'reimburser'],
      publicKey: spkiPem,
      validity: MEMBER_VALIDITY,
    });
    expect(Object.keys(issued)).toEqual(['certificate']);

    const member = await verifyMember(issued.certificate, options({ requireRole: 'reimburser' }));
    expect(member).toMatchObject({
      orgId: 'tax-bureau-sz',
      name: 'Zhang Wei 张伟',
      kind: 'service',
      roles: ['invoice-issuer', 'reimburser'],
      publicKeyAlgorithm: 'ecdsa-p256',
      notBefore: MEMBER_VALIDITY.notBefore,
      notAfter: MEMBER_VALIDITY.notAfter,
      dnsNames: [],
      ipAddresses: [],
    });
    expect(member.publicKey).toEqual(spki);
    expect(member.serialHex).toMatch(/^(?!00)[0-9a-f]{2,32}$/);
    expect(member.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(member.tbsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.isFrozen(member)).toBe(true);
  });

  it('derBytesAndPem_alike', async () => {
    const pem = await issueUser(taxBureau);
    const der = new Uint8Array(new X509Certificate(pem).raw);
    const fromPem = await verifyMember(pem, options());
    const fromDer = await verifyMember(der, options());
    expect(fromDer).toEqual(fromPem);
  });

  it('atTheFirstAndLastSecondOfValidity_inclusive', async () => {
    const pem = await issueUser(taxBureau);
    await verifyMember(pem, options({ at: MEMBER_VALIDITY.notBefore }));
    await verifyMember(pem, options({ at: MEMBER_VALIDITY.notAfter }));
  });
});

describe('verifyMember refuses', () => {
  it('anExpiredCertificate_sayingWhenAndWhen', async () => {
    const pem = await issueUser(taxBureau);
    const at = new Date('2027-06-01T00:00:00Z');
    const error = await expectCode(verifyMember(pem, options({ at })), 'expired');
    expect(error.type).toEqual({
      code: 'expired',
      certificate: 'member',
      notAfter: '2027-01-01T00:00:00Z',
      at: '2027-06-01T00:00:00Z',
    });
    expect(error.message).toBe(
      'certificate "O=tax-bureau-sz, CN=alice" expired at 2027-01-01T00:00:00Z, checked at 2027-06-01T00:00:00Z',
    );
    const justAfter = new Date(MEMBER_VALIDITY.notAfter.getTime() + 1000);
    await expectCode(verifyMember(pem, options({ at: justAfter })), 'expired');
  });

  it('aNotYetValidCertificate', async () => {
    const pem = await issueUser(taxBureau);
    const justBefore = new Date(MEMBER_VALIDITY.notBefore.getTime() - 1000);
    const error = await expectCode(verifyMember(pem, options({ at: justBefore })), 'not-yet-valid');
    expect(error.type).toMatchObject({ certificate: 'member', notBefore: '2026-01-01T00:00:00Z' });
  });

  it('aCertificateWhoseCaHasExpired_namingTheCa', async () => {
    const pem = await issueUser(taxBureau, { validity: CA_VALIDITY });
    const at = new Date('2035-01-01T00:00:01Z');
    const error = await expectCode(verifyMember(pem, options({ at })), 'expired');
    expect(error.type).toMatchObject({ certificate: 'ca', notAfter: '2035-01-01T00:00:00Z' });
    expect(error.message).toContain('the CA certificate of tax-bureau-sz expired at');
  });

  it('aRevokedCertificate_byIssuerAndSerial', async () => {
    const pem = await issueUser(taxBureau);
    const other = await issueUser(taxBureau, { subjectName: 'bob' });
    const { serialHex } = await verifyMember(pem, options());
    const revocations = RevocationList.EMPTY.revoke('tax-bureau-sz', serialHex);

    const error = await expectCode(
      verifyMember(pem, options({ isRevoked: revocations.isRevoked })),
      'revoked',
    );
    expect(error.type).toEqual({ code: 'revoked', orgId: 'tax-bureau-sz', serialHex });
    expect(error.message).toContain(`tax-bureau-sz:${serialHex}`);
    await verifyMember(other, options({ isRevoked: revocations.isRevoked }));
    // The same serial under another organisation is another certificate.
    const elsewhere = RevocationList.EMPTY.revoke('bank-of-trellis', serialHex);
    await verifyMember(pem, options({ isRevoked: elsewhere.isRevoked }));
  });

  it('aCertificateFromAnotherOrganisationsCa_asUnknownIssuer', async () => {
    const pem = await issueUser(bank);
    const error = await expectCode(
      verifyMember(pem, options({ orgs: [taxBureau.org] })),
      'unknown-issuer',
    );
    expect(error.message).toBe(
      'issuer "O=bank-of-trellis, CN=bank-of-trellis root CA" of certificate "O=bank-of-trellis, CN=alice" is not the CA of an organisation of this consortium (known: tax-bureau-sz)',
    );
    expect((await verifyMember(pem, options())).orgId).toBe('bank-of-trellis');
  });

  it('aCertificateFromALookAlikeCaWithTheSameName_asUnknownIssuer', async () => {
    const impostorCa = await createOrgCa({
      orgId: 'tax-bureau-sz',
      name: 'tax-bureau-sz root CA',
      validity: CA_VALIDITY,
    });
    const forged = await issueMemberCertificate({
      ca: impostorCa.certificate,
      caKey: impostorCa.privateKey,
      subjectName: 'mallory',
      kind: 'user',
      roles: ['admin'],
      validity: MEMBER_VALIDITY,
    });
    const error = await expectCode(verifyMember(forged.certificate, options()), 'unknown-issuer');
    expect(error.message).toContain("not tax-bureau-sz's root CA key");
    // …and the look-alike root itself, self-signed under the real CA's subject.
    await expectCode(verifyMember(impostorCa.certificate, options()), 'unknown-issuer');
  });

  it('aSelfSignedImpostorCopyingTheCasSubjectAndKeyId_asBadSignature', async () => {
    const real = new X509Certificate(longLived.ca.certificate);
    const keyId = /X509v3 Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(
      opensslOk(
        ['x509', '-noout', '-text', '-in', scratch.write('real.pem', longLived.ca.certificate)],
        scratch.dir,
      ),
    )?.[1];
    expect(keyId).toBeDefined();
    expect(real.subject).toBe('O=merchant-a\nCN=merchant-a root CA');
    // A self-signed member-looking certificate: subject and key id of the real root CA, our
    // extension, signed by the impostor's own key.
    const impostor = opensslCa(
      scratch,
      'impostor',
      'P-256',
      caConfig('merchant-a', 'merchant-a root CA')
        .replace('CA:TRUE, pathlen:0', 'CA:FALSE')
        .replace('keyCertSign, cRLSign', 'digitalSignature')
        .replace('subjectKeyIdentifier   = hash', `subjectKeyIdentifier   = ${keyId}`)
        .concat(`${MEMBER_ATTRIBUTES_OID} = DER:${ROLES_HEX}\n`),
    );
    const pem = readFileSync(impostor.certificate, 'utf8');
    const at = new Date(Date.parse(new X509Certificate(pem).validFrom) + 3_600_000);
    const error = await expectCode(verifyMember(pem, options({ at })), 'bad-signature');
    expect(error.type).toEqual({ code: 'bad-signature', orgId: 'merchant-a' });
  });

  it('aCertificateWhoseSubjectNamesAnotherOrganisation_asOrgMismatch', async () => {
    const { pem, at } = craft('cross-org', memberExtensionsDer(ROLES_HEX), {
      orgId: 'tax-bureau-sz',
    });
    const error = await expectCode(verifyMember(pem, options({ at })), 'org-mismatch');
    expect(error.type).toEqual({
      code: 'org-mismatch',
      expected: 'merchant-a',
      actual: 'tax-bureau-sz',
    });
  });

  it('aRoleLessCertificate_withoutTheExtension', async () => {
    const { pem, at } = craft(
      'role-less',
      memberExtensionsDer(ROLES_HEX).replace(/^2\.25\..*$/m, ''),
    );
    const error = await expectCode(verifyMember(pem, options({ at })), 'missing-roles');
    expect(error.message).toBe(
      'certificate "O=merchant-a, CN=role-less" has no member-attributes extension: it grants no roles',
    );
  });

  it('aCertificateWithAnEmptyRoleList_asMissingRoles', async () => {
    const { pem, at } = craft('empty-roles', memberExtensionsDer('30050a01003000'));
    await expectCode(verifyMember(pem, options({ at })), 'missing-roles');
  });

  it.each([
    ['an upper-case role', '300c0a010030070c0541646d696e'],
    ['a duplicated role', '30130a0100300e0c0561646d696e0c0561646d696e'],
    ['a PrintableString role', '300c0a01003007130561646d696e'],
    ['an unknown kind', '300c0a010730070c0561646d696e'],
    ['an INTEGER kind', '300c02010030070c0561646d696e'],
    ['a trailing byte', '300c0a010030070c0561646d696e00'],
    ['a long-form length', '30810c0a010030070c0561646d696e'],
    ['a SET instead of a SEQUENCE of roles', '300c0a010031070c0561646d696e'],
  ])('anExtensionWith %s_asMalformed', async (_what, hex) => {
    const { pem, at } = craft(`bad-${hex}`, memberExtensionsDer(hex));
    const error = await expectCode(verifyMember(pem, options({ at })), 'malformed');
    expect(error.type).toEqual({
      code: 'malformed',
      field: 'certificate.extensions.memberAttributes',
    });
  });

  it('aCriticalMemberAttributesExtension_asMalformed', async () => {
    const ext = memberExtensionsDer(ROLES_HEX).replace(
      `= DER:${ROLES_HEX}`,
      `= critical, DER:${ROLES_HEX}`,
    );
    const { pem, at } = craft('critical-roles', ext);
    const error = await expectCode(verifyMember(pem, options({ at })), 'malformed');
    expect(error.message).toContain('must be non-critical');
  });

  it('anUnknownCriticalExtension_asMalformed', async () => {
    const { pem, at } = craft(
      'unknown-critical',
      memberExtensionsDer(ROLES_HEX, '1.2.3.4 = critical, DER:0500\n'),
    );
    const error = await expectCode(verifyMember(pem, options({ at })), 'malformed');
    expect(error.message).toBe('unsupported critical extension 1.2.3.4');
  });

  it('aCertificateWhoseKeyMayNotSign_asBadKeyUsage', async () => {
    const ext = memberExtensionsDer(ROLES_HEX).replace(
      'critical, digitalSignature',
      'critical, keyAgreement',
    );
    const { pem, at } = craft('no-signing', ext);
    await expectCode(verifyMember(pem, options({ at })), 'bad-key-usage');
  });

  it('aCertificateWithoutAuthorityKeyIdentifier_asMalformed', async () => {
    // openssl ≥ 3 adds an authorityKeyIdentifier unless told `none`.
    const ext = memberExtensionsDer(ROLES_HEX).replace('keyid:always', 'none');
    const { pem, at } = craft('no-aki', ext);
    const error = await expectCode(verifyMember(pem, options({ at })), 'malformed');
    expect(error.type).toEqual({
      code: 'malformed',
      field: 'certificate.extensions.authorityKeyIdentifier',
    });
  });

  it('aRoleTheCertificateDoesNotGrant', async () => {
    const pem = await issueUser(taxBureau);
    const error = await expectCode(
      verifyMember(pem, options({ requireRole: 'auditor' })),
      'role-not-granted',
    );
    expect(error.type).toEqual({
      code: 'role-not-granted',
      role: 'auditor',
      roles: ['invoice-issuer', 'reimburser'],
    });
    expect(error.message).toBe(
      'certificate "O=tax-bureau-sz, CN=alice" does not grant role auditor (it grants invoice-issuer, reimburser)',
    );
  });

  it('aCaCertificatePresentedAsAMember_asIsACa', async () => {
    const error = await expectCode(verifyMember(taxBureau.ca.certificate, options()), 'is-a-ca');
    expect(error.message).toContain('is a CA certificate (basicConstraints CA:TRUE)');
  });

  it.each<[string, string | Uint8Array]>([
    ['empty bytes', new Uint8Array(0)],
    ['random bytes', new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])],
    ['text that is not PEM', 'hello'],
    ['a PEM of another type', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'],
    ['an oversized input', new Uint8Array(MAX_CERTIFICATE_BYTES + 1).fill(0x30)],
  ])('%s_asMalformed', async (_what, input) => {
    await expectCode(verifyMember(input, options()), 'malformed');
  });

  it('truncatedOrExtendedBytes_asMalformed', async () => {
    const der = new Uint8Array(new X509Certificate(await issueUser(taxBureau)).raw);
    const truncated = await expectCode(
      verifyMember(der.subarray(0, der.length - 1), options()),
      'malformed',
    );
    expect(truncated.message).toMatch(/^certificate truncated: \d+ of \d+ bytes$/);
    const extended = await expectCode(
      verifyMember(new Uint8Array([...der, 0]), options()),
      'malformed',
    );
    expect(extended.message).toBe('1 trailing bytes after the certificate');
  });

  it('twoCertificatesInOnePem_asMalformed', async () => {
    const pem = await issueUser(taxBureau);
    await expectCode(verifyMember(pem + pem, options()), 'malformed');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['orgs that were not loaded', { orgs: [{ id: 'tax-bureau-sz' }] }, 'orgs[0]'],
    ['an organisation listed twice', { orgs: 'twice' }, 'orgs[1]'],
    ['an invalid date', { at: new Date(Number.NaN) }, 'at'],
    ['a missing isRevoked', { isRevoked: undefined }, 'isRevoked'],
    ['a malformed requireRole', { requireRole: 'Admin' }, 'requireRole'],
  ])('%s_asInvalidArgument', async (_what, override, field) => {
    const pem = await issueUser(taxBureau);
    const opts = { ...options(), ...override };
    if (override.orgs === 'twice') opts.orgs = [taxBureau.org, taxBureau.org];
    const error = await expectCode(verifyMember(pem, opts as never), 'invalid-argument');
    expect(error.type).toEqual({ code: 'invalid-argument', field });
  });

  it('aNonTextNonBytesCertificate_asInvalidArgument', async () => {
    await expectCode(verifyMember(42 as never, options()), 'invalid-argument');
  });
});

describe('Organisation.load refuses', () => {
  it('aMemberCertificateAsRoot_asNotACa', async () => {
    const pem = await issueUser(taxBureau);
    // A member certificate is not self-issued either; the CA check comes first.
    const error = await expectCode(
      Organisation.load({ id: 'tax-bureau-sz', name: 'Tax', rootCertificate: pem }),
      'not-a-ca',
    );
    expect(error.message).toBe(
      'root certificate of tax-bureau-sz is not a CA: basicConstraints CA:FALSE',
    );
  });

  it('aRootWithoutKeyCertSign_asNotACa', async () => {
    const ca = opensslCa(
      scratch,
      'no-certsign',
      'P-256',
      caConfig('court-sz', 'Court').replace('keyCertSign, cRLSign', 'digitalSignature'),
    );
    const rootCertificate = readFileSync(ca.certificate, 'utf8');
    const error = await expectCode(
      Organisation.load({ id: 'court-sz', name: 'Court', rootCertificate }),
      'not-a-ca',
    );
    expect(error.message).toContain('keyUsage lacks keyCertSign');
  });

  it('aRootOfAnotherOrganisation_asOrgMismatch', async () => {
    const error = await expectCode(
      Organisation.load({
        id: 'tax-bureau-gz',
        name: 'Tax',
        rootCertificate: taxBureau.ca.certificate,
      }),
      'org-mismatch',
    );
    expect(error.type).toEqual({
      code: 'org-mismatch',
      expected: 'tax-bureau-gz',
      actual: 'tax-bureau-sz',
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a bad id', { id: 'Tax Bureau' }, 'id'],
    ['an empty name', { name: '' }, 'name'],
    ['a name with a newline', { name: 'a\nb' }, 'name'],
  ])('%s_asInvalidArgument', async (_what, override, field) => {
    const input = {
      id: 'tax-bureau-sz',
      name: 'Tax',
      rootCertificate: taxBureau.ca.certificate,
      ...override,
    };
    const error = await expectCode(Organisation.load(input as never), 'invalid-argument');
    expect(error.type).toEqual({ code: 'invalid-argument', field });
  });

  it('keepsTheRootAsPemWithItsFingerprint', () => {
    expect(taxBureau.org.rootCertificate).toBe(taxBureau.ca.certificate);
    const fingerprint = new X509Certificate(taxBureau.ca.certificate).fingerprint256;
    expect(taxBureau.org.rootFingerprint).toBe(fingerprint.replace(/:/g, '').toLowerCase());
    expect(Object.isFrozen(taxBureau.org)).toBe(true);
  });
});
