// `initConsortium`: the directory it writes is a consortium the daemon accepts — a genesis that
// parses, certificates that verify with the right kind and roles, configs that load, keys that
// match genesis, private files owner-only — and it never overwrites one by accident.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getSuite, Organisation, toHex, verifyMember } from '@trellis/chain-core';
import {
  DEFAULT_CONSORTIUM,
  type InitConsortiumResult,
  initConsortium,
  loadNodeConfig,
  loadPem,
  loadSecretKey,
} from '../../src/consortium';
import { consortiumErrorOf, initDefault, NOW, readJson, Scratch } from './support';

const ORG_IDS = ['tax-bureau', 'bank', 'court', 'manufacturer'];

let scratch: Scratch;
let dir: string;
let result: InitConsortiumResult;
beforeAll(async () => {
  scratch = new Scratch();
  dir = scratch.dir();
  result = await initDefault(dir);
}, 60_000);
afterAll(() => scratch.dispose());

describe('initConsortium', () => {
  it('init_default_writesGenesisWithFourOrgsValidatorsAndObserver', () => {
    const { genesis } = result;
    expect(genesis.chainId).toBe('trellis-local');
    expect(genesis.suite).toBe('ed25519');
    expect(genesis.timestampMs).toBe(BigInt(NOW.getTime()));
    expect(genesis.organisations.map((o) => [o.id, o.name])).toEqual([
      ['tax-bureau', 'Tax Bureau'],
      ['bank', 'Commercial Bank'],
      ['court', 'Internet Court'],
      ['manufacturer', 'Manufacturer'],
    ]);
    expect(genesis.validators.map((v) => [v.org, v.name, v.address.text])).toEqual([
      ['tax-bureau', 'tax-bureau-node', '127.0.0.1:7101'],
      ['bank', 'bank-node', '127.0.0.1:7102'],
      ['court', 'court-node', '127.0.0.1:7103'],
      ['manufacturer', 'manufacturer-node', '127.0.0.1:7104'],
    ]);
    expect(genesis.observers.map((o) => [o.org, o.name, o.address.text])).toEqual([
      ['bank', 'bank-observer', '127.0.0.1:7105'],
    ]);
    expect(result.nodes.map((n) => n.api)).toEqual([
      '127.0.0.1:7201',
      '127.0.0.1:7202',
      '127.0.0.1:7203',
      '127.0.0.1:7204',
      '127.0.0.1:7205',
    ]);
    expect(result.genesisHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('init_genesisCertificates_areEachOrgsAdminAndServiceWithTheirRoles', async () => {
    const orgs = result.genesis.organisations.map((o) => o.organisation);
    const seen = [];
    for (const entry of result.genesis.certificates) {
      const member = await verifyMember(entry.certificate, {
        orgs,
        at: NOW,
        isRevoked: () => false,
      });
      expect(entry.orgId).toBe(member.orgId);
      expect(toHex(entry.tbsHash)).toBe(member.tbsHash);
      expect(member.publicKeyAlgorithm).toBe('ed25519');
      seen.push([member.orgId, member.name, member.kind, member.roles.join(',')]);
    }
    expect(seen).toEqual(
      ORG_IDS.flatMap((id) => [
        [id, `${id}-admin`, 'user', 'admin'],
        [id, `${id}-service`, 'service', 'service'],
      ]),
    );
  });

  it('init_orgFiles_verifyAsTheirKindAndRolesAndKeysAreOwnerOnly', async () => {
    for (const id of ORG_IDS) {
      const base = join(dir, 'orgs', id);
      expect(readdirSync(base).sort()).toEqual([
        'admin.key',
        'admin.pem',
        'ca.key',
        'ca.pem',
        'documents.key',
        'documents.pem',
        'service.key',
        'service.pem',
        'tsa.key',
        'tsa.pem',
      ]);
      const org = await Organisation.load({
        id,
        name: id,
        rootCertificate: loadPem(join(base, 'ca.pem')),
      });
      for (const [file, kind, role] of [
        ['admin', 'user', 'admin'],
        ['service', 'service', 'service'],
      ] as const) {
        const member = await verifyMember(loadPem(join(base, `${file}.pem`)), {
          orgs: [org],
          at: NOW,
          isRevoked: () => false,
          requireRole: role,
        });
        expect([member.kind, member.roles]).toEqual([kind, [role]]);
        expect(statSync(join(base, `${file}.key`)).mode & 0o777).toBe(0o600);
      }
      expect(statSync(join(base, 'ca.key')).mode & 0o777).toBe(0o600);
    }
  });

  it('init_tsaAndDocumentsCertificates_areP256FromTheOrgCaWithTheirUsagesAndMatchingKeys', async () => {
    const organisations = new Map(
      result.genesis.organisations.map((o) => [o.id, o.organisation] as const),
    );
    for (const id of ORG_IDS) {
      const base = join(dir, 'orgs', id);
      const ca = new X509Certificate(loadPem(join(base, 'ca.pem'), 'CERTIFICATE'));
      for (const kind of ['tsa', 'documents'] as const) {
        const pem = loadPem(join(base, `${kind}.pem`), 'CERTIFICATE');
        const certificate = new X509Certificate(pem);
        const key = createPrivateKey(loadPem(join(base, `${kind}.key`), 'PRIVATE KEY'));
        expect(statSync(join(base, `${kind}.key`)).mode & 0o777).toBe(0o600);
        expect(certificate.checkPrivateKey(key)).toBe(true);
        expect(certificate.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
        expect(certificate.subject).toBe(`O=${id}\nCN=${id}-${kind}`);
        expect(certificate.checkIssued(ca)).toBe(true);
        expect(certificate.verify(ca.publicKey)).toBe(true);
        expect(certificate.ca).toBe(false);
        // Same validity as the members: from an hour before genesis, ten years.
        expect(new Date(certificate.validFrom).getTime()).toBe(NOW.getTime() - 3600_000);
        expect(new Date(certificate.validTo).getTime()).toBe(NOW.getTime() + 10 * 365 * 86_400_000);
        const text = execFileSync('openssl', ['x509', '-noout', '-text'], {
          input: pem,
          encoding: 'utf8',
        });
        expect(text).toMatch(/X509v3 Key Usage: critical\n\s+Digital Signature, Non Repudiation\n/);
        expect(text).not.toContain('member');
        if (kind === 'tsa') {
          // RFC 3161 §2.3: id-kp-timeStamping alone, critical.
          expect(text).toMatch(/X509v3 Extended Key Usage: critical\n\s+Time Stamping\n/);
        } else {
          expect(text).not.toContain('Extended Key Usage');
        }
        // Neither is a chain member: genesis does not list it, the member verifier refuses it.
        await expect(
          verifyMember(pem, { orgs: [organisations.get(id)!], at: NOW, isRevoked: () => false }),
        ).rejects.toThrow();
      }
    }
  });

  it('init_tsaCertificate_passesOpensslVerifyForTimeStampingAgainstItsCa', () => {
    for (const id of ORG_IDS) {
      const base = join(dir, 'orgs', id);
      for (const [kind, purpose] of [
        ['tsa', 'timestampsign'],
        ['documents', 'any'],
      ] as const) {
        const file = join(base, `${kind}.pem`);
        const out = execFileSync(
          'openssl',
          [
            'verify',
            '-x509_strict',
            '-purpose',
            purpose,
            '-attime',
            String(NOW.getTime() / 1000),
            '-CAfile',
            join(base, 'ca.pem'),
            file,
          ],
          { encoding: 'utf8' },
        );
        expect(out.trim()).toBe(`${file}: OK`);
      }
    }
  });

  it('init_tsaCertificateAndKey_signTimeStampsThatOpensslTsVerifiesUnderTheOrgCa', () => {
    // openssl's own TSA signs with court's tsa.pem/tsa.key; openssl ts -verify then needs the
    // EKU timeStamping alone and critical, and a chain to ca.pem.
    const base = join(dir, 'orgs', 'court');
    const work = scratch.dir();
    const at = (name: string) => join(work, name);
    writeFileSync(at('data'), 'evidence');
    writeFileSync(
      at('tsa.cnf'),
      [
        '[ tsa ]',
        'default_tsa = court',
        '[ court ]',
        `serial = ${at('serial')}`,
        `signer_cert = ${join(base, 'tsa.pem')}`,
        `signer_key = ${join(base, 'tsa.key')}`,
        'signer_digest = sha256',
        'default_policy = 1.3.6.1.4.1.32473.7.1',
        'digests = sha256',
        'ess_cert_id_alg = sha256',
        '',
      ].join('\n'),
    );
    writeFileSync(at('serial'), '01\n');
    const openssl = (args: string[]) =>
      execFileSync('openssl', args, { encoding: 'utf8', stdio: 'pipe' });
    openssl(['ts', '-query', '-data', at('data'), '-sha256', '-cert', '-out', at('q.tsq')]);
    openssl([
      'ts',
      '-reply',
      '-config',
      at('tsa.cnf'),
      '-queryfile',
      at('q.tsq'),
      '-out',
      at('r.tsr'),
    ]);
    const out = openssl([
      'ts',
      '-verify',
      '-in',
      at('r.tsr'),
      '-queryfile',
      at('q.tsq'),
      '-CAfile',
      join(base, 'ca.pem'),
      '-attime',
      String(NOW.getTime() / 1000),
    ]);
    expect(out).toContain('Verification: OK');
    // Under another organisation's CA it does not verify.
    expect(() =>
      openssl([
        'ts',
        '-verify',
        '-in',
        at('r.tsr'),
        '-queryfile',
        at('q.tsq'),
        '-CAfile',
        join(dir, 'orgs', 'bank', 'ca.pem'),
      ]),
    ).toThrow();
  });

  it('init_nodeFiles_haveP256NodeCertificatesLocalNamesAndConsensusKeysOfGenesis', async () => {
    const orgs = result.genesis.organisations.map((o) => o.organisation);
    const suite = getSuite('ed25519');
    for (const node of result.nodes) {
      const config = loadNodeConfig(node.configFile);
      expect(config).toMatchObject({ name: node.name, role: node.role, logLevel: 'info' });
      expect(config.genesis).toBe(result.genesisFile);
      expect(config.dataDir).toBe(join(node.dir, 'data'));
      expect(config.listen.text).toBe(node.listen);
      const member = await verifyMember(loadPem(config.tls.certificate, 'CERTIFICATE'), {
        orgs,
        at: NOW,
        isRevoked: () => false,
      });
      expect(member).toMatchObject({ orgId: node.org, name: node.name, kind: 'node' });
      expect(member.roles).toEqual([node.role]);
      expect(member.publicKeyAlgorithm).toBe('ecdsa-p256');
      expect(member.dnsNames).toEqual(['localhost']);
      expect(member.ipAddresses).toEqual(['127.0.0.1']);
      expect(statSync(config.tls.key).mode & 0o777).toBe(0o600);
      if (node.role === 'validator') {
        const keys = loadSecretKey(config.consensusKey!, suite);
        expect(statSync(config.consensusKey!).mode & 0o777).toBe(0o600);
        const listed = result.genesis.validators.find((v) => v.name === node.name)!;
        expect(toHex(keys.publicKey)).toBe(toHex(listed.publicKey));
      } else {
        expect(config.consensusKey).toBeUndefined();
      }
    }
  });

  it('init_certificates_passOpensslVerifyAgainstTheirCa', () => {
    for (const [org, file] of [
      ['tax-bureau', join(dir, 'nodes', 'tax-bureau-node', 'node.pem')],
      ['bank', join(dir, 'nodes', 'bank-observer', 'node.pem')],
      ['court', join(dir, 'orgs', 'court', 'admin.pem')],
      ['manufacturer', join(dir, 'orgs', 'manufacturer', 'service.pem')],
    ] as const) {
      const ca = join(dir, 'orgs', org, 'ca.pem');
      const out = execFileSync(
        'openssl',
        ['verify', '-x509_strict', '-attime', String(NOW.getTime() / 1000), '-CAfile', ca, file],
        {
          encoding: 'utf8',
        },
      );
      expect(out.trim()).toBe(`${file}: OK`);
    }
    // And a certificate is not accepted under another organisation's CA.
    expect(() =>
      execFileSync(
        'openssl',
        [
          'verify',
          '-CAfile',
          join(dir, 'orgs', 'bank', 'ca.pem'),
          join(dir, 'nodes', 'court-node', 'node.pem'),
        ],
        { stdio: 'pipe' },
      ),
    ).toThrow();
  });

  it('init_intoNonEmptyDirectory_isRefusedWithoutForce', async () => {
    const error = await consortiumErrorOf(() => initDefault(dir), 'directory-not-empty');
    expect(error.message).toContain('pass force');
    // Nothing was touched: the genesis is still the first one.
    expect(readJson(result.genesisFile).timestampMs).toBe(String(NOW.getTime()));
  });

  it('init_withForce_replacesTheConsortiumAndKeepsOtherFiles', async () => {
    const other = scratch.dir();
    await initConsortium({ ...DEFAULT_CONSORTIUM, dir: other, now: NOW });
    writeFileSync(join(other, 'notes.txt'), 'kept');
    writeFileSync(join(other, 'nodes', 'bank-node', 'stale-data'), 'old chain');
    const later = new Date(NOW.getTime() + 1000);
    const again = await initConsortium({
      ...DEFAULT_CONSORTIUM,
      dir: other,
      now: later,
      force: true,
    });
    expect(again.genesis.timestampMs).toBe(BigInt(later.getTime()));
    expect(readdirSync(other).sort()).toEqual(['genesis.json', 'nodes', 'notes.txt', 'orgs']);
    expect(readdirSync(join(other, 'nodes', 'bank-node'))).not.toContain('stale-data');
  }, 60_000);

  it('init_withForceOnADirectoryWithoutGenesis_removesNothing', async () => {
    const other = scratch.dir();
    writeFileSync(join(other, 'precious.txt'), 'mine');
    await consortiumErrorOf(
      () => initConsortium({ ...DEFAULT_CONSORTIUM, dir: other, force: true }),
      'not-a-consortium',
    );
    expect(readdirSync(other)).toEqual(['precious.txt']);
  });

  it('init_badOptions_nameTheOption', async () => {
    const base = { ...DEFAULT_CONSORTIUM, dir: scratch.dir() };
    const cases: [Partial<typeof base> & Record<string, unknown>, string][] = [
      [{ chainId: 'Trellis Local' }, 'chainId'],
      [{ orgs: [] }, 'orgs'],
      [{ orgs: [{ id: 'Bank', name: 'Bank' }] }, 'orgs[0].id'],
      [{ orgs: [{ id: 'bank', name: ' Bank' }] }, 'orgs[0].name'],
      [{ observers: ['nobody'] }, 'observers[0]'],
      [{ basePort: 65533 }, 'basePort'],
      [{ apiBasePort: 7102 }, 'apiBasePort'],
    ];
    for (const [override, path] of cases) {
      const error = await consortiumErrorOf(
        () => initConsortium({ ...base, ...override } as typeof base),
        'invalid-argument',
      );
      expect(error.issues[0]!.path).toBe(path);
    }
  });
});
