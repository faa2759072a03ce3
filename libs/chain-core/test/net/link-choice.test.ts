// The rule by which both ends keep the same connection, checked from both ends at once.
import { decideIncoming, type IncomingFacts } from '../../src/net';

const base = { instance: 'n-peer', dialling: false, active: undefined };

test('simultaneousDial_bothEndsKeepTheConnectionTheSmallerIdDialled', () => {
  // v1 accepts v2's dial while dialling v2, and v2 accepts v1's dial while dialling v1.
  const atV1 = decideIncoming({ ...base, self: 'v1', peerId: 'v2', dialling: true });
  const atV2 = decideIncoming({ ...base, self: 'v2', peerId: 'v1', dialling: true });
  expect(atV1).toEqual({
    keep: false,
    detail: 'simultaneous dial: keeping the connection v1 dialled',
  });
  expect(atV2).toEqual({
    keep: true,
    dropDial: 'simultaneous dial: keeping the connection v1 dialled',
    dropActive: undefined,
  });
});

test('firstConnection_isKept', () => {
  expect(decideIncoming({ ...base, self: 'v2', peerId: 'v1' })).toEqual({
    keep: true,
    dropDial: undefined,
    dropActive: undefined,
  });
});

test('peerRestarted_newInstanceReplacesTheLinkWhoeverDialledIt', () => {
  for (const direction of ['in', 'out'] as const) {
    for (const [self, peerId] of [
      ['v1', 'v2'],
      ['v2', 'v1'],
    ]) {
      const facts: IncomingFacts = {
        ...base,
        self: self!,
        peerId: peerId!,
        active: { direction, instance: 'n-old' },
      };
      expect(decideIncoming(facts)).toEqual({
        keep: true,
        dropDial: undefined,
        dropActive: 'the peer restarted',
      });
    }
  }
});

test('sameInstanceDialsAgain_replacesTheLink_unlessItIsTheLateHalfOfASimultaneousDial', () => {
  const active = (direction: 'in' | 'out') => ({ direction, instance: 'n-peer' });
  // We are the smaller id and our dial is up: the peer's connection is its half of a
  // simultaneous dial, which the peer drops too.
  expect(decideIncoming({ ...base, self: 'v1', peerId: 'v2', active: active('out') })).toEqual({
    keep: false,
    detail: 'keeping the connection v1 dialled',
  });
  // Otherwise the peer dials only after losing the link: the new connection wins.
  for (const [self, peerId, direction] of [
    ['v1', 'v2', 'in'],
    ['v2', 'v1', 'in'],
    ['v2', 'v1', 'out'],
  ] as const) {
    expect(decideIncoming({ ...base, self, peerId, active: active(direction) })).toMatchObject({
      keep: true,
      dropActive: 'the peer dialled again',
    });
  }
});
