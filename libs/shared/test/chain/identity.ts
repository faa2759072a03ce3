/**
 * A real organisation CA and member certificates for the SDK's tests, made with chain-core's
 * identity tools: the certificate's key is the suite key the member signs transactions with.
 */
import {
  Organisation,
  type SuiteId,
  createOrgCa,
  getSuite,
  issueMemberCertificate,
} from '@trellis/chain-core';

export interface TestMember {
  readonly suite: SuiteId;
  readonly org: string;
  readonly organisation: Organisation;
  readonly certificatePem: string;
  readonly secretKey: Uint8Array;
  /** The same secret key as PKCS#8 PEM. */
  readonly secretKeyPem: string;
}

const DAY = 24 * 3600 * 1000;

/** An organisation `org` with one service member whose key is a fresh `suite` key. */
export async function testMember(org: string, suite: 'ed25519' | 'p256'): Promise<TestMember> {
  const algorithm = suite === 'ed25519' ? 'ed25519' : 'ecdsa-p256';
  const validity = { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + DAY) };
  const ca = await createOrgCa({ orgId: org, name: `${org} CA`, validity, algorithm });
  const implementation = getSuite(suite);
  const keys = implementation.generateKeyPair();
  const issued = await issueMemberCertificate({
    ca: ca.certificate,
    caKey: ca.privateKey,
    subjectName: `${org} service`,
    kind: 'service',
    roles: ['submitter'],
    publicKey: implementation.publicKeyToPem(keys.publicKey),
    algorithm,
    validity,
  });
  const organisation = await Organisation.load({
    id: org,
    name: `${org} organisation`,
    rootCertificate: ca.certificate,
  });
  return {
    suite,
    org,
    organisation,
    certificatePem: issued.certificate,
    secretKey: keys.secretKey,
    secretKeyPem: implementation.secretKeyToPem(keys.secretKey),
  };
}
