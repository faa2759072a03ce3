// The life of links: oversize frames, restarts with backoff, membership changes, a peer that
// stops reading, observers that only dial, simultaneous dials and restarted peers.
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { FrameDecoder, frameHeader, HELLO_MAGIC } from '../../src/net';
import {
  issueNode,
  makeOrg,
  type NodeIdentity,
  sleep,
  TestAuthorizer,
  TestNode,
  type TestNodeOptions,
  type TestOrg,
  waitFor,
} from './support';

const KIB = 1024;

let orgA: TestOrg;
let orgB: TestOrg;
let ids: Record<'v1' | 'v2' | 'v3' | 'obs', NodeIdentity>;
let nodes: TestNode[] = [];
let sockets: TLSSocket[] = [];

beforeAll(async () => {
  [orgA, orgB] = await Promise.all([makeOrg('org-a'), makeOrg('org-b')]);
  const [v1, v2, v3, obs] = await Promise.all([
    issueNode(orgA, 'v1'),
    issueNode(orgB, 'v2'),
    issueNode(orgB, 'v3'),
    issueNode(orgA, 'obs'),
  ]);
  ids = { v1: v1!, v2: v2!, v3: v3!, obs: obs! };
});

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(nodes.map((node) => node.net.stop()));
  nodes = [];
  sockets = [];
});

type Extra = Partial<Omit<TestNodeOptions, 'caCertificates' | 'authorizer'>>;

async function startNode(
  identity: NodeIdentity,
  allowed: readonly string[] = ['v1', 'v2', 'v3', 'obs'],
  extra: Extra = {},
): Promise<TestNode> {
  const node = new TestNode(identity, {
    caCertificates: [orgA.ca.certificate, orgB.ca.certificate],
    authorizer: new TestAuthorizer([orgA.org, orgB.org], allowed),
    ...extra,
  });
  nodes.push(node);
  await node.net.start();
  return node;
}

async function linked(a: TestNode, b: TestNode): Promise<void> {
  await waitFor(
    `${a.name} <-> ${b.name}`,
    () => a.net.connectedPeers().includes(b.name) && b.net.connectedPeers().includes(a.name),
  );
}

test('oversizeFrame_closesTheLinkWithALoggedReason_andTheSenderReconnects', async () => {
  const sender = await startNode(ids.v1, undefined, { maxFrameBytes: 1024 * KIB });
  const receiver = await startNode(ids.v2, undefined, { maxFrameBytes: 64 * KIB });
  sender.net.setPeers([receiver.address()]);
  await linked(sender, receiver);

  expect(sender.net.send('v2', new Uint8Array(100 * KIB))).toBe(true);
  await waitFor(
    'the receiver to drop the link',
    () => receiver.logged('peer down', 'frame-too-large').length === 1,
  );
  expect(receiver.logged('peer down', 'frame-too-large')[0]?.fields.detail).toBe(
    'net: a frame of 102400 bytes exceeds maxFrameBytes 65536',
  );
  await waitFor('the sender to notice', () => sender.peerEvents.some(([, up]) => !up));

  await waitFor(
    'the sender to reconnect',
    () => sender.peerEvents.filter(([, up]) => up).length === 2,
  );
  await linked(sender, receiver);
  expect(sender.net.send('v2', new Uint8Array([42]))).toBe(true);
  await waitFor('a frame on the new link', () => receiver.framesFrom('v1').length === 1);
  expect(receiver.framesFrom('v1')[0]).toEqual(new Uint8Array([42]));
  // Over our own limit: not sent at all, the link stays up.
  expect(sender.net.send('v2', new Uint8Array(1024 * KIB + 1))).toBe(false);
  expect(sender.logged('frame not sent')[0]?.fields.detail).toBe(
    'net: a frame of 1048577 bytes exceeds maxFrameBytes 1048576',
  );
  expect(sender.net.connectedPeers()).toEqual(['v2']);
});

test('peerStoppedAndRestarted_isRedialledWithGrowingJitteredBackoff', async () => {
  const dialler = await startNode(ids.v1, undefined, { reconnect: { initialMs: 20, maxMs: 160 } });
  let peer = await startNode(ids.v2);
  const port = peer.address().port;
  dialler.net.setPeers([peer.address()]);
  await linked(dialler, peer);

  await peer.net.stop();
  const downAt = Date.now();
  await waitFor('the link to go down', () => dialler.net.connectedPeers().length === 0);
  await waitFor('six redials', () => dialler.logged('redial scheduled').length >= 6);
  const elapsed = Date.now() - downAt;
  const delays = dialler.logged('redial scheduled').map((entry) => ({
    attempt: entry.fields.attempt as number,
    delayMs: entry.fields.delayMs as number,
  }));
  delays.forEach(({ attempt, delayMs }, index) => {
    expect(attempt).toBe(index);
    const base = Math.min(160, 20 * 2 ** attempt);
    expect(delayMs).toBeGreaterThanOrEqual(base / 2);
    expect(delayMs).toBeLessThanOrEqual(base);
  });
  // Every delay but the last scheduled one has been waited out: no attempt came early.
  const waited = delays.slice(0, -1).reduce((sum, { delayMs }) => sum + delayMs, 0);
  expect(elapsed).toBeGreaterThanOrEqual(waited);

  peer = await startNode(ids.v2, undefined, { listen: { host: '127.0.0.1', port } });
  await linked(dialler, peer);
  expect(dialler.net.send('v2', new Uint8Array([7]))).toBe(true);
  await waitFor('a frame after the restart', () => peer.framesFrom('v1').length === 1);
  expect(dialler.peerEvents).toEqual([
    ['v2', true],
    ['v2', false],
    ['v2', true],
  ]);
});

test('setPeersWithoutAPeer_closesItsLink_andItsRedialsAreRefused', async () => {
  const validator = await startNode(ids.v1, ['v1', 'v2', 'v3']);
  const leaving = await startNode(ids.v2, ['v1', 'v2', 'v3']);
  const staying = await startNode(ids.v3, ['v1', 'v2', 'v3']);
  validator.net.setPeers([leaving.address(), staying.address()]);
  leaving.net.setPeers([validator.address()]);
  await linked(validator, leaving);
  await linked(validator, staying);

  // A new epoch without v2: the authorizer and the peer list both change.
  validator.options.authorizer.allowed.delete('v2');
  validator.net.setPeers([staying.address()]);
  expect(validator.net.connectedPeers()).toEqual(['v3']);
  await waitFor('v2 to see the link go', () => leaving.net.connectedPeers().length === 0);
  await waitFor(
    'v2 redialled and refused twice',
    () => (validator.net.stats().refused['not-a-validator'] ?? 0) >= 2,
  );
  expect(validator.net.connectedPeers()).toEqual(['v3']);
  expect(validator.peerEvents.filter(([id]) => id === 'v2')).toEqual([
    ['v2', true],
    ['v2', false],
  ]);
  expect(validator.net.send('v2', new Uint8Array([1]))).toBe(false);
  expect(validator.net.send('v3', new Uint8Array([1]))).toBe(true);
});

test('peerThatStopsReading_makesSendReturnFalseAtTheBound_withoutGrowth', async () => {
  const maxQueued = 256 * KIB;
  const validator = await startNode(ids.v1, undefined, {
    maxFrameBytes: 64 * KIB,
    maxQueuedBytesPerPeer: maxQueued,
  });
  const other = await startNode(ids.v3);
  other.net.setPeers([validator.address()]);
  const stuck = await rawPeer(validator, ids.v2);
  stuck.socket.pause(); // never reads again: TCP buffers fill, then our queue
  await waitFor('the stuck peer linked', () => validator.net.connectedPeers().includes('v2'));
  await linked(validator, other);

  const frame = new Uint8Array(64 * KIB);
  let accepted = 0;
  let refusedRounds = 0;
  while (refusedRounds < 10) {
    let sent = 0;
    while (validator.net.send('v2', frame)) sent += 1;
    accepted += sent;
    refusedRounds = sent === 0 ? refusedRounds + 1 : 0;
    expect(validator.net.stats().queueBytes.v2).toBeLessThanOrEqual(maxQueued);
    await sleep(20);
  }
  const stalledAt = accepted;
  for (let i = 0; i < 100; i += 1) expect(validator.net.send('v2', frame)).toBe(false);
  await sleep(50);
  expect(validator.net.send('v2', frame)).toBe(false);
  expect(accepted).toBe(stalledAt);
  // What was accepted is the queue bound plus what the kernel's socket buffers hold.
  expect(accepted * frame.length).toBeLessThan(64 * 1024 * KIB);
  expect(validator.net.stats().queueBytes.v2).toBeGreaterThan(maxQueued - frame.length - 8);

  // The stuck peer does not hold up the others.
  expect(validator.net.send('v3', new Uint8Array([9]))).toBe(true);
  await waitFor('v3 still served', () => other.framesFrom('v1').length === 1);
});

test('observerThatDoesNotListen_talksToValidatorsOverItsOwnLinks', async () => {
  const v1 = await startNode(ids.v1);
  const v2 = await startNode(ids.v2);
  v1.net.setPeers([v2.address()]);
  v2.net.setPeers([v1.address()]);
  const observer = await startNode(ids.obs, undefined, { listens: false });
  expect(observer.net.address).toBeUndefined();
  observer.net.setPeers([v1.address(), v2.address()]);
  await linked(observer, v1);
  await linked(observer, v2);

  expect(v1.net.send('obs', new Uint8Array([1]))).toBe(true);
  v2.net.broadcast(new Uint8Array([2]), ['v1']);
  expect(observer.net.send('v1', new Uint8Array([3]))).toBe(true);
  await waitFor(
    'frames both ways',
    () =>
      observer.framesFrom('v1').length === 1 &&
      observer.framesFrom('v2').length === 1 &&
      v1.framesFrom('obs').length === 1,
  );
  expect(observer.framesFrom('v2')).toEqual([new Uint8Array([2])]);
  expect(v1.net.connectedPeers()).toEqual(['obs', 'v2']);
  expect(v1.framesFrom('v2')).toEqual([]);
});

test('simultaneousDials_leaveExactlyOneLink_thatBothEndsUse', async () => {
  const a = await startNode(ids.v1);
  const b = await startNode(ids.v2);
  a.net.setPeers([b.address()]);
  b.net.setPeers([a.address()]);
  await linked(a, b);
  for (let i = 0; i < 500; i += 1) {
    expect(a.net.send('v2', Uint8Array.of(i & 0xff, i >> 8))).toBe(true);
    expect(b.net.send('v1', Uint8Array.of(i & 0xff, i >> 8))).toBe(true);
  }
  await waitFor(
    '500 frames each way',
    () => a.framesFrom('v2').length === 500 && b.framesFrom('v1').length === 500,
  );
  const expected = Array.from({ length: 500 }, (_, i) => Uint8Array.of(i & 0xff, i >> 8));
  expect(a.framesFrom('v2')).toEqual(expected);
  expect(b.framesFrom('v1')).toEqual(expected);
  await sleep(100);
  expect(a.peerEvents).toEqual([['v2', true]]);
  expect(b.peerEvents).toEqual([['v1', true]]);
  // Both dialled; the connection v1 (the smaller id) dialled is the one kept.
  const dropped = [a, b].flatMap((node) => node.logged('connection closed', 'duplicate'));
  expect(dropped.length).toBeGreaterThan(0);
  expect(a.logged('peer up')[0]?.fields.direction).toBe('out');
  expect(b.logged('peer up')[0]?.fields.direction).toBe('in');
});

test('secondConnectionFromARestartedPeer_replacesTheStaleLink', async () => {
  const validator = await startNode(ids.v1);
  const before = await rawPeer(validator, ids.v2, 1);
  await waitFor('the first link', () => validator.net.connectedPeers().includes('v2'));
  // The first connection is never closed from the peer's side (a crashed host); the peer,
  // restarted with a new instance nonce, dials again.
  const after = await rawPeer(validator, ids.v2, 2);
  await waitFor('the stale link closed', () => before.socket.destroyed || before.ended());
  await waitFor('the new link answered', () => after.frames.length === 1);
  expect(validator.net.connectedPeers()).toEqual(['v2']);
  expect(validator.logged('peer down')[0]?.fields.reason).toBe('superseded');
  after.socket.write(frameHeader(1));
  after.socket.write(Uint8Array.of(5));
  await waitFor('a frame on the new link', () => validator.framesFrom('v2').length === 1);
});

interface RawPeer {
  readonly socket: TLSSocket;
  /** Frames received (the validator's hello first). */
  readonly frames: Uint8Array[];
  ended(): boolean;
}

/** A hand-driven peer: TLS with `identity`, then a hello with instance nonce bytes `nonce`. */
async function rawPeer(node: TestNode, identity: NodeIdentity, nonce = 0): Promise<RawPeer> {
  const socket = tlsConnect({
    host: '127.0.0.1',
    port: node.address().port,
    key: identity.key,
    cert: identity.certificate,
    ca: [orgA.ca.certificate, orgB.ca.certificate],
    checkServerIdentity: () => undefined,
  });
  sockets.push(socket);
  socket.on('error', () => undefined);
  let ended = false;
  socket.on('end', () => (ended = true));
  await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
  const hello = new Uint8Array(HELLO_MAGIC.length + 16).fill(nonce);
  hello.set(HELLO_MAGIC, 0);
  socket.write(frameHeader(hello.length));
  socket.write(hello);
  const frames: Uint8Array[] = [];
  const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
  socket.on('data', (chunk: Buffer) => frames.push(...decoder.push(chunk)));
  return { socket, frames, ended: () => ended };
}
