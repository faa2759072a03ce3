// `issueCertificate` (`trellis-node cert issue`) and the key-file loaders the daemon uses.
import { execFileSync } from 'node:child_process';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getSuite, toHex } from '@trellis/chain-core';
import {
  DEFAULT_CONSORTIUM,
  initConsortium,
  issueCertificate,
  loadPem,
  loadSecretKey,
} from '../../src/consortium';
import { consortiumErrorOf, NOW, Scratch } from './support';

let scratch: Scratch;
let dir: string;
let out: string;
beforeAll(async () => {
  scratch = new Scratch();
  dir = scratch.dir();
  out = scratch.dir();
  await initConsortium({ ...DEFAULT_CONSORTIUM, dir, now: NOW });
}, 60_000);
afterAll(() => scratch.dispose());

const LATER = new Date(NOW.getTime() + 30 * 86_400_000);

describe('issueCertificate', () => {
  it('issue_user_writesAnEd25519MemberCertificateAndOwnerOnlyKey', async () => {
    const issued = await issueCertificate({
      dir,
      org: 'court',
      kind: 'user',
      name: 'judge-li',
      roles: ['judge', 'evidence-reader'],
      out: join(out, 'judge'),
      validityDays: 90,
      now: LATER,
    });
    expect(issued.member).toMatchObject({
      orgId: 'court',
      name: 'judge-li',
      kind: 'user',
      roles: ['judge', 'evidence-reader'],
      publicKeyAlgorithm: 'ed25519',
    });
    expect(issued.member.notAfter.getTime() - issued.member.notBefore.getTime()).toBe(
      90 * 86_400_000,
    );
    expect(statSync(issued.keyFile).mode & 0o777).toBe(0o600);
    expect(loadPem(issued.certificateFile, 'CERTIFICATE')).toContain('BEGIN CERTIFICATE');
    const ca = join(dir, 'orgs', 'court', 'ca.pem');
    expect(
      execFileSync(
        'openssl',
        [
          'verify',
          '-attime',
          String(LATER.getTime() / 1000),
          '-CAfile',
          ca,
          issued.certificateFile,
        ],
        { encoding: 'utf8' },
      ).trim(),
    ).toBe(`${issued.certificateFile}: OK`);
  });

  it('issue_node_isP256WithLocalNamesByDefault', async () => {
    const issued = await issueCertificate({
      dir,
      org: 'bank',
      kind: 'node',
      name: 'bank-node-2',
      roles: ['validator'],
      out: join(out, 'bank-node-2'),
      validityDays: 365,
      now: LATER,
    });
    expect(issued.member.publicKeyAlgorithm).toBe('ecdsa-p256');
    expect(issued.member.dnsNames).toEqual(['localhost']);
    expect(issued.member.ipAddresses).toEqual(['127.0.0.1']);
  });

  it('issue_overExistingFiles_isRefused', async () => {
    const prefix = join(out, 'taken');
    writeFileSync(`${prefix}.key`, 'someone else');
    await consortiumErrorOf(
      () =>
        issueCertificate({
          dir,
          org: 'bank',
          kind: 'service',
          name: 'bank-app',
          roles: ['service'],
          out: prefix,
          validityDays: 30,
          now: LATER,
        }),
      'file-exists',
    );
  });

  it('issue_badArguments_nameTheArgument', async () => {
    const base = {
      dir,
      org: 'bank',
      kind: 'service' as const,
      name: 'bank-app',
      roles: ['service'],
      out: join(out, 'never'),
      validityDays: 30,
      now: LATER,
    };
    const cases: [Record<string, unknown>, string, string][] = [
      [{ org: 'Bank' }, 'org', 'invalid-argument'],
      [{ kind: 'robot' }, 'kind', 'invalid-argument'],
      [{ validityDays: 0 }, 'validityDays', 'invalid-argument'],
      [{ validityDays: 365 * 40 }, 'validityDays', 'invalid-argument'],
      [{ roles: ['Admin'] }, 'roles[0]', 'invalid-argument'],
      [{ name: '' }, 'name', 'invalid-argument'],
      [{ ipAddresses: ['127.0.0.1'] }, 'ipAddresses', 'invalid-argument'],
      [{ org: 'ministry' }, '$', 'unreadable-file'],
    ];
    for (const [override, path, code] of cases) {
      const error = await consortiumErrorOf(
        () => issueCertificate({ ...base, ...override } as typeof base),
        code as 'invalid-argument',
      );
      expect([override, error.issues[0]!.path]).toEqual([override, path]);
    }
  });
});

describe('key files', () => {
  it('loadSecretKey_consensusKey_givesTheGenesisPublicKey', () => {
    const keys = loadSecretKey(join(dir, 'nodes', 'court-node', 'consensus.key'), 'ed25519');
    expect(keys.secretKey).toHaveLength(32);
    expect(toHex(keys.publicKey)).toBe(
      toHex(getSuite('ed25519').publicKeyFromSecretKey(keys.secretKey)),
    );
  });

  it('loadSecretKey_ofAnotherSuite_isRefused', async () => {
    const error = await consortiumErrorOf(
      () => loadSecretKey(join(dir, 'nodes', 'court-node', 'consensus.key'), 'p256'),
      'invalid-key-file',
    );
    expect(error.message).toContain('not a p256 secret key');
  });

  it('loadPem_privateKeyReadableByOthers_isRefused', async () => {
    const file = join(out, 'loose.key');
    writeFileSync(file, loadPem(join(dir, 'nodes', 'court-node', 'node.key')));
    chmodSync(file, 0o644);
    const error = await consortiumErrorOf(() => loadPem(file), 'insecure-key-file');
    expect(error.message).toContain('0644');
    chmodSync(file, 0o600);
    expect(loadPem(file, 'PRIVATE KEY')).toContain('BEGIN PRIVATE KEY');
  });

  it('loadPem_wrongLabelOrNotPem_isRefused', async () => {
    await consortiumErrorOf(
      () => loadPem(join(dir, 'orgs', 'bank', 'ca.pem'), 'PRIVATE KEY'),
      'invalid-key-file',
    );
    await consortiumErrorOf(() => loadPem(join(dir, 'genesis.json')), 'invalid-key-file');
  });
});
