/**
 * Membership on a live four-validator cluster: a fifth validator is added by governance (a
 * quorum of organisation admins' signatures), joins by block sync and votes, and is removed
 * again, with the chain committing throughout. And the edges refuse outsiders: a node
 * certificate from a non-member CA cannot connect, and transactions signed by an outsider, an
 * expired or revoked certificate, or with a bad signature are refused with typed errors.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import {
  Organisation,
  createOrgCa,
  fromHex,
  issueMemberCertificate,
  toHex,
  verifyBundle,
} from '@trellis/chain-core';
import { memberKey } from '../../src/client/transactions';
import { issueCertificate, loadPem } from '../../src/consortium';
import { submitAsAdmin } from '../../src/operator-commands';
import { Cluster, type ClusterNode } from './cluster';

jest.setTimeout(300_000);

let cluster: Cluster;

beforeAll(async () => {
  cluster = await Cluster.create({ observers: ['tax-bureau'] });
  cluster.startAll();
  for (const observer of cluster.observers) cluster.start(observer);
  await cluster.waitForHeight(2n, cluster.nodes, 90_000);
});

afterAll(async () => {
  await cluster?.stopAll();
});

async function statusOf(
  node: ClusterNode,
): Promise<{ epoch: string; validators: string[]; isValidator: boolean }> {
  const status = await cluster.status(node);
  return status as unknown as { epoch: string; validators: string[]; isValidator: boolean };
}

async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Proposes `action` as the first organisation's admin and approves as the next two (3 of 4). */
async function govern(action: Record<string, unknown>): Promise<void> {
  const api = cluster.nodes[0]!.api;
  const proposed = await submitAsAdmin(cluster.dir, 'tax-bureau', api, 'propose', {
    action,
  } as never);
  expect((proposed['receipt'] as { status: string }).status).toBe('ok');
  const proposalId = new Uint8Array(Buffer.from(proposed['id'] as string, 'hex'));
  for (const org of ['bank', 'court']) {
    const approved = await submitAsAdmin(cluster.dir, org, api, 'approve', { proposalId });
    expect((approved['receipt'] as { status: string }).status).toBe('ok');
  }
}

/** `system.registerCertificate` signed by the certificate's own key. */
async function registration(
  certificatePem: string,
  keyPem: string,
  at: Date,
  orgs: readonly Organisation[],
): Promise<Uint8Array> {
  const key = await memberKey(certificatePem, cluster.suite.secretKeyFromPem(keyPem), orgs, at);
  const der = new Uint8Array(
    Buffer.from(certificatePem.replace(/-----[^-]+-----|\s/g, ''), 'base64'),
  );
  return cluster.sign(key, 'system', 'registerCertificate', { certificate: der }).bytes;
}

describe('governance on a live cluster', () => {
  it('letsAnObserverFollowTheChain_withoutVotingOrAcceptingTransactions', async () => {
    const observer = cluster.observers[0]!;
    const target = (await cluster.height(cluster.nodes[0]!)) + 3n;
    await cluster.waitForHeight(target, [observer], 60_000);
    const status = (await cluster.status(observer))!;
    expect(status['role']).toBe('observer');
    expect(status['isValidator']).toBe(false);
    const [a, b] = await Promise.all([
      cluster.block(observer, target),
      cluster.block(cluster.nodes[2]!, target),
    ]);
    expect(a.hash).toBe(b.hash);
    expect(a.result.stateRoot).toBe(b.result.stateRoot);
    const { bytes } = cluster.sign(
      await cluster.member('tax-bureau'),
      'judicial-evidence',
      'notarise',
      {
        digest: new Uint8Array(32).fill(7),
      },
    );
    const refused = await cluster.submit(observer, bytes);
    expect([refused.status, refused.body['code']]).toEqual([421, 'not-a-validator']);
  });

  it('addsAFifthValidatorByQuorum_whichJoinsAndVotes_thenRemovesIt', async () => {
    // The new node: a node certificate from the bank's CA and a fresh consensus key.
    const name = 'bank-node-2';
    const dir = join(cluster.dir, 'nodes', name);
    mkdirSync(dir, { recursive: true });
    await issueCertificate({
      dir: cluster.dir,
      org: 'bank',
      kind: 'node',
      name,
      roles: ['validator'],
      out: join(dir, 'node'),
      validityDays: 30,
    });
    const key = cluster.suite.generateKeyPair();
    writeFileSync(join(dir, 'consensus.key'), cluster.suite.secretKeyToPem(key.secretKey), {
      mode: 0o600,
    });
    const p2p = cluster.nodes[0]!.api.replace(
      /:(\d+)$/,
      (_, p: string) => `:${Number(p) - 50 + 8}`,
    );
    // Past the four validators and the observer (base + 1…5).
    const apiPort = Number(cluster.nodes[0]!.api.split(':').pop()) + 7;
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        format: 'trellis-node/v1',
        name,
        role: 'validator',
        genesis: '../../genesis.json',
        dataDir: './data',
        listen: p2p.replace('http://', ''),
        api: `127.0.0.1:${apiPort}`,
        tls: { certificate: 'node.pem', key: 'node.key' },
        consensusKey: 'consensus.key',
        logLevel: 'info',
      }),
    );
    const fifth: ClusterNode = {
      name,
      org: 'bank',
      config: join(dir, 'config.json'),
      api: `http://127.0.0.1:${apiPort}`,
      process: undefined,
    };
    cluster.start(fifth);

    await govern({
      type: 'add-validator',
      org: 'bank',
      name,
      publicKey: key.publicKey,
      address: p2p.replace('http://', ''),
    });
    const keyHex = toHex(key.publicKey);
    const everyone = [...cluster.nodes, fifth];
    await waitUntil('epoch 1 with five validators on every node', async () => {
      const all = await Promise.all(everyone.map((n) => statusOf(n).catch(() => undefined)));
      return all.every(
        (s) => s?.epoch === '1' && s.validators.length === 5 && s.validators.includes(keyHex),
      );
    });
    // The fifth validator follows and the chain goes on committing with it.
    const h = await cluster.height(cluster.nodes[0]!);
    await cluster.waitForHeight(h + 5n, everyone, 90_000);
    expect((await statusOf(fifth)).isValidator).toBe(true);
    const common = (await Promise.all(everyone.map((n) => cluster.height(n)))).reduce((a, b) =>
      a < b ? a : b,
    );
    const blocks = await Promise.all(everyone.map((n) => cluster.block(n, common)));
    expect(new Set(blocks.map((b) => b.hash)).size).toBe(1);

    await govern({ type: 'remove-validator', publicKey: key.publicKey });
    await waitUntil('epoch 2 with four validators', async () => {
      const all = await Promise.all(cluster.nodes.map((n) => statusOf(n)));
      return all.every(
        (s) => s.epoch === '2' && s.validators.length === 4 && !s.validators.includes(keyHex),
      );
    });
    const after = await cluster.height(cluster.nodes[0]!);
    await cluster.waitForHeight(after + 5n, cluster.nodes, 60_000);
    await cluster.kill(fifth, 'SIGTERM');

    // A light client that holds only genesis follows both epoch changes to check a proof.
    const epochs = (await (await fetch(`${cluster.nodes[0]!.api}/v1/epochs`)).json()) as {
      current: string;
      epochs: { epoch: string; validators: string[] }[];
    };
    expect(epochs.current).toBe('2');
    expect(epochs.epochs.map((e) => [e.epoch, e.validators.length])).toEqual([
      ['1', 5],
      ['2', 4],
    ]);
    const bank = await cluster.member('bank');
    const tx = cluster.sign(bank, 'judicial-evidence', 'notarise', {
      digest: new Uint8Array(32).fill(7),
    });
    expect((await cluster.submit(cluster.nodes[1]!, tx.bytes, true)).status).toBe(200);
    const genesis = readFileSync(join(cluster.dir, 'genesis.json'), 'utf8');
    let verdict: ReturnType<typeof verifyBundle> | undefined;
    // Any node may serve it: the bundle is checked against genesis alone. (A node that caught
    // up by block sync across an epoch change lacks that change's proof and answers 503
    // `epoch-proof-unavailable`, a documented limit; a client then asks another node.)
    const refused = new Map<string, string>();
    await waitUntil('a proof of the epoch-2 transaction', async () => {
      for (const node of [2, 0, 1, 3].map((i) => cluster.nodes[i]!)) {
        const r = await fetch(`${node.api}/v1/transactions/${toHex(tx.id)}/proof`);
        if (r.status === 503) {
          refused.set(node.name, ((await r.json()) as { code: string }).code);
          continue;
        }
        const body = (await r.json()) as { bundle: string };
        verdict = verifyBundle(genesis, fromHex(body.bundle));
        return true;
      }
      return false;
    }).catch((error: Error) => {
      throw new Error(`${error.message} (last answers: ${JSON.stringify([...refused])})`);
    });
    expect(verdict).toMatchObject({ kind: 'transaction', epoch: 2n, epochChanges: 2 });
  });

  it('refusesANodeCertificateFromANonMemberCa_atTheTlsHandshake', async () => {
    const validity = {
      notBefore: new Date(Date.now() - 3600_000),
      notAfter: new Date(Date.now() + 86_400_000),
    };
    // A CA that calls itself the bank, but is not the bank's CA in genesis.
    const outsider = await createOrgCa({ orgId: 'bank', name: 'Not The Bank', validity });
    const cert = await issueMemberCertificate({
      ca: outsider.certificate,
      caKey: outsider.privateKey,
      subjectName: 'bank-node',
      kind: 'node',
      roles: ['validator'],
      ipAddresses: ['127.0.0.1'],
      validity,
    });
    const peersBefore = ((await cluster.status(cluster.nodes[0]!))!['peers'] as string[]).sort();
    const p2pPort = Number(cluster.nodes[0]!.api.split(':').pop()) - 50;
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port: p2pPort,
        key: cert.privateKey,
        cert: cert.certificate,
        rejectUnauthorized: false,
        minVersion: 'TLSv1.3',
      });
      socket.on('data', () => resolve('data'));
      socket.on('error', (e) => resolve(`error ${e.message}`));
      socket.on('close', () => resolve('closed'));
      setTimeout(() => resolve('timeout'), 10_000);
    });
    expect(outcome).not.toBe('data');
    const peers = ((await cluster.status(cluster.nodes[0]!))!['peers'] as string[]).sort();
    expect(peers).toEqual(peersBefore);
    expect(peers.some((p) => p.includes('bank-node') || p.length === 0)).toBe(false);
  });

  it('refusesOutsiderExpiredRevokedAndBadlySignedTransactions_withTypedErrors', async () => {
    const node = cluster.nodes[1]!;
    const digest = (label: string) => ({ digest: new Uint8Array(32).fill(label.length) });

    // A bad signature: one flipped byte of the signature.
    const good = await cluster.member('bank');
    const signed = cluster.sign(good, 'judicial-evidence', 'notarise', digest('bad signature'));
    const tampered = new Uint8Array(signed.bytes);
    tampered[tampered.length - 5]! ^= 0x01;
    const bad = await cluster.submit(node, tampered);
    expect([bad.status, bad.body['code']]).toEqual([400, 'bad-signature']);

    // An outsider: a user of a CA that is not a member tries to register its certificate.
    const validity = {
      notBefore: new Date(Date.now() - 3600_000),
      notAfter: new Date(Date.now() + 86_400_000),
    };
    const outsiderCa = await createOrgCa({ orgId: 'outsider', name: 'Outsider', validity });
    const outsider = await issueMemberCertificate({
      ca: outsiderCa.certificate,
      caKey: outsiderCa.privateKey,
      subjectName: 'mallory',
      kind: 'user',
      roles: ['member'],
      algorithm: 'ed25519',
      validity,
    });
    const outsiderRegistration = await registration(
      outsider.certificate,
      outsider.privateKey,
      validity.notBefore,
      [
        await Organisation.load({
          id: 'outsider',
          name: 'Outsider',
          rootCertificate: outsiderCa.certificate,
        }),
      ],
    );
    const notMember = await cluster.submit(node, outsiderRegistration);
    expect([notMember.status, notMember.body['code']]).toEqual([400, 'not-a-member']);

    // An expired certificate of a member organisation (valid from 30 to 1 minutes ago).
    const expiredCert = await issueMemberCertificate({
      ca: loadPem(join(cluster.dir, 'orgs', 'court', 'ca.pem')),
      caKey: loadPem(join(cluster.dir, 'orgs', 'court', 'ca.key')),
      subjectName: 'court-clerk',
      kind: 'user',
      roles: ['member'],
      algorithm: 'ed25519',
      validity: {
        notBefore: new Date(Date.now() - 30 * 60_000),
        notAfter: new Date(Date.now() - 60_000),
      },
    });
    const expiredRegistration = await registration(
      expiredCert.certificate,
      expiredCert.privateKey,
      new Date(Date.now() - 10 * 60_000),
      cluster.genesis.organisations.map((o) => o.organisation),
    );
    const expired = await cluster.submit(node, expiredRegistration);
    expect([expired.status, expired.body['code']]).toEqual([400, 'certificate-expired']);

    // A revoked certificate: the bank's admin revokes its own service certificate on chain.
    const serviceSerial = cluster.genesis.certificates.find(
      (c) => c.orgId === 'bank' && c.member.kind === 'service',
    )!.member.serialHex;
    const revoked = await submitAsAdmin(cluster.dir, 'bank', node.api, 'revokeOwn', {
      serial: serviceSerial,
    });
    expect((revoked['receipt'] as { status: string }).status).toBe('ok');
    const afterRevocation = cluster.sign(
      good,
      'judicial-evidence',
      'notarise',
      digest('after revocation'),
    );
    const refused = await cluster.submit(node, afterRevocation.bytes);
    expect([refused.status, refused.body['code']]).toEqual([400, 'certificate-revoked']);
  });
});
