// Three validators from two organisations form a full mesh over real TLS on 127.0.0.1 and
// exchange 10,000 frames of 0 bytes to 1 MiB both ways on every link.
import { equalBytes } from '../../src/codec';
import {
  issueNode,
  makeOrg,
  patternFrame,
  seededRandom,
  TestAuthorizer,
  TestNode,
  waitFor,
} from './support';

const MIB = 1024 * 1024;
const FRAMES = 10_000;

let nodes: TestNode[] = [];

afterEach(async () => {
  await Promise.all(nodes.map((node) => node.net.stop()));
  nodes = [];
});

/** Frame `k`'s size: mostly small, some around TLS record and read sizes, a few at 1 MiB. */
function frameSize(k: number, random: () => number): number {
  if (k === 0) return 0;
  if (k % 997 === 1) return MIB;
  if (k % 101 === 0) return 16_000 + Math.floor(random() * 200_000);
  return Math.floor(random() * 2_048);
}

test('fullMesh_exchanges10000FramesBothWays_inOrderPerLink', async () => {
  const [orgA, orgB] = await Promise.all([makeOrg('org-a'), makeOrg('org-b')]);
  const ids = await Promise.all([
    issueNode(orgA, 'v1'),
    issueNode(orgA, 'v2'),
    issueNode(orgB, 'v3'),
  ]);
  const cas = [orgA.ca.certificate, orgB.ca.certificate];
  nodes = ids.map(
    (identity) =>
      new TestNode(identity, {
        caCertificates: cas,
        authorizer: new TestAuthorizer([orgA.org, orgB.org], ['v1', 'v2', 'v3']),
      }),
  );
  await Promise.all(nodes.map((node) => node.net.start()));
  const addresses = nodes.map((node) => node.address());
  for (const node of nodes) node.net.setPeers(addresses);
  await waitFor('a full mesh', () => nodes.every((node) => node.net.connectedPeers().length === 2));
  expect(nodes.map((node) => node.net.connectedPeers())).toEqual([
    ['v2', 'v3'],
    ['v1', 'v3'],
    ['v1', 'v2'],
  ]);

  // Frame k travels on directed link k mod 6; each receiver checks every frame against the
  // next one expected from that sender (content, length and order).
  const links = nodes.flatMap((from) =>
    nodes.filter((to) => to !== from).map((to) => ({ from, to })),
  );
  const expected = new Map<string, Array<{ seq: number; size: number }>>();
  const random = seededRandom(7);
  for (let k = 0; k < FRAMES; k += 1) {
    const { from, to } = links[k % links.length]!;
    const key = `${from.name}->${to.name}`;
    const list = expected.get(key) ?? [];
    list.push({ seq: k, size: frameSize(k, random) });
    expected.set(key, list);
  }
  const position = new Map<string, number>();
  const mismatches: string[] = [];
  for (const node of nodes) {
    node.onFrame = (peerId, frame) => {
      const key = `${peerId}->${node.name}`;
      const index = position.get(key) ?? 0;
      position.set(key, index + 1);
      const want = expected.get(key)?.[index];
      if (want === undefined || !equalBytes(frame, patternFrame(want.seq, want.size))) {
        mismatches.push(`${key} #${index}: got ${frame.length} bytes`);
      }
    };
  }

  let accepted = 0;
  for (let k = 0; k < FRAMES; k += 1) {
    const { from, to } = links[k % links.length]!;
    const key = `${from.name}->${to.name}`;
    const index = Math.floor(k / links.length);
    const { seq, size } = expected.get(key)![index]!;
    if (from.net.send(to.name, patternFrame(seq, size))) accepted += 1;
  }
  expect(accepted).toBe(FRAMES);

  await waitFor(
    'every frame delivered',
    () => [...position.values()].reduce((a, b) => a + b, 0) === FRAMES,
    20_000,
  );
  expect(mismatches).toEqual([]);
  for (const [key, frames] of expected) expect(position.get(key)).toBe(frames.length);
  const sizes = [...expected.values()].flat().map((f) => f.size);
  expect(Math.min(...sizes)).toBe(0);
  expect(Math.max(...sizes)).toBe(MIB);

  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  const stats = nodes.map((node) => node.net.stats());
  expect(stats.reduce((sum, s) => sum + s.framesOut, 0)).toBe(FRAMES);
  expect(stats.reduce((sum, s) => sum + s.framesIn, 0)).toBe(FRAMES);
  expect(stats.reduce((sum, s) => sum + s.bytesIn, 0)).toBe(totalBytes);
  expect(stats.reduce((sum, s) => sum + s.bytesOut, 0)).toBe(totalBytes);
  for (const s of stats) {
    expect(s.connected).toBe(2);
    expect(s.refused).toEqual({});
    expect(Object.values(s.queueBytes)).toEqual([0, 0]);
  }
  // Both ends of each pair dialled; each pair still ended with exactly one link.
  for (const node of nodes) expect(node.peerEvents.filter(([, up]) => up)).toHaveLength(2);
}, 30_000);
