// Arguments and lifecycle: every bad option is refused naming it, and misuse is a typed error.
import { NetError, PeerNetwork, type PeerNetworkOptions } from '../../src/net';
import { issueNode, makeOrg, type NodeIdentity, type TestOrg } from './support';

let org: TestOrg;
let other: TestOrg;
let node: NodeIdentity;
let networks: PeerNetwork[] = [];

beforeAll(async () => {
  [org, other] = await Promise.all([makeOrg('org-a'), makeOrg('org-b')]);
  node = await issueNode(org, 'v1');
});

afterEach(async () => {
  await Promise.all(networks.map((network) => network.stop()));
  networks = [];
});

const deps = {
  authorize: async () => ({ refused: 'test' }),
  onFrame: () => undefined,
};

function options(overrides: Partial<PeerNetworkOptions> = {}): PeerNetworkOptions {
  return {
    self: 'v1',
    listen: { host: '127.0.0.1', port: 0 },
    tls: { key: node.key, certificate: node.certificate, caCertificates: [org.ca.certificate] },
    ...overrides,
  };
}

function network(overrides: Partial<PeerNetworkOptions> = {}): PeerNetwork {
  const created = new PeerNetwork(options(overrides), deps);
  networks.push(created);
  return created;
}

function errorOf(run: () => unknown): NetError {
  try {
    run();
  } catch (error) {
    if (error instanceof NetError) return error;
    throw error;
  }
  throw new Error('expected a NetError');
}

test('constructor_withBadOptions_namesTheOption', () => {
  const cases: Array<[Partial<PeerNetworkOptions>, string]> = [
    [{ self: '' }, 'opts.self'],
    [{ listen: { host: '127.0.0.1', port: 65_536 } }, 'opts.listen.port'],
    [{ listen: { host: '', port: 1 } }, 'opts.listen.host'],
    [{ maxFrameBytes: 10 }, 'opts.maxFrameBytes'],
    [{ maxFrameBytes: 1_000, maxQueuedBytesPerPeer: 1_003 }, 'opts.maxQueuedBytesPerPeer'],
    [{ reconnect: { initialMs: 100, maxMs: 10 } }, 'opts.reconnect.maxMs'],
    [{ handshakeTimeoutMs: 0 }, 'opts.handshakeTimeoutMs'],
    [
      { tls: { key: node.key, certificate: node.certificate, caCertificates: [] } },
      'opts.tls.caCertificates',
    ],
    [
      {
        tls: {
          key: 'not pem',
          certificate: node.certificate,
          caCertificates: [org.ca.certificate],
        },
      },
      'opts.tls.key',
    ],
    [
      { tls: { key: node.key, certificate: node.certificate, caCertificates: ['x'] } },
      'opts.tls.caCertificates[0]',
    ],
  ];
  for (const [overrides, field] of cases) {
    const error = errorOf(() => new PeerNetwork(options(overrides), deps));
    expect([error.code, (error.meta as { field: string }).field]).toEqual([
      'invalid-argument',
      field,
    ]);
    expect(error.message).toContain(`net: ${field}: `);
  }
  expect(() => new PeerNetwork(options({ maxFrameBytes: 10 }), deps)).toThrow(
    'net: opts.maxFrameBytes: 10 is not an integer in 64..4294967295',
  );
});

test('constructor_withAKeyThatIsNotTheCertificates_isRefusedByOpenSsl', async () => {
  const stranger = await issueNode(other, 'v2');
  const error = errorOf(
    () =>
      new PeerNetwork(
        options({
          tls: {
            key: stranger.key,
            certificate: node.certificate,
            caCertificates: [org.ca.certificate],
          },
        }),
        deps,
      ),
  );
  expect(error.message).toMatch(
    /^net: opts\.tls: OpenSSL refused the key, certificate or CAs: .*mismatch/,
  );
});

test('constructor_withBadDeps_namesThem', () => {
  expect(() => new PeerNetwork(options(), { ...deps, authorize: undefined as never })).toThrow(
    'net: deps.authorize: expected a function',
  );
  expect(() => new PeerNetwork(options(), { ...deps, log: 'x' as never })).toThrow(
    'net: deps.log: expected a function or undefined',
  );
});

test('setPeers_withBadEntries_namesThem_andSkipsOurOwnId', () => {
  const net = network();
  expect(() => net.setPeers([{ id: 'v2', host: 'h', port: 0 }])).toThrow(
    'net: peers[0].port: 0 is not an integer in 1..65535',
  );
  expect(() =>
    net.setPeers([
      { id: 'v2', host: 'h', port: 1 },
      { id: 'v2', host: 'h', port: 2 },
    ]),
  ).toThrow('net: peers[1].id: "v2" is listed twice');
  expect(() => net.setPeers({} as never)).toThrow('net: peers: expected an array');
  net.setPeers([{ id: 'v1', host: '127.0.0.1', port: 1 }]);
  expect(net.connectedPeers()).toEqual([]);
});

test('send_beforeStartToAnUnknownPeerOrOversize_returnsFalse_andNonBytesThrow', () => {
  const net = network({ maxFrameBytes: 1_000 });
  expect(net.send('v2', new Uint8Array(1))).toBe(false);
  expect(errorOf(() => net.send('v2', 'x' as never)).message).toBe(
    'net: frame: expected a Uint8Array',
  );
  expect(net.send('v2', new Uint8Array(1_001))).toBe(false);
  expect(errorOf(() => net.broadcast(new Uint8Array(1), 'v2' as never)).message).toBe(
    'net: except: expected an array of peer ids',
  );
  expect(net.stats()).toEqual({
    connected: 0,
    refused: {},
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    queueBytes: {},
  });
});

test('lifecycle_startsOnce_stopIsIdempotent', async () => {
  const net = network();
  expect(net.address).toBeUndefined();
  await net.start();
  expect(net.address?.port).toBeGreaterThan(0);
  await expect(net.start()).rejects.toMatchObject({
    code: 'invalid-state',
    meta: { state: 'running', operation: 'start' },
  });
  await net.stop();
  await net.stop();
  await expect(net.start()).rejects.toThrow(
    'net: cannot start a network that is stopped (expected new)',
  );
});

test('start_onAPortInUse_failsWithListenFailed_andMayBeRetried', async () => {
  const first = network();
  await first.start();
  const port = first.address!.port;
  const second = network({ listen: { host: '127.0.0.1', port } });
  await expect(second.start()).rejects.toMatchObject({
    code: 'listen-failed',
    meta: { host: '127.0.0.1', port, cause: 'EADDRINUSE' },
  });
  await first.stop();
  await second.start();
  expect(second.address).toEqual({ host: '127.0.0.1', port });
});
