// verifyTimeStampToken against third-party tokens (trailofbits/rfc3161-client fixtures, see
// test/fixtures/rfc3161/SOURCES.md), each verdict cross-checked with `openssl ts -verify`.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyTimeStampToken } from '../../src/tsa';
import { corpus, corpusPath, HELLO, openssl, opensslTsVerifies, Scratch } from './support';

const SHA512_HELLO = createHash('sha512').update(HELLO).digest();
/** The nonce of test_tsa/request.der, which test_tsa/response.tsr echoes. */
const TEST_TSA_NONCE = 0x36a44f9f4a391fd3n;

const sigstageChain = () => corpus('sigstage/ts_chain.pem').toString('utf8');
const testTsaChain = () => corpus('test_tsa/ts_chain.pem').toString('utf8');

let scratch: Scratch;
let dir: string;
beforeAll(() => {
  scratch = new Scratch();
  dir = scratch.dir();
});
afterAll(() => scratch.dispose());

/** The i-th certificate of a PEM file, as its own PEM file (for openssl -CAfile). */
function pemCertificate(pemText: string, index: number, name: string): string {
  const blocks = pemText.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
  const file = join(dir, name);
  writeFileSync(file, `${blocks[index]}\n`);
  return file;
}

describe('verifyTimeStampToken on the RFC 3161 corpus', () => {
  it.each(['sha256', 'sha384', 'sha512'])(
    'sigstage_response_%s_verifiesWithHello_andOpensslAgrees',
    async (hash) => {
      const file = `sigstage/response-${hash}.tsr`;
      const result = await verifyTimeStampToken(corpus(file), {
        data: HELLO,
        trustedCertificatesPem: sigstageChain(),
      });
      expect(result).toMatchObject({
        ok: true,
        hashAlgorithm: hash,
        messageImprint: createHash(hash).update(HELLO).digest('hex'),
        policy: '1.3.6.1.4.1.57264.2',
        tsaName: 'O=sigstore.dev, CN=sigstore-tsa',
        signerSubject: 'O=sigstore.dev, CN=sigstore-tsa',
      });
      expect(result.genTime!.toISOString()).toMatch(/^2025-05-09T11:58:5[56]\.000Z$/);
      expect(result.anchor).toBeUndefined();
      const data = join(dir, 'hello');
      writeFileSync(data, HELLO);
      expect(
        opensslTsVerifies([
          '-in',
          corpusPath(file),
          '-data',
          data,
          '-CAfile',
          corpusPath('sigstage/ts_chain.pem'),
        ]).ok,
      ).toBe(true);
    },
  );

  it('sigstage_bareToken_verifiesLikeTheResponse', async () => {
    const token = openssl([
      'ts',
      '-reply',
      '-in',
      corpusPath('sigstage/response-sha256.tsr'),
      '-token_out',
    ]).stdout;
    const result = await verifyTimeStampToken(token, {
      data: HELLO,
      trustedCertificatesPem: sigstageChain(),
    });
    expect(result.ok).toBe(true);
  });

  it('sigstage_invalidSignature_fails_andOpensslAgrees', async () => {
    const result = await verifyTimeStampToken(corpus('sigstage/response-invalid-signature.tsr'), {
      data: HELLO,
      trustedCertificatesPem: sigstageChain(),
    });
    expect(result).toMatchObject({ ok: false, code: 'bad-signature' });
    const data = join(dir, 'hello');
    writeFileSync(data, HELLO);
    const run = opensslTsVerifies([
      '-in',
      corpusPath('sigstage/response-invalid-signature.tsr'),
      '-data',
      data,
      '-CAfile',
      corpusPath('sigstage/ts_chain.pem'),
    ]);
    expect(run.ok).toBe(false);
    expect(run.output).toContain('signature failure');
  });

  it('sigstage_noEmbeddedCert_verifiesWhenTheTsaCertificateIsSupplied_andOpensslAgrees', async () => {
    const token = corpus('sigstage/response-no-embedded-cert.tsr');
    expect(
      await verifyTimeStampToken(token, { data: HELLO, trustedCertificatesPem: sigstageChain() }),
    ).toMatchObject({ ok: true, signerSubject: 'O=sigstore.dev, CN=sigstore-tsa' });
    // Only the root: the signer certificate is nowhere, so the token cannot be checked.
    const rootOnly = pemCertificate(sigstageChain(), 1, 'sigstage-root.pem');
    const withoutLeaf = await verifyTimeStampToken(token, {
      data: HELLO,
      trustedCertificatesPem: corpus('sigstage/ts_chain.pem')
        .toString()
        .replace(/^[\s\S]+?-----END CERTIFICATE-----\s*/, ''),
    });
    expect(withoutLeaf).toMatchObject({ ok: false, code: 'signer-not-identified' });
    const data = join(dir, 'hello');
    writeFileSync(data, HELLO);
    const chain = corpusPath('sigstage/ts_chain.pem');
    expect(
      opensslTsVerifies([
        '-in',
        corpusPath('sigstage/response-no-embedded-cert.tsr'),
        '-data',
        data,
        '-CAfile',
        rootOnly,
        '-untrusted',
        chain,
      ]).ok,
    ).toBe(true);
    expect(
      opensslTsVerifies([
        '-in',
        corpusPath('sigstage/response-no-embedded-cert.tsr'),
        '-data',
        data,
        '-CAfile',
        rootOnly,
      ]).ok,
    ).toBe(false);
  });

  it('testTsa_response_verifiesWithTheSha512Digest_orTheData_andOpensslAgrees', async () => {
    const token = corpus('test_tsa/response.tsr');
    const trusted = testTsaChain();
    for (const given of [{ digest: SHA512_HELLO }, { data: HELLO }]) {
      expect(
        await verifyTimeStampToken(token, { ...given, trustedCertificatesPem: trusted }),
      ).toMatchObject({
        ok: true,
        hashAlgorithm: 'sha512',
        nonce: TEST_TSA_NONCE.toString(),
        signerSubject: 'O=local, CN=Test TSA Timestamping',
      });
    }
    expect(
      await verifyTimeStampToken(token, {
        digest: SHA512_HELLO,
        trustedCertificatesPem: trusted,
        nonce: TEST_TSA_NONCE,
        policy: '1.3.6.1.4.1.57264.2',
        tsaSubjectCN: 'Test TSA Timestamping',
      }),
    ).toMatchObject({ ok: true });
    expect(
      opensslTsVerifies([
        '-in',
        corpusPath('test_tsa/response.tsr'),
        '-queryfile',
        corpusPath('test_tsa/request.der'),
        '-CAfile',
        corpusPath('test_tsa/ts_chain.pem'),
      ]).ok,
    ).toBe(true);
  });

  it('testTsa_response_nonceOrPolicyOrMessageMismatch_fails_andOpensslAgreesOnTheNonce', async () => {
    const token = corpus('test_tsa/response.tsr');
    const base = { digest: SHA512_HELLO, trustedCertificatesPem: testTsaChain() };
    expect(
      await verifyTimeStampToken(token, { ...base, nonce: TEST_TSA_NONCE + 1n }),
    ).toMatchObject({ ok: false, code: 'nonce-mismatch' });
    expect(
      await verifyTimeStampToken(token, { ...base, policy: '1.3.6.1.4.1.57264.3' }),
    ).toMatchObject({ ok: false, code: 'policy-mismatch' });
    expect(
      await verifyTimeStampToken(token, {
        data: Buffer.from('hello!'),
        trustedCertificatesPem: base.trustedCertificatesPem,
      }),
    ).toMatchObject({ ok: false, code: 'imprint-mismatch' });
    expect(
      await verifyTimeStampToken(token, {
        ...base,
        digest: createHash('sha512').update('Hello').digest(),
      }),
    ).toMatchObject({ ok: false, code: 'imprint-mismatch' });
    // other_request.der carries another nonce: openssl refuses the pairing too.
    const run = opensslTsVerifies([
      '-in',
      corpusPath('test_tsa/response.tsr'),
      '-queryfile',
      corpusPath('test_tsa/other_request.der'),
      '-CAfile',
      corpusPath('test_tsa/ts_chain.pem'),
    ]);
    expect(run.ok).toBe(false);
    expect(run.output).toContain('nonce mismatch');
  });

  it('testTsa_otherResponse_isFromAnotherIntermediate_soItFailsTheChain_asOpensslDoes', async () => {
    // EXPECTED.md lists other_response.tsr as valid with test_tsa/ts_chain.pem, but its TSA
    // certificate was issued by another "Test TSA Intermediate" (authority key id 29:0D:…, the
    // chain's is D8:38:…): openssl fails it with "unable to get local issuer certificate".
    const token = corpus('test_tsa/other_response.tsr');
    expect(
      await verifyTimeStampToken(token, {
        digest: SHA512_HELLO,
        trustedCertificatesPem: testTsaChain(),
      }),
    ).toMatchObject({ ok: false, code: 'untrusted-chain' });
    const run = opensslTsVerifies([
      '-in',
      corpusPath('test_tsa/other_response.tsr'),
      '-queryfile',
      corpusPath('test_tsa/other_request.der'),
      '-CAfile',
      corpusPath('test_tsa/ts_chain.pem'),
    ]);
    expect(run.ok).toBe(false);
    expect(run.output).toContain('unable to get local issuer certificate');
    // Everything but the chain holds: trusting its own TSA certificate, it verifies.
    const leaf = openssl(
      ['pkcs7', '-inform', 'DER', '-print_certs'],
      openssl(['ts', '-reply', '-in', corpusPath('test_tsa/other_response.tsr'), '-token_out'])
        .stdout,
    ).stdout.toString();
    expect(
      await verifyTimeStampToken(token, {
        digest: SHA512_HELLO,
        trustedCertificatesPem: leaf,
        nonce: 0xde10a2fd76c22477n,
      }),
    ).toMatchObject({ ok: true });
  });

  it('testTsa_injectedCerts_signerIsTheEssNamedCertificateNotTheSpoofedFirstOne', async () => {
    const token = corpus('test_tsa/response-injected-certs.tsr');
    // The bag really starts with the spoofed certificate.
    const bag = openssl(
      ['pkcs7', '-inform', 'DER', '-print_certs', '-noout'],
      openssl([
        'ts',
        '-reply',
        '-in',
        corpusPath('test_tsa/response-injected-certs.tsr'),
        '-token_out',
      ]).stdout,
    ).output;
    expect(bag.split('\n')[0]).toBe('subject=CN = Spoofed TSA');
    const base = { digest: SHA512_HELLO, trustedCertificatesPem: testTsaChain() };
    const pinned = await verifyTimeStampToken(token, {
      ...base,
      tsaSubjectCN: 'Test TSA Timestamping',
    });
    expect(pinned).toMatchObject({ ok: true, signerSubject: 'O=local, CN=Test TSA Timestamping' });
    const spoofed = await verifyTimeStampToken(token, { ...base, tsaSubjectCN: 'Spoofed TSA' });
    expect(spoofed).toMatchObject({ ok: false, code: 'tsa-subject-mismatch' });
    expect(spoofed.signerSubject).toBe('O=local, CN=Test TSA Timestamping');
    expect(
      opensslTsVerifies([
        '-in',
        corpusPath('test_tsa/response-injected-certs.tsr'),
        '-queryfile',
        corpusPath('test_tsa/request.der'),
        '-CAfile',
        corpusPath('test_tsa/ts_chain.pem'),
      ]).ok,
    ).toBe(true);
  });

  it('identrust_derChainFile_andRsaEssV1Token_verify_andOpensslAgreesAtGenTime', async () => {
    const trustDer = corpus('identrust/ts_chain.pem');
    expect(trustDer.subarray(0, 1)[0]).toBe(0x30); // DER despite the name
    const result = await verifyTimeStampToken(corpus('identrust/issue-104.tsr'), {
      digest: SHA512_HELLO,
      trustedCertificatesPem: new Uint8Array(trustDer),
      tsaSubjectCN: 'TrustID Timestamp Authority',
    });
    expect(result).toMatchObject({
      ok: true,
      policy: '2.16.840.1.113839.0.6.13.3',
      signerSubject: 'C=US, O=IdenTrust, CN=TrustID Timestamp Authority',
    });
    expect(result.genTime!.toISOString()).toBe('2025-03-11T08:52:08.000Z');
    const root = join(dir, 'identrust-root.pem');
    writeFileSync(
      root,
      openssl(['x509', '-inform', 'DER', '-in', corpusPath('identrust/ts_chain.pem')]).stdout,
    );
    // Its request is not in the corpus: a nonce-less query for SHA-512("hello") stands for it.
    const query = join(dir, 'identrust.tsq');
    writeFileSync(
      query,
      openssl(['ts', '-query', '-digest', SHA512_HELLO.toString('hex'), '-sha512', '-no_nonce'])
        .stdout,
    );
    const args = [
      '-in',
      corpusPath('identrust/issue-104.tsr'),
      '-queryfile',
      query,
      '-CAfile',
      root,
    ];
    const now = opensslTsVerifies(args);
    expect(now.ok).toBe(false);
    expect(now.output).toContain('certificate has expired');
    const epoch = String(result.genTime!.getTime() / 1000);
    expect(opensslTsVerifies([...args, '-attime', epoch]).ok).toBe(true);
  });

  it('sigstoreMock_expiredCertificate_verifiesAtGenTime_whereOpensslNeedsAttime', async () => {
    const result = await verifyTimeStampToken(corpus('sigstore.mock/response-expired.tsr'), {
      data: corpus('sigstore.mock/payload'),
      trustedCertificatesPem: corpus('sigstore.mock/ts_chain.pem').toString(),
    });
    expect(result).toMatchObject({ ok: true, serialNumber: '-21524111', nonce: '1234567890' });
    expect(result.genTime!.toISOString()).toBe('2023-02-01T00:00:00.000Z');
    const chain = corpusPath('sigstore.mock/ts_chain.pem');
    const args = [
      '-in',
      corpusPath('sigstore.mock/response-expired.tsr'),
      '-data',
      corpusPath('sigstore.mock/payload'),
      '-CAfile',
      chain,
      '-untrusted',
      chain,
    ];
    const now = opensslTsVerifies(args);
    expect(now.ok).toBe(false);
    expect(now.output).toContain('certificate has expired');
    expect(opensslTsVerifies([...args, '-attime', '1675209600']).ok).toBe(true);
  });

  it('badInputs_areReportedWithCodes_neverThrown', async () => {
    const token = corpus('sigstage/response-sha256.tsr');
    const trusted = sigstageChain();
    expect(await verifyTimeStampToken(token, { trustedCertificatesPem: trusted })).toMatchObject({
      ok: false,
      code: 'invalid-argument',
    });
    expect(
      await verifyTimeStampToken(token, { data: HELLO, trustedCertificatesPem: 'no pem' }),
    ).toMatchObject({ ok: false, code: 'invalid-argument' });
    expect(
      await verifyTimeStampToken(HELLO, { data: HELLO, trustedCertificatesPem: trusted }),
    ).toMatchObject({ ok: false, code: 'malformed' });
    expect(
      await verifyTimeStampToken(Buffer.concat([token, Buffer.from([0])]), {
        data: HELLO,
        trustedCertificatesPem: trusted,
      }),
    ).toMatchObject({ ok: false, code: 'malformed' });
    // A trust store of another TSA: the chain fails.
    expect(
      await verifyTimeStampToken(token, { data: HELLO, trustedCertificatesPem: testTsaChain() }),
    ).toMatchObject({ ok: false, code: 'untrusted-chain' });
  });
});
