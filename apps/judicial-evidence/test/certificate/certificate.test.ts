import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import {
  type CertificateFacts,
  type CertificateSigner,
  CertificateError,
  qrDarkModules,
  renderEvidenceCertificate,
} from '../../src/certificate';
import { SYSTEM_FONT_CANDIDATES } from '@trellis/shared/documents';
import { type TestPki, makeTestPki } from './test-pki';

const hex = (c: string): string => c.repeat(64);
const VERIFY_URL = `https://court.example/judicial-evidence/verify/${hex('a')}?chain=trellis-local`;

function baseFacts(): CertificateFacts {
  return {
    depositId: hex('a'),
    title: 'Loan agreement No. 17 between Bank of Example and ACME Ltd',
    evidenceType: 'contract',
    sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    sm3: '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    depositorOrg: 'bank',
    depositorName: 'Bank of Example',
    depositedAt: new Date('2026-11-20T10:11:12.345Z'),
    height: 123456n,
    blockHash: hex('d'),
    chainId: 'trellis-local',
    parentDepositId: hex('e'),
    verifyUrl: VERIFY_URL,
    issuedAt: new Date('2026-11-21T09:00:00Z'),
  };
}

let pki: TestPki;
let dir: string;
let signer: CertificateSigner;
/** The certificate of `baseFacts()`, rendered once. */
let pdf: Buffer;
let pdfPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'evidence-certificate-'));
  pki = await makeTestPki();
  signer = { certificatePem: pki.leafPem, privateKeyPem: pki.leafKeyPem, chainPem: pki.caPem };
  pdf = await renderEvidenceCertificate(baseFacts(), signer);
  pdfPath = write('certificate.pdf', pdf);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Runs a poppler/openssl tool; returns stdout and stderr together (pdfsig's exit code says little). */
function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return `${r.stdout}${r.stderr}`;
}

function byteRange(bytes: Buffer): [number, number, number, number] {
  const m = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]/.exec(bytes.toString('latin1'));
  if (!m) throw new Error('no ByteRange');
  return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
}

/** The CMS DER from /Contents (the placeholder is zero-padded past the DER's own length). */
function cmsOf(bytes: Buffer): Buffer {
  const [, gapStart, gapEnd] = byteRange(bytes);
  const der = Buffer.from(bytes.subarray(gapStart + 1, gapEnd - 1).toString('latin1'), 'hex');
  expect(der[0]).toBe(0x30);
  expect(der[1]).toBe(0x82); // two length bytes follow
  return der.subarray(0, 4 + der.readUInt16BE(2));
}

/** Every FlateDecode stream of the file, inflated and concatenated. */
function inflatedStreams(bytes: Buffer): string {
  const text = bytes.toString('latin1');
  const out: string[] = [];
  const re = /\/Filter \/FlateDecode[^]*?stream\r?\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    try {
      out.push(inflateSync(bytes.subarray(start, end)).toString('latin1'));
    } catch {
      // Font programs and the like may be stored differently; only content streams matter here.
    }
  }
  return out.join('\n');
}

describe('renderEvidenceCertificate: the PDF signature', () => {
  it('is valid for poppler pdfsig (NSS), covers the whole document and names the signer', () => {
    const out = run('pdfsig', [pdfPath]);
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(out).toContain('Signer Certificate Common Name: Bank of Example Evidence Signing');
    expect(out).toContain('Signing Hash Algorithm: SHA-256');
    expect(out).toContain('Signature Type: adbe.pkcs7.detached');
    expect(out).toContain('Total document signed');
    // The test CA is not in NSS's trust store; the signature itself is what is checked.
    expect(run('pdfsig', ['-nocert', pdfPath])).toContain(
      'Signature Validation: Signature is Valid.',
    );
  });

  it('is a CMS that openssl verifies over the ByteRange, up to the issuing CA', () => {
    const [a, b, c, d] = byteRange(pdf);
    expect(a).toBe(0);
    expect(c + d).toBe(pdf.length);
    const signed = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
    const cmsPath = write('sig.der', cmsOf(pdf));
    const contentPath = write('signed-bytes', signed);
    const caPath = write('ca.pem', pki.caPem);
    const verify = run('openssl', [
      'cms',
      '-verify',
      '-inform',
      'DER',
      '-in',
      cmsPath,
      '-content',
      contentPath,
      '-binary',
      '-CAfile',
      caPath,
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ]);
    expect(verify).toContain('Verification successful');

    const printed = execFileSync(
      'openssl',
      ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', cmsPath],
      {
        encoding: 'utf8',
      },
    );
    for (const attribute of [
      'contentType',
      'messageDigest',
      'signingTime',
      'id-smime-aa-signingCertificateV2',
    ]) {
      expect(printed).toContain(`object: ${attribute}`);
    }
    expect(printed).toContain('ecdsa-with-SHA256');
    expect(printed).toContain('eContent: <ABSENT>'); // detached
    // The leaf and the CA travel in the CMS so a verifier can build the chain.
    expect(printed).toContain('subject: CN=Bank of Example Evidence Signing, O=Bank of Example');
    expect(printed).toContain('subject: CN=Bank of Example Root CA, O=Bank of Example');
  });

  it.each([
    ['the first signed range (document info)', 'Evidence deposit certificate aaaa', 'first'],
    ['the second signed range (catalog)', '/Lang (en)', 'last'],
  ])('is no longer valid after one byte in %s changes', (_what, needle, which) => {
    const at = which === 'first' ? pdf.indexOf(needle) : pdf.lastIndexOf(needle);
    expect(at).toBeGreaterThan(0);
    const [, gapStart, gapEnd] = byteRange(pdf);
    const flip = at + needle.length - 2;
    expect(flip < gapStart || flip >= gapEnd).toBe(true);
    const tampered = Buffer.from(pdf);
    tampered[flip] = (tampered[flip] ?? 0) ^ 0x01;
    const out = run('pdfsig', [write(`tampered-${which}.pdf`, tampered)]);
    expect(out).toContain('Signature Validation:');
    expect(out).not.toContain('Signature is Valid.');
  });
});

describe('renderEvidenceCertificate: what the page says', () => {
  it('prints every fact the court needs (pdftotext)', () => {
    const text = execFileSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' });
    const f = baseFacts();
    for (const fact of [
      'Evidence deposit certificate',
      f.depositId,
      f.title,
      'contract',
      f.sha256,
      f.sm3,
      'Bank of Example',
      'organisation id: bank',
      '2026-11-20T10:11:12.345Z (UTC)',
      '123456',
      hex('d'),
      'trellis-local',
      hex('e'),
      'without trusting the depositor',
      'Bank of Example Evidence Signing',
    ]) {
      expect(text).toContain(fact);
    }
    // The URL may wrap across lines under the QR code.
    expect(text.replace(/\s+/g, '')).toContain(VERIFY_URL);
    expect(run('pdfinfo', [pdfPath])).toMatch(/Pages:\s+1\n/);
  });

  it('draws a QR code (level M) of verifyUrl: one square per dark module, at the right places', () => {
    // No QR decoder is installed, so the drawn squares are mapped back to a module grid and
    // compared with the matrix the qrcode package computes independently of the drawing code.
    const expected = QRCode.create(VERIFY_URL, { errorCorrectionLevel: 'M' }).modules;
    const rects = [
      ...inflatedStreams(pdf).matchAll(/(-?[\d.]+) (-?[\d.]+) ([\d.]+) ([\d.]+) re\b/g),
    ].map((m) => m.slice(1, 5).map(Number));
    const dark = qrDarkModules(VERIFY_URL);
    expect(rects).toHaveLength(dark.dark.length);
    // The module pitch: the smallest step between distinct square positions.
    const xs = [...new Set(rects.map((r) => r[0] ?? 0))].sort((a, b) => a - b);
    const side = Math.min(...xs.slice(1).map((x, i) => x - (xs[i] ?? 0)));
    expect(side).toBeGreaterThan(0.8); // points per module: large enough to scan from paper
    expect(rects.every(([, , w = 0, h = 0]) => Math.abs(w - side) < 1e-3 && h === w)).toBe(true);
    const x0 = Math.min(...rects.map((r) => r[0] ?? 0));
    const y0 = Math.min(...rects.map((r) => r[1] ?? 0));
    const drawn = new Set(
      rects.map(
        ([x = 0, y = 0]) => `${Math.round((y - y0) / side)},${Math.round((x - x0) / side)}`,
      ),
    );
    const want = new Set<string>();
    for (let row = 0; row < expected.size; row++) {
      for (let col = 0; col < expected.size; col++)
        if (expected.get(row, col)) want.add(`${row},${col}`);
    }
    expect(drawn).toEqual(want);
  });

  it('keeps titles in other scripts exact: drawn with a system font, else as code points', async () => {
    const chinese = '借款合同 第17号';
    const cyrillic = 'Договор займа № 17';
    const f = { ...baseFacts(), title: `${chinese} / ${cyrillic}`, depositorName: '示例银行' };
    const path = write('unicode.pdf', await renderEvidenceCertificate(f, signer));
    const text = execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' });
    const cjkFont = SYSTEM_FONT_CANDIDATES.slice(0, 5).some((c) => existsSync(c.path));
    if (cjkFont) {
      expect(text).toContain(chinese);
    } else {
      // 借 U+501F, 款 U+6B3E, 合 U+5408, 同 U+540C
      expect(text).toContain('[U+501F U+6B3E U+5408 U+540C]');
      expect(text).toContain('Unicode code points no font on the issuing server could draw');
      if (existsSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf')) {
        expect(text.replace(/\s+/g, ' ')).toContain(cyrillic); // may wrap
      }
    }
    // The exact strings are in the document properties either way.
    const info = run('pdfinfo', [path]);
    expect(info).toContain(`Subject:         ${f.title}`);
    expect(info).toContain('Author:          示例银行');
    expect(run('pdfsig', [path])).toContain('Signature is Valid.');
  });

  it('fits the longest inputs on one page', async () => {
    const f = {
      ...baseFacts(),
      title: 'W'.repeat(200),
      depositorName: '银'.repeat(200),
      correctsDepositId: hex('f'),
      verifyUrl: `https://court.example/${'x'.repeat(490)}`,
    };
    const path = write('longest.pdf', await renderEvidenceCertificate(f, signer));
    expect(run('pdfinfo', [path])).toMatch(/Pages:\s+1\n/);
    expect(run('pdfsig', [path])).toContain('Signature is Valid.');
  });
});

describe('renderEvidenceCertificate: bad input', () => {
  const facts: Array<[keyof CertificateFacts, unknown]> = [
    ['depositId', hex('A')],
    ['depositId', 'abc'],
    ['title', ''],
    ['title', '   '],
    ['title', 'x'.repeat(201)],
    ['title', 'evil\u202etxt.exe'],
    ['title', 'line\nbreak'],
    ['title', '\ud800'],
    ['evidenceType', 'Contract'],
    ['sha256', hex('g')],
    ['sm3', 'ab'],
    ['depositorOrg', 'Bank Of'],
    ['depositorName', 42],
    ['depositedAt', new Date('nope')],
    ['depositedAt', '2026-11-20T10:11:12Z'],
    ['height', 5],
    ['height', -1n],
    ['blockHash', 'zz'],
    ['chainId', 'Trellis'],
    ['parentDepositId', hex('a')],
    ['correctsDepositId', hex('a')],
    ['correctsDepositId', '12'],
    ['verifyUrl', '/relative/path'],
    ['verifyUrl', 'javascript:alert(1)'],
    ['verifyUrl', 'https://user:pw@court.example/v'],
    ['verifyUrl', `https://court.example/${'x'.repeat(600)}`],
    ['issuedAt', undefined],
  ];
  it.each(facts)('refuses facts.%s = %p', async (field, value) => {
    const bad = { ...baseFacts(), [field]: value } as CertificateFacts;
    const err: unknown = await renderEvidenceCertificate(bad, signer).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertificateError);
    expect(err).toMatchObject({ code: 'invalid-facts', field });
  });

  it('accepts upper-case digests (printed lower-case) and null links', async () => {
    const f = {
      ...baseFacts(),
      sha256: baseFacts().sha256.toUpperCase(),
      parentDepositId: null,
      blockHash: null,
    };
    const path = write('nulls.pdf', await renderEvidenceCertificate(f, signer));
    const text = execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' });
    expect(text).toContain(baseFacts().sha256);
    expect(text).toContain('none: the first deposit of its evidence chain');
  });

  const signers: Array<[string, (p: TestPki) => CertificateSigner, string]> = [
    [
      'a key that does not match the certificate',
      (p) => ({ certificatePem: p.leafPem, privateKeyPem: p.otherKeyPem }),
      'privateKeyPem',
    ],
    [
      'a certificate whose keyUsage forbids signing',
      (p) => ({ certificatePem: p.encipherOnlyPem, privateKeyPem: p.encipherOnlyKeyPem }),
      'certificatePem',
    ],
    [
      'a chain without the issuer',
      (p) => ({ certificatePem: p.leafPem, privateKeyPem: p.leafKeyPem, chainPem: p.leafPem }),
      'chainPem',
    ],
    [
      'two certificates as the signer',
      (p) => ({ certificatePem: p.leafPem + p.caPem, privateKeyPem: p.leafKeyPem }),
      'certificatePem',
    ],
    [
      'a key where the certificate should be',
      (p) => ({ certificatePem: p.leafKeyPem, privateKeyPem: p.leafKeyPem }),
      'certificatePem',
    ],
    [
      'garbage around the PEM',
      (p) => ({ certificatePem: `hello\n${p.leafPem}`, privateKeyPem: p.leafKeyPem }),
      'certificatePem',
    ],
    [
      'a corrupt certificate',
      () => ({
        certificatePem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
        privateKeyPem: '',
      }),
      'certificatePem',
    ],
    ['a missing key', (p) => ({ certificatePem: p.leafPem }) as CertificateSigner, 'privateKeyPem'],
    [
      'a non-ASCII reason',
      (p) => ({ certificatePem: p.leafPem, privateKeyPem: p.leafKeyPem, reason: 'Beweis ü' }),
      'reason',
    ],
  ];
  it.each(signers)('refuses %s (invalid-signer)', async (_what, make, field) => {
    const err: unknown = await renderEvidenceCertificate(baseFacts(), make(pki)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CertificateError);
    expect(err).toMatchObject({ code: 'invalid-signer', field });
  });

  it('refuses a certificate that is not valid when the PDF is issued', async () => {
    const f = { ...baseFacts(), issuedAt: new Date('2036-01-01T00:00:00Z') };
    await expect(renderEvidenceCertificate(f, signer)).rejects.toMatchObject({
      code: 'invalid-signer',
      field: 'certificatePem',
      message: expect.stringContaining('is not valid at 2036-01-01T00:00:00.000Z') as unknown,
    });
  });

  it('refuses a P-384 certificate (pdfsig and the profile need P-256)', async () => {
    const keyPath = join(dir, 'p384.key');
    execFileSync('openssl', [
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-384',
      '-out',
      keyPath,
    ]);
    const certPem = execFileSync(
      'openssl',
      [
        'req',
        '-new',
        '-x509',
        '-key',
        keyPath,
        '-subj',
        '/CN=P-384 signer',
        '-days',
        '3650',
        '-set_serial',
        '7',
      ],
      { encoding: 'utf8' },
    );
    const keyPem = execFileSync('openssl', ['pkey', '-in', keyPath], { encoding: 'utf8' });
    const f = { ...baseFacts(), issuedAt: new Date() };
    await expect(
      renderEvidenceCertificate(f, { certificatePem: certPem, privateKeyPem: keyPem }),
    ).rejects.toMatchObject({
      code: 'invalid-signer',
      field: 'certificatePem',
    });
  });
});
