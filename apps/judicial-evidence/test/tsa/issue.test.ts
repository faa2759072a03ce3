// issueTimeStampResponse: tokens for requests made by `openssl ts -query`, checked by
// `openssl ts -verify` and by our own verifier, which also reads back the anchor. The PKI is made
// with openssl here (a P-256 CA, a TSA certificate with EKU timeStamping alone, critical); the
// anchor is fixed (this tests the encoder; the e2e test anchors on a running chain).
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ChainAnchor,
  issueTimeStampResponse,
  parseTimeStampRequest,
  rejectionResponse,
  TRELLIS_ANCHOR_EXTENSION_OID,
  TRELLIS_TSA_POLICY_OID,
  TsaError,
  type TsaIdentity,
  verifyTimeStampToken,
} from '../../src/tsa';
import { HELLO, openssl, opensslTsVerifies, Scratch } from './support';

let scratch: Scratch;
let dir: string;
let tsa: TsaIdentity;
let anchor: ChainAnchor;
let caPem: string;
const file = (name: string) => join(dir, name);

/** Runs openssl and fails the test if it fails. */
function run(args: string[]): void {
  const result = openssl(args);
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.output}`);
}

function p256Key(name: string): void {
  run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file(name)]);
}

/** A certificate for `key` with `extensions` (openssl -extfile syntax), issued by the CA. */
function issue(name: string, subject: string, key: string, extensions: string): void {
  run(['req', '-new', '-key', file(key), '-subj', subject, '-out', file(`${name}.csr`)]);
  writeFileSync(file(`${name}.ext`), extensions);
  run([
    'x509',
    '-req',
    '-in',
    file(`${name}.csr`),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-set_serial',
    '0x' + String(Date.now()),
    '-days',
    '30',
    '-extfile',
    file(`${name}.ext`),
    '-out',
    file(`${name}.pem`),
  ]);
}

const TSA_EXTENSIONS =
  'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,nonRepudiation\n' +
  'extendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\n';

beforeAll(() => {
  scratch = new Scratch();
  dir = scratch.dir();
  p256Key('ca.key');
  run([
    'req',
    '-x509',
    '-new',
    '-key',
    file('ca.key'),
    '-subj',
    '/O=court/CN=Internet Court CA',
    '-days',
    '60',
    '-addext',
    'basicConstraints=critical,CA:true',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    file('ca.pem'),
  ]);
  p256Key('tsa.key');
  issue('tsa', '/O=court/CN=court-tsa', 'tsa.key', TSA_EXTENSIONS);
  writeFileSync(file('hello'), HELLO);
  caPem = readFileSync(file('ca.pem'), 'utf8');
  tsa = {
    certificatePem: readFileSync(file('tsa.pem'), 'utf8'),
    privateKeyPem: readFileSync(file('tsa.key'), 'utf8'),
    policyOid: TRELLIS_TSA_POLICY_OID,
  };
  // A block time within the certificate's validity, with milliseconds.
  const notBefore = new Date(new X509Certificate(tsa.certificatePem).validFrom).getTime();
  anchor = {
    chainId: 'trellis-local',
    height: 1234n,
    txId: new Uint8Array(32).fill(0xab),
    blockHash: new Uint8Array(32).fill(0xcd),
    timeMs: BigInt(notBefore + 1_234),
  };
});
afterAll(() => scratch.dispose());

/** `openssl ts -query` with `args`, parsed, issued, the reply written next to the query. */
async function stamp(name: string, args: string[], identity = tsa): Promise<Uint8Array> {
  run(['ts', '-query', '-data', file('hello'), ...args, '-out', file(`${name}.tsq`)]);
  const request = parseTimeStampRequest(readFileSync(file(`${name}.tsq`)));
  const reply = await issueTimeStampResponse(request, anchor, identity, 0x1234567890abcdefn);
  writeFileSync(file(`${name}.tsr`), reply);
  return reply;
}

describe('issueTimeStampResponse', () => {
  it('issue_sha256WithNonceAndCert_opensslVerifiesAgainstQueryAndData', async () => {
    const reply = await stamp('a', ['-sha256', '-cert']);
    for (const against of [
      ['-queryfile', file('a.tsq')],
      ['-data', file('hello')],
    ]) {
      const verdict = opensslTsVerifies([
        '-in',
        file('a.tsr'),
        ...against,
        '-CAfile',
        file('ca.pem'),
        '-untrusted',
        file('tsa.pem'),
      ]);
      expect(verdict.output).toContain('Verification: OK');
    }
    // The certificate is in the token (certReq): the CA alone suffices.
    expect(
      opensslTsVerifies(['-in', file('a.tsr'), '-data', file('hello'), '-CAfile', file('ca.pem')])
        .ok,
    ).toBe(true);
    const ours = await verifyTimeStampToken(reply, {
      data: HELLO,
      trustedCertificatesPem: caPem,
      policy: TRELLIS_TSA_POLICY_OID,
      tsaSubjectCN: 'court-tsa',
    });
    expect(ours).toMatchObject({
      ok: true,
      serialNumber: '1234567890abcdef',
      hashAlgorithm: 'sha256',
      policy: TRELLIS_TSA_POLICY_OID,
      tsaName: 'O=court, CN=court-tsa',
      signerSubject: 'O=court, CN=court-tsa',
      anchor: {
        chainId: 'trellis-local',
        height: '1234',
        txId: 'ab'.repeat(32),
        blockHash: 'cd'.repeat(32),
      },
    });
    expect(ours.genTime!.getTime()).toBe(Number(anchor.timeMs));
    expect(ours.nonce).toMatch(/^\d+$/);
  });

  it('issue_replyText_showsPolicyMillisecondTimeNonceTsaNameAndTheAnchorExtension', async () => {
    await stamp('text', ['-sha256', '-cert']);
    const text = openssl(['ts', '-reply', '-in', file('text.tsr'), '-text']).output;
    expect(text).toContain('Status: Granted.');
    expect(text).toContain(`Policy OID: ${TRELLIS_TSA_POLICY_OID}`);
    expect(text).toMatch(/Time stamp: .* \d\d:\d\d:\d\d\.234 \d{4} GMT/);
    expect(text).toMatch(/Nonce: 0x[0-9A-F]+/);
    expect(text).toContain('TSA: DirName:/O=court/CN=court-tsa');
    expect(text).toContain(`${TRELLIS_ANCHOR_EXTENSION_OID}:`);
    expect(text).toContain('trellis-local');
    // The signed attributes openssl reads: contentType, signingTime, messageDigest, ESS v2.
    const token = openssl(['ts', '-reply', '-in', file('text.tsr'), '-token_out']).stdout;
    const cms = openssl(['cms', '-inform', 'DER', '-cmsout', '-print', '-noout'], token).output;
    for (const attribute of [
      'contentType',
      'signingTime',
      'messageDigest',
      'id-smime-aa-signingCertificateV2',
    ]) {
      expect(cms).toContain(attribute);
    }
  });

  it('issue_sha512WithoutNonceOrCert_needsTheTsaCertificateSuppliedToVerify', async () => {
    const reply = await stamp('b', ['-sha512', '-no_nonce']);
    const args = ['-in', file('b.tsr'), '-queryfile', file('b.tsq'), '-CAfile', file('ca.pem')];
    expect(opensslTsVerifies([...args, '-untrusted', file('tsa.pem')]).ok).toBe(true);
    expect(opensslTsVerifies(args).ok).toBe(false);
    expect(
      await verifyTimeStampToken(reply, { data: HELLO, trustedCertificatesPem: caPem }),
    ).toMatchObject({ ok: false, code: 'signer-not-identified' });
    const ours = await verifyTimeStampToken(reply, {
      data: HELLO,
      trustedCertificatesPem: caPem + tsa.certificatePem,
    });
    expect(ours).toMatchObject({ ok: true, hashAlgorithm: 'sha512' });
    expect(ours.nonce).toBeUndefined();
  });

  it('issue_sm3Imprint_isAccepted_andBothVerifiersCheckIt', async () => {
    const reply = await stamp('sm3', ['-sm3', '-cert']);
    expect(
      opensslTsVerifies(['-in', file('sm3.tsr'), '-data', file('hello'), '-CAfile', file('ca.pem')])
        .ok,
    ).toBe(true);
    expect(
      await verifyTimeStampToken(reply, { data: HELLO, trustedCertificatesPem: caPem }),
    ).toMatchObject({ ok: true, hashAlgorithm: 'sm3' });
  });

  it('issue_withChain_includesItAfterTheTsaCertificate', async () => {
    const reply = await stamp('chain', ['-sha256', '-cert'], { ...tsa, chainPem: caPem });
    const token = openssl(['ts', '-reply', '-in', file('chain.tsr'), '-token_out']).stdout;
    const bag = openssl(['pkcs7', '-inform', 'DER', '-print_certs', '-noout'], token).output;
    expect(bag.match(/^subject=.*$/gm)).toEqual([
      'subject=O = court, CN = court-tsa',
      'subject=O = court, CN = Internet Court CA',
    ]);
    expect(
      await verifyTimeStampToken(reply, { data: HELLO, trustedCertificatesPem: caPem }),
    ).toMatchObject({ ok: true });
  });

  it('issue_tamperedDataOrToken_failsWithOpensslAndOurs', async () => {
    const reply = await stamp('t', ['-sha256', '-cert']);
    writeFileSync(file('hellO'), 'hellO');
    const other = opensslTsVerifies([
      '-in',
      file('t.tsr'),
      '-data',
      file('hellO'),
      '-CAfile',
      file('ca.pem'),
    ]);
    expect(other.ok).toBe(false);
    expect(other.output).toContain('message imprint mismatch');
    expect(
      await verifyTimeStampToken(reply, {
        data: Buffer.from('hellO'),
        trustedCertificatesPem: caPem,
      }),
    ).toMatchObject({ ok: false, code: 'imprint-mismatch' });
    // One byte of the signature (the reply's last bytes) flipped.
    const bad = Buffer.from(reply);
    bad[bad.length - 3]! ^= 0x01;
    writeFileSync(file('t-bad.tsr'), bad);
    expect(
      opensslTsVerifies([
        '-in',
        file('t-bad.tsr'),
        '-data',
        file('hello'),
        '-CAfile',
        file('ca.pem'),
      ]).ok,
    ).toBe(false);
    expect(
      await verifyTimeStampToken(bad, { data: HELLO, trustedCertificatesPem: caPem }),
    ).toMatchObject({ ok: false, code: 'bad-signature' });
  });

  it('issue_pinsOnOurToken_nonceAndPolicyAndSubject_fail', async () => {
    const reply = await stamp('pins', ['-sha256', '-cert']);
    const base = { data: HELLO, trustedCertificatesPem: caPem };
    const nonce = BigInt((await verifyTimeStampToken(reply, base)).nonce!);
    expect(await verifyTimeStampToken(reply, { ...base, nonce })).toMatchObject({ ok: true });
    expect(await verifyTimeStampToken(reply, { ...base, nonce: nonce + 1n })).toMatchObject({
      code: 'nonce-mismatch',
    });
    expect(await verifyTimeStampToken(reply, { ...base, policy: '1.2.3' })).toMatchObject({
      code: 'policy-mismatch',
    });
    expect(await verifyTimeStampToken(reply, { ...base, tsaSubjectCN: 'bank-tsa' })).toMatchObject({
      code: 'tsa-subject-mismatch',
    });
  });

  it('issue_requestedPolicyNotOurs_isUnacceptedPolicy_andTheRejectionReadsInOpenssl', async () => {
    run([
      'ts',
      '-query',
      '-data',
      file('hello'),
      '-sha256',
      '-tspolicy',
      '1.2.3.4',
      '-out',
      file('p.tsq'),
    ]);
    const request = parseTimeStampRequest(readFileSync(file('p.tsq')));
    expect(request.reqPolicy).toBe('1.2.3.4');
    const error = await issueTimeStampResponse(request, anchor, tsa, 1n).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TsaError);
    expect(error).toMatchObject({ code: 'unaccepted-policy', failInfo: 15 });
    writeFileSync(file('p.tsr'), rejectionResponse(error as TsaError));
    const text = openssl(['ts', '-reply', '-in', file('p.tsr'), '-text']).output;
    expect(text).toContain('Status: Rejected.');
    expect(text).toContain('Failure info: the requested TSA policy is not supported by the TSA');
    expect(text).toContain('policy 1.2.3.4 requested');
    // Asking for our own policy is fine.
    run([
      'ts',
      '-query',
      '-data',
      file('hello'),
      '-sha256',
      '-tspolicy',
      TRELLIS_TSA_POLICY_OID,
      '-out',
      file('q.tsq'),
    ]);
    const ours = parseTimeStampRequest(readFileSync(file('q.tsq')));
    await expect(issueTimeStampResponse(ours, anchor, tsa, 2n)).resolves.toBeInstanceOf(Uint8Array);
  });

  it('issue_badIdentityOrAnchor_isRefusedBeforeSigning', async () => {
    run(['ts', '-query', '-data', file('hello'), '-sha256', '-out', file('r.tsq')]);
    const request = parseTimeStampRequest(readFileSync(file('r.tsq')));
    // A TSA certificate whose EKU is not critical (openssl ts -verify would refuse its tokens).
    issue(
      'weak',
      '/O=court/CN=court-weak',
      'tsa.key',
      TSA_EXTENSIONS.replace('extendedKeyUsage=critical,', 'extendedKeyUsage='),
    );
    const weak = { ...tsa, certificatePem: readFileSync(file('weak.pem'), 'utf8') };
    await expect(issueTimeStampResponse(request, anchor, weak, 1n)).rejects.toMatchObject({
      code: 'bad-identity',
    });
    // A key that is not the certificate's.
    p256Key('other.key');
    const wrongKey = { ...tsa, privateKeyPem: readFileSync(file('other.key'), 'utf8') };
    await expect(issueTimeStampResponse(request, anchor, wrongKey, 1n)).rejects.toMatchObject({
      code: 'bad-identity',
    });
    // A block time outside the certificate's validity.
    await expect(
      issueTimeStampResponse(request, { ...anchor, timeMs: 0n }, tsa, 1n),
    ).rejects.toMatchObject({ code: 'bad-identity' });
    for (const bad of [
      { chainId: '' },
      { height: -1n },
      { txId: new Uint8Array(0) },
      { blockHash: new Uint8Array(65) },
    ]) {
      await expect(
        issueTimeStampResponse(request, { ...anchor, ...bad }, tsa, 1n),
      ).rejects.toMatchObject({ code: 'invalid-argument' });
    }
    for (const serial of [0n, 1n << 160n]) {
      await expect(issueTimeStampResponse(request, anchor, tsa, serial)).rejects.toMatchObject({
        code: 'invalid-argument',
      });
    }
  });
});
