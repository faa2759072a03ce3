/**
 * Which connection to a peer to keep, decided by the acceptor when the dialler's hello arrives
 * and before it answers with its own. Both ends apply the same rule to the same facts, so they
 * keep the same connection, and a connection that is dropped never carried a frame:
 *
 * 1. Our own dial to the peer is in progress (both dialled at once): keep the connection
 *    dialled by the smaller id (code-unit order). The peer, as acceptor of our dial, decides
 *    the same way.
 * 2. A link to the peer is up and the new hello carries another instance nonce: the peer
 *    restarted, the old link is dead (its host may have crashed without closing it); keep the new.
 * 3. A link is up from the same instance: the peer dials only when it has no link, so it lost
 *    this one; keep the new — unless the old one is our own dial and we are the smaller id,
 *    where the new connection is the peer's half of a simultaneous dial that rule 1 drops.
 */

/** Keep the new connection (dropping what it replaces), or close it as a duplicate. */
export type IncomingDecision =
  | { readonly keep: false; readonly detail: string }
  | {
      readonly keep: true;
      /** Why our dial in progress is dropped, if there is one. */
      readonly dropDial: string | undefined;
      /** Why the link that was up is dropped, if there is one. */
      readonly dropActive: string | undefined;
    };

/** What the acceptor knows when the dialler's hello arrives. */
export interface IncomingFacts {
  readonly self: string;
  readonly peerId: string;
  /** Instance nonce in the new connection's hello. */
  readonly instance: string;
  /** Our own dial to the peer is in progress. */
  readonly dialling: boolean;
  /** The link to the peer that is up, if any: who dialled it and the peer's instance on it. */
  readonly active: { readonly direction: 'in' | 'out'; readonly instance: string } | undefined;
}

/** The rule of this file, as a pure function (both ends' views can be checked together). */
export function decideIncoming(facts: IncomingFacts): IncomingDecision {
  const { self, peerId, active } = facts;
  const weDialFirst = self < peerId;
  if (facts.dialling && weDialFirst) {
    return { keep: false, detail: `simultaneous dial: keeping the connection ${self} dialled` };
  }
  const dropDial = facts.dialling
    ? `simultaneous dial: keeping the connection ${peerId} dialled`
    : undefined;
  if (active === undefined) return { keep: true, dropDial, dropActive: undefined };
  const restarted = active.instance !== facts.instance;
  if (!restarted && active.direction === 'out' && weDialFirst) {
    return { keep: false, detail: `keeping the connection ${self} dialled` };
  }
  return {
    keep: true,
    dropDial,
    dropActive: restarted ? 'the peer restarted' : 'the peer dialled again',
  };
}
