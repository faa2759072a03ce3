// Fixtures for the net tests: real organisation CAs and node certificates, an authorizer that
// does what a node's would (verifyMember, kind node, a current validator or observer), and a
// `TestNode` around a PeerNetwork on 127.0.0.1 that records what it sees.
//
// TLS validates certificates at the wall clock (OpenSSL has no other), so validity periods here
// are relative to now, not fixed dates.
import { X509Certificate } from 'node:crypto';
import {
  createOrgCa,
  IdentityError,
  issueMemberCertificate,
  type MemberKind,
  type OrgCa,
  Organisation,
  RevocationList,
  verifyMember,
} from '../../src/identity';
import {
  type AuthorizeResult,
  type NetLogLevel,
  PeerNetwork,
  type PeerNetworkOptions,
} from '../../src/net';

const DAY = 86_400_000;

export interface TestOrg {
  readonly ca: OrgCa;
  readonly org: Organisation;
}

export interface NodeIdentity {
  readonly name: string;
  readonly key: string;
  readonly certificate: string;
}

export async function makeOrg(orgId: string): Promise<TestOrg> {
  const now = Date.now();
  const validity = { notBefore: new Date(now - 30 * DAY), notAfter: new Date(now + 365 * DAY) };
  const ca = await createOrgCa({ orgId, name: `${orgId} root CA`, validity });
  const org = await Organisation.load({ id: orgId, name: orgId, rootCertificate: ca.certificate });
  return { ca, org };
}

/** A node certificate (CN = `name`) valid from an hour ago for a day, unless `validity` says. */
export async function issueNode(
  org: TestOrg,
  name: string,
  options: { kind?: MemberKind; validity?: { notBefore: Date; notAfter: Date } } = {},
): Promise<NodeIdentity> {
  const now = Date.now();
  const kind = options.kind ?? 'node';
  const issued = await issueMemberCertificate({
    ca: org.ca.certificate,
    caKey: org.ca.privateKey,
    subjectName: name,
    kind,
    roles: [kind === 'node' ? 'validator' : 'submitter'],
    validity: options.validity ?? {
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + DAY),
    },
    ...(kind === 'node' ? { ipAddresses: ['127.0.0.1'] } : {}),
  });
  return { name, key: issued.privateKey, certificate: issued.certificate };
}

/** Lower-case serial of a PEM certificate, as `RevocationList` names it. */
export function serialOf(certificate: string): string {
  return new X509Certificate(certificate).serialNumber.toLowerCase();
}

/**
 * What a node's authorizer does: the certificate verifies as a member now, is a node, and names
 * (by CN) a peer in `allowed` — mutable, like a validator set across epochs.
 */
export class TestAuthorizer {
  readonly allowed: Set<string>;
  revocations = RevocationList.EMPTY;
  calls = 0;

  constructor(
    private readonly orgs: readonly Organisation[],
    allowed: Iterable<string>,
  ) {
    this.allowed = new Set(allowed);
  }

  readonly authorize = async (der: Uint8Array): Promise<AuthorizeResult> => {
    this.calls += 1;
    try {
      const member = await verifyMember(der, {
        orgs: this.orgs,
        at: new Date(),
        isRevoked: this.revocations.isRevoked,
      });
      if (member.kind !== 'node') return { refused: 'not-a-node' };
      if (!this.allowed.has(member.name)) return { refused: 'not-a-validator' };
      return { id: member.name };
    } catch (error) {
      if (error instanceof IdentityError) return { refused: error.code };
      throw error;
    }
  };
}

export interface LogEntry {
  readonly level: NetLogLevel;
  readonly msg: string;
  readonly fields: Record<string, unknown>;
}

export interface TestNodeOptions extends Partial<Omit<PeerNetworkOptions, 'self' | 'tls'>> {
  readonly caCertificates: readonly string[];
  readonly authorizer: TestAuthorizer;
  /** false: do not listen (an observer). */
  readonly listens?: boolean;
}

/** A PeerNetwork with recorded frames, peer events and log lines. */
export class TestNode {
  readonly net: PeerNetwork;
  readonly frames = new Map<string, Uint8Array[]>();
  readonly peerEvents: Array<[string, boolean]> = [];
  readonly logs: LogEntry[] = [];
  onFrame: ((peerId: string, frame: Uint8Array) => void) | undefined;

  constructor(
    readonly identity: NodeIdentity,
    readonly options: TestNodeOptions,
  ) {
    const { caCertificates, authorizer, listens, ...rest } = options;
    this.net = new PeerNetwork(
      {
        reconnect: { initialMs: 20, maxMs: 200 },
        handshakeTimeoutMs: 2_000,
        ...rest,
        self: identity.name,
        listen: listens === false ? undefined : (rest.listen ?? { host: '127.0.0.1', port: 0 }),
        tls: { key: identity.key, certificate: identity.certificate, caCertificates },
      },
      {
        authorize: authorizer.authorize,
        onFrame: (peerId, frame) => {
          if (this.onFrame !== undefined) {
            this.onFrame(peerId, frame);
            return;
          }
          const list = this.frames.get(peerId) ?? [];
          list.push(frame);
          this.frames.set(peerId, list);
        },
        onPeer: (peerId, up) => this.peerEvents.push([peerId, up]),
        log: (level, msg, fields = {}) => this.logs.push({ level, msg, fields }),
      },
    );
  }

  get name(): string {
    return this.identity.name;
  }

  /** Where to dial this node (after `start`). */
  address(): { id: string; host: string; port: number } {
    const bound = this.net.address;
    if (bound === undefined) throw new Error(`${this.name} does not listen`);
    return { id: this.name, host: bound.host, port: bound.port };
  }

  framesFrom(peerId: string): Uint8Array[] {
    return this.frames.get(peerId) ?? [];
  }

  logged(msg: string, reason?: string): LogEntry[] {
    return this.logs.filter(
      (entry) => entry.msg === msg && (reason === undefined || entry.fields.reason === reason),
    );
  }
}

/** Polls `condition` every 5 ms; fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  condition: () => boolean,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `length` bytes determined by `seq`, so a receiver can check content and order. */
export function patternFrame(seq: number, length: number): Uint8Array {
  const frame = new Uint8Array(length);
  for (let i = 0; i < length; i += 1) frame[i] = (seq * 31 + i * 7) & 0xff;
  return frame;
}
