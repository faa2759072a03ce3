// The certificate profile against the real openssl CLI, both ways: certificates made by our
// tools pass `openssl verify`, and certificates made by openssl alone (the spec's recipe) pass
// verifyMember — so the profile does not depend on our tool.
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import {
  type CertificateKeyAlgorithm,
  encodeMemberAttributes,
  issueMemberCertificate,
  MEMBER_ATTRIBUTES_OID,
  Organisation,
  verifyMember,
} from '../../src/identity';
import {
  caConfig,
  memberExtensionsAsn1,
  memberExtensionsDer,
  opensslCa,
  opensslMember,
} from './openssl-recipes';
import {
  AT,
  epochSeconds,
  makeOrg,
  MEMBER_VALIDITY,
  NEVER_REVOKED,
  openssl,
  opensslOk,
  Scratch,
} from './support';

const ROLES = ['invoice-issuer', 'reimburser'];

let scratch: Scratch;
beforeAll(() => {
  scratch = new Scratch();
});
afterAll(() => scratch.dispose());

/** The hex dump asn1parse prints for the OCTET STRING that follows our extension's OID. */
function memberAttributesHexDump(certificatePath: string): string {
  const lines = opensslOk(['asn1parse', '-in', certificatePath], scratch.dir).split('\n');
  const at = lines.findIndex((line) => line.includes(`:${MEMBER_ATTRIBUTES_OID}`));
  expect(at).toBeGreaterThan(0);
  const match = /\[HEX DUMP\]:([0-9A-F]+)/.exec(lines[at + 1] ?? '');
  return match?.[1] ?? '';
}

describe.each<[CertificateKeyAlgorithm, CertificateKeyAlgorithm]>([
  ['ecdsa-p256', 'ecdsa-p256'],
  ['ed25519', 'ed25519'],
  ['ed25519', 'ecdsa-p256'],
])('certificates from our tools (CA %s, member %s)', (caAlgorithm, memberAlgorithm) => {
  const tag = `${caAlgorithm}-${memberAlgorithm}`;

  it('userCertificate_passesOpensslVerifyStrict_asTlsClient', async () => {
    const org = await makeOrg('tax-bureau-sz', caAlgorithm);
    const issued = await issueMemberCertificate({
      ca: org.ca.certificate,
      caKey: org.ca.privateKey,
      subjectName: 'alice',
      kind: 'user',
      roles: ROLES,
      validity: MEMBER_VALIDITY,
      algorithm: memberAlgorithm,
    });
    const ca = scratch.write(`ca-${tag}.pem`, org.ca.certificate);
    const member = scratch.write(`user-${tag}.pem`, issued.certificate);

    const verify = openssl(
      ['verify', '-x509_strict', '-attime', epochSeconds(AT), '-purpose', 'sslclient'].concat([
        '-CAfile',
        ca,
        member,
      ]),
      scratch.dir,
    );
    expect(verify).toEqual({ status: 0, output: `${member}: OK\n` });

    const text = opensslOk(['x509', '-in', member, '-noout', '-text'], scratch.dir);
    expect(text).toContain(`${MEMBER_ATTRIBUTES_OID}: \n`); // non-critical: no "critical"
    for (const role of ROLES) expect(text).toContain(role);
    expect(memberAttributesHexDump(member)).toBe(
      Buffer.from(encodeMemberAttributes('user', ROLES)).toString('hex').toUpperCase(),
    );

    // Our verifier agrees with openssl on the same files, serial and fingerprint included.
    const result = await verifyMember(issued.certificate, {
      orgs: [org.org],
      at: AT,
      isRevoked: NEVER_REVOKED,
    });
    const serial = opensslOk(['x509', '-in', member, '-noout', '-serial'], scratch.dir);
    expect(`serial=${result.serialHex.toUpperCase()}\n`).toBe(serial);
    const fingerprint = new X509Certificate(readFileSync(member)).fingerprint256;
    expect(result.fingerprint).toBe(fingerprint.replace(/:/g, '').toLowerCase());
  });

  it('nodeCertificate_passesOpensslVerify_asTlsServerForItsHostName', async () => {
    const org = await makeOrg('bank-of-trellis', caAlgorithm);
    const issued = await issueMemberCertificate({
      ca: org.ca.certificate,
      caKey: org.ca.privateKey,
      subjectName: 'validator-1',
      kind: 'node',
      roles: ['validator'],
      validity: MEMBER_VALIDITY,
      algorithm: memberAlgorithm,
      dnsNames: ['node1.bank.example'],
      ipAddresses: ['10.0.0.7', '2001:db8::7'],
    });
    const ca = scratch.write(`ca-node-${tag}.pem`, org.ca.certificate);
    const node = scratch.write(`node-${tag}.pem`, issued.certificate);
    const verify = (hostname: string) =>
      openssl(
        ['verify', '-x509_strict', '-attime', epochSeconds(AT), '-purpose', 'sslserver'].concat([
          '-verify_hostname',
          hostname,
          '-CAfile',
          ca,
          node,
        ]),
        scratch.dir,
      );
    expect(verify('node1.bank.example')).toEqual({ status: 0, output: `${node}: OK\n` });
    expect(verify('node2.bank.example').status).not.toBe(0);

    const member = await verifyMember(issued.certificate, {
      orgs: [org.org],
      at: AT,
      isRevoked: NEVER_REVOKED,
    });
    expect(member).toMatchObject({
      kind: 'node',
      roles: ['validator'],
      dnsNames: ['node1.bank.example'],
      ipAddresses: ['10.0.0.7', expect.stringMatching(/^2001:(0)?db8:/)],
      publicKeyAlgorithm: memberAlgorithm,
    });
  });
});

describe('certificates made by openssl alone (docs/spec/identity.md §5)', () => {
  it.each<['P-256' | 'Ed25519', 'DER hex' | 'ASN1 config']>([
    ['P-256', 'DER hex'],
    ['P-256', 'ASN1 config'],
    ['Ed25519', 'DER hex'],
    ['Ed25519', 'ASN1 config'],
  ])(
    '%s CA and member with the extension written as %s_areAcceptedByVerifyMember',
    async (type, form) => {
      const prefix = `oss-${type}-${form.replace(' ', '-')}`;
      const ca = opensslCa(scratch, `${prefix}-ca`, type, caConfig('court-sz', 'Shenzhen Court'));
      const extensions =
        form === 'DER hex'
          ? memberExtensionsDer(
              Buffer.from(encodeMemberAttributes('service', ROLES)).toString('hex'),
            )
          : memberExtensionsAsn1(1, ROLES);
      const member = opensslMember(
        scratch,
        `${prefix}-member`,
        ca,
        { orgId: 'court-sz', name: 'evidence-service', type },
        extensions,
      );
      expect(member.status).toBe(0);
      // Both ways of writing the extension give exactly our encoding.
      expect(memberAttributesHexDump(member.certificate)).toBe(
        Buffer.from(encodeMemberAttributes('service', ROLES)).toString('hex').toUpperCase(),
      );
      expect(
        openssl(
          ['verify', '-x509_strict', '-CAfile', ca.certificate, member.certificate],
          scratch.dir,
        ).status,
      ).toBe(0);

      const caPem = readFileSync(ca.certificate, 'utf8');
      const memberPem = readFileSync(member.certificate, 'utf8');
      const org = await Organisation.load({
        id: 'court-sz',
        name: 'Shenzhen Court',
        rootCertificate: caPem,
      });
      // openssl starts validity at the current time: check one hour into the member's validity.
      const at = new Date(Date.parse(new X509Certificate(memberPem).validFrom) + 3_600_000);
      const verified = await verifyMember(memberPem, { orgs: [org], at, isRevoked: NEVER_REVOKED });
      expect(verified).toMatchObject({
        orgId: 'court-sz',
        name: 'evidence-service',
        kind: 'service',
        roles: ROLES,
        publicKeyAlgorithm: type === 'P-256' ? 'ecdsa-p256' : 'ed25519',
      });
    },
  );
});
