// Who may not connect, and how each refusal is decided (OpenSSL or the authorizer), counted and
// logged — on the accepting and on the dialling side — without a frame reaching onFrame.
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import {
  issueNode,
  makeOrg,
  type NodeIdentity,
  serialOf,
  TestAuthorizer,
  TestNode,
  type TestOrg,
  waitFor,
} from './support';

const DAY = 86_400_000;

let orgA: TestOrg;
let orgB: TestOrg;
let rogueCa: TestOrg;
let v1: NodeIdentity;
let v2: NodeIdentity;
let nodes: TestNode[] = [];

beforeAll(async () => {
  // The rogue CA copies org-a's id and name: only its key differs.
  [orgA, orgB, rogueCa] = await Promise.all([makeOrg('org-a'), makeOrg('org-b'), makeOrg('org-a')]);
  [v1, v2] = await Promise.all([issueNode(orgA, 'v1'), issueNode(orgB, 'v2')]);
});

afterEach(async () => {
  await Promise.all(nodes.map((node) => node.net.stop()));
  nodes = [];
});

const memberCas = (): string[] => [orgA.ca.certificate, orgB.ca.certificate];

/** A started node; `allowed` are the CNs its authorizer accepts. */
async function startNode(
  identity: NodeIdentity,
  allowed: readonly string[],
  extra: { caCertificates?: string[]; handshakeTimeoutMs?: number } = {},
): Promise<TestNode> {
  const node = new TestNode(identity, {
    caCertificates: extra.caCertificates ?? memberCas(),
    authorizer: new TestAuthorizer([orgA.org, orgB.org], allowed),
    ...(extra.handshakeTimeoutMs === undefined
      ? {}
      : { handshakeTimeoutMs: extra.handshakeTimeoutMs }),
  });
  nodes.push(node);
  await node.net.start();
  return node;
}

/** Makes `a` and `b` list each other, then waits until `a` refused `reason` `times` times. */
async function pairUntilRefused(
  a: TestNode,
  b: TestNode,
  reason: (r: string) => boolean,
  times: number,
): Promise<void> {
  a.net.setPeers([b.address()]);
  b.net.setPeers([a.address()]);
  await waitFor(`${times} refusals by ${a.name}`, () => {
    const refused = a.net.stats().refused;
    return (
      Object.keys(refused)
        .filter(reason)
        .reduce((sum, r) => sum + (refused[r] ?? 0), 0) >= times
    );
  });
}

test('nonMemberCa_isRefusedByTlsBothWays_beforeTheAuthorizerAndOnFrame', async () => {
  const rogue = await issueNode(rogueCa, 'v9');
  const validator = await startNode(v1, ['v1', 'v2', 'v9']);
  // The rogue trusts the real CAs, so only the validator's check can stop it.
  const intruder = await startNode(rogue, ['v1'], {
    caCertificates: [...memberCas(), rogueCa.ca.certificate],
  });
  // Refused as an acceptor and as a dialler, and retried.
  await pairUntilRefused(validator, intruder, (reason) => reason.startsWith('tls:'), 4);

  expect((validator.options.authorizer as TestAuthorizer).calls).toBe(0);
  const directions = validator.logged('connection refused').map((entry) => entry.fields.direction);
  expect(new Set(directions)).toEqual(new Set(['in', 'out']));
  expect(validator.framesFrom('v9')).toEqual([]);
  expect(validator.net.connectedPeers()).toEqual([]);
  expect(intruder.net.connectedPeers()).toEqual([]);
  expect(validator.peerEvents).toEqual([]);
});

test('revokedCertificate_isRefusedByTheAuthorizer_andCounted', async () => {
  const validator = await startNode(v1, ['v1', 'v2']);
  validator.options.authorizer.revocations = validator.options.authorizer.revocations.revoke(
    'org-b',
    serialOf(v2.certificate),
  );
  const revoked = await startNode(v2, ['v1']);
  await pairUntilRefused(validator, revoked, (reason) => reason === 'revoked', 3);

  expect(validator.logged('connection refused', 'revoked')[0]?.fields.detail).toContain('revoked');
  expect(validator.net.connectedPeers()).toEqual([]);
  expect(revoked.net.connectedPeers()).toEqual([]);
  expect(validator.framesFrom('v2')).toEqual([]);
});

test('nonValidatorOrNonNodeCertificate_isRefusedByTheAuthorizer', async () => {
  const validator = await startNode(v1, ['v1']);
  const outsider = await startNode(v2, ['v1']);
  const user = await issueNode(orgB, 'clerk', { kind: 'user' });

  outsider.net.setPeers([validator.address()]);
  const client = await rawTlsClient(validator, user);
  await waitFor('both refusals', () => {
    const refused = validator.net.stats().refused;
    return (refused['not-a-validator'] ?? 0) >= 2 && refused['not-a-node'] === 1;
  });
  client.destroy();
  expect(validator.net.connectedPeers()).toEqual([]);
  expect(outsider.net.connectedPeers()).toEqual([]);
});

test('expiredCertificate_isRefusedByTls', async () => {
  const now = Date.now();
  const expired = await issueNode(orgB, 'v2', {
    validity: { notBefore: new Date(now - 10 * DAY), notAfter: new Date(now - DAY) },
  });
  const validator = await startNode(v1, ['v1', 'v2']);
  const stale = await startNode(expired, ['v1']);
  await pairUntilRefused(validator, stale, (reason) => reason === 'tls:CERT_HAS_EXPIRED', 3);

  expect(validator.net.connectedPeers()).toEqual([]);
  expect(validator.options.authorizer.calls).toBe(0);
});

test('dialledAddressAnsweredByAnotherPeer_isRefusedAsUnexpected', async () => {
  const validator = await startNode(v1, ['v1', 'v2', 'v3']);
  const other = await startNode(v2, ['v1', 'v2']);
  validator.net.setPeers([{ ...other.address(), id: 'v3' }]);
  await waitFor(
    'an unexpected-peer refusal',
    () => validator.net.stats().refused['unexpected-peer'] === 1,
  );
  expect(validator.logged('connection refused', 'unexpected-peer')[0]?.fields.detail).toBe(
    'dialled v3 but the certificate is authorised as v2',
  );
  expect(validator.net.connectedPeers()).toEqual([]);
});

test('garbageAndSilentTcpClients_areRefused_andTheNodeKeepsServing', async () => {
  const validator = await startNode(v1, ['v1', 'v2'], { handshakeTimeoutMs: 200 });
  const garbage = tcpConnect(validator.address().port, '127.0.0.1');
  garbage.on('error', () => undefined);
  garbage.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n\x00\xff\x16\x03\x01\x00\x05hello'));
  const silent = tcpConnect(validator.address().port, '127.0.0.1');
  silent.on('error', () => undefined);
  await waitFor('both refusals', () => {
    const refused = validator.net.stats().refused;
    return refused['tls-handshake'] === 1 && refused['handshake-timeout'] === 1;
  });
  garbage.destroy();
  silent.destroy();

  const peer = await startNode(v2, ['v1']);
  peer.net.setPeers([validator.address()]);
  await waitFor('a link after the garbage', () => peer.net.connectedPeers().includes('v1'));
  expect(peer.net.send('v1', new Uint8Array([1, 2, 3]))).toBe(true);
  await waitFor('the frame', () => validator.framesFrom('v2').length === 1);
});

test('tls12Client_isRefused', async () => {
  const validator = await startNode(v1, ['v1', 'v2']);
  const errors: string[] = [];
  const client = tlsConnect({
    host: '127.0.0.1',
    port: validator.address().port,
    key: v2.key,
    cert: v2.certificate,
    ca: memberCas(),
    maxVersion: 'TLSv1.2',
    checkServerIdentity: () => undefined,
  });
  client.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message));
  await waitFor('the refusal', () => validator.net.stats().refused['tls-handshake'] === 1);
  // The server counts its refusal before the client has read the alert: wait for the client's side too.
  await waitFor("the client's error", () => errors.length > 0);
  client.destroy();
  expect(errors.join()).toMatch(/ALERT_PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|VERSION/i);
  expect(validator.options.authorizer.calls).toBe(0);
});

test('authorisedClientWithoutHello_isRefusedAsBadHello', async () => {
  const validator = await startNode(v1, ['v1', 'v2']);
  const client = await rawTlsClient(validator, v2);
  client.write(Buffer.from([0, 0, 0, 3, 1, 2, 3]));
  await waitFor('the refusal', () => validator.net.stats().refused['bad-hello'] === 1);
  expect(validator.net.connectedPeers()).toEqual([]);
  expect(validator.framesFrom('v2')).toEqual([]);
});

/** A TLS client with `identity`'s certificate that completes the handshake and sends nothing. */
async function rawTlsClient(node: TestNode, identity: NodeIdentity) {
  const client = tlsConnect({
    host: '127.0.0.1',
    port: node.address().port,
    key: identity.key,
    cert: identity.certificate,
    ca: memberCas(),
    checkServerIdentity: () => undefined,
  });
  client.on('error', () => undefined);
  await new Promise<void>((resolve) => client.once('secureConnect', () => resolve()));
  return client;
}
