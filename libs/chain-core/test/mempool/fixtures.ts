// Shared fixtures for the mempool tests: real organisation CAs and member certificates with
// Ed25519 keys (the chain's suite), real signatures, a committed-membership view held in
// memory, and fixed times (never the wall clock).
import { type HashFn, fromHex } from '../../src/codec';
import { type ContractDefinition, defineContract } from '../../src/contract';
import { getSuite, hash } from '../../src/crypto';
import {
  type CertificateValidity,
  type OrgCa,
  Organisation,
  createOrgCa,
  issueMemberCertificate,
  verifyMember,
} from '../../src/identity';
import {
  Admission,
  AdmissionError,
  type AdmissionOptions,
  type MembershipView,
} from '../../src/mempool';
import { type Batch, Transaction, type TransactionBody } from '../../src/types';

export const suite = getSuite('ed25519', 'fast');
export const sha256: HashFn = (data) => hash('sha256', data);
export const CHAIN = 'trellis-test';
export const MAX_TTL = 100n;

export const CA_VALIDITY: CertificateValidity = {
  notBefore: new Date('2020-01-01T00:00:00Z'),
  notAfter: new Date('2035-01-01T00:00:00Z'),
};
export const MEMBER_VALIDITY: CertificateValidity = {
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2027-01-01T00:00:00Z'),
};
/** The last committed block's time in the tests: mid-2026. */
export const NOW_MS = BigInt(Date.parse('2026-06-01T12:00:00Z'));
export const HEIGHT = 10n;

export interface TestOrg {
  readonly ca: OrgCa;
  readonly org: Organisation;
}

/** A member able to sign: its certificate (DER), tbs hash and Ed25519 secret key. */
export interface Signer {
  readonly org: string;
  readonly der: Uint8Array;
  readonly tbsHash: Uint8Array;
  readonly serialHex: string;
  readonly secretKey: Uint8Array;
}

export async function makeOrg(orgId: string): Promise<TestOrg> {
  const ca = await createOrgCa({
    orgId,
    name: `${orgId} root CA`,
    validity: CA_VALIDITY,
    algorithm: 'ed25519',
  });
  const org = await Organisation.load({ id: orgId, name: orgId, rootCertificate: ca.certificate });
  return { ca, org };
}

export function pemToDer(pem: string): Uint8Array {
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return Uint8Array.from(Buffer.from(body, 'base64'));
}

/**
 * A member certificate of `org` over a fresh Ed25519 key. Its tbs hash is taken from
 * `verifyMember` at a time inside its validity, so the tests and identity agree on it.
 */
export async function issueSigner(
  org: TestOrg,
  options: { roles?: readonly string[]; validity?: CertificateValidity; name?: string } = {},
): Promise<Signer> {
  const keys = suite.generateKeyPair();
  const validity = options.validity ?? MEMBER_VALIDITY;
  const issued = await issueMemberCertificate({
    ca: org.ca.certificate,
    caKey: org.ca.privateKey,
    subjectName: options.name ?? 'alice',
    kind: 'user',
    roles: options.roles ?? ['invoice-issuer'],
    publicKey: suite.publicKeyToPem(keys.publicKey),
    validity,
  });
  const der = pemToDer(issued.certificate);
  const member = await verifyMember(der, {
    orgs: [org.org],
    at: validity.notBefore,
    isRevoked: () => false,
  });
  return {
    org: org.org.id,
    der,
    tbsHash: fromHex(member.tbsHash),
    serialHex: member.serialHex,
    secretKey: keys.secretKey,
  };
}

/** The people of the admission tests. */
export interface Cast {
  readonly tax: TestOrg;
  readonly bank: TestOrg;
  /** A CA outside the consortium. */
  readonly outsider: TestOrg;
  /** tax-bureau-sz, invoice-issuer. */
  readonly alice: Signer;
  /** bank-of-trellis, reimburser only. */
  readonly bob: Signer;
  /** tax-bureau-sz, valid through 2024 only. */
  readonly carol: Signer;
  /** Issued by the outsider's CA. */
  readonly dave: Signer;
  /** tax-bureau-sz, never registered on chain. */
  readonly frank: Signer;
}

export async function makeCast(): Promise<Cast> {
  const [tax, bank, outsider] = await Promise.all([
    makeOrg('tax-bureau-sz'),
    makeOrg('bank-of-trellis'),
    makeOrg('outsider-co'),
  ]);
  const [alice, bob, carol, dave, frank] = await Promise.all([
    issueSigner(tax),
    issueSigner(bank, { roles: ['reimburser'], name: 'bob' }),
    issueSigner(tax, {
      name: 'carol',
      validity: {
        notBefore: new Date('2024-01-01T00:00:00Z'),
        notAfter: new Date('2025-01-01T00:00:00Z'),
      },
    }),
    issueSigner(outsider, { name: 'dave' }),
    issueSigner(tax, { name: 'frank' }),
  ]);
  return { tax, bank, outsider, alice, bob, carol, dave, frank };
}

/** The committed membership, in memory: what the node's state would answer. */
export class TestMembership implements MembershipView {
  height = HEIGHT;
  timeMs = NOW_MS;
  organisations: Organisation[];
  private readonly registry = new Map<string, Uint8Array>();
  private readonly revoked = new Set<string>();

  constructor(organisations: readonly Organisation[]) {
    this.organisations = [...organisations];
  }

  register(...signers: readonly Signer[]): this {
    for (const signer of signers)
      this.registry.set(Buffer.from(signer.tbsHash).toString('hex'), signer.der);
    return this;
  }

  revoke(signer: Signer): void {
    this.revoked.add(`${signer.org}:${signer.serialHex}`);
  }

  certificate(tbsHash: Uint8Array): Uint8Array | undefined {
    return this.registry.get(Buffer.from(tbsHash).toString('hex'));
  }

  isRevoked(org: string, serialHex: string): boolean {
    return this.revoked.has(`${org}:${serialHex}`);
  }
}

export const invoiceContract = defineContract({
  name: 'invoice',
  version: 1,
  methods: { issueInvoice: () => undefined, ping: () => undefined },
  access: { issueInvoice: ['invoice-issuer'] },
});
export const systemContract = defineContract({
  name: 'system',
  version: 1,
  methods: { registerCertificate: () => undefined },
});
export const contracts: ReadonlyMap<string, ContractDefinition> = new Map<
  string,
  ContractDefinition
>([
  ['invoice', invoiceContract],
  ['system', systemContract],
]);

/** A transaction body signed by `signer` (`invoice.issueInvoice` unless overridden). */
export function body(
  signer: Signer,
  overrides: Partial<Omit<TransactionBody, 'signer'>> = {},
): TransactionBody {
  return {
    chainId: CHAIN,
    contract: 'invoice',
    method: 'issueInvoice',
    args: { number: '24440000000000000001', amountMinor: 100n },
    nonce: 1n,
    expiryHeight: HEIGHT + 20n,
    signer: { org: signer.org, cert: signer.tbsHash },
    ...overrides,
  };
}

/** The signed transaction over `Transaction.id` (the real signature of the chain's suite). */
export function sign(signer: Signer, txBody: TransactionBody): Transaction {
  return { body: txBody, signature: suite.sign(signer.secretKey, Transaction.id(sha256, txBody)) };
}

export function encode(tx: Transaction): Uint8Array {
  return Transaction.encode(tx);
}

/** Committed ids and a membership view the admission under test is wired to. */
export interface Wiring {
  readonly membership: TestMembership;
  readonly committed: Set<string>;
  readonly admission: Admission;
}

export function wire(
  membership: TestMembership,
  options: Partial<AdmissionOptions> = {},
  isPending?: (id: Uint8Array) => boolean,
): Wiring {
  const committed = new Set<string>();
  const admission = new Admission(
    { chainId: CHAIN, suite, hash: sha256, contracts, maxTtlBlocks: MAX_TTL, ...options },
    {
      membership: () => membership,
      isCommitted: (id) => committed.has(Buffer.from(id).toString('hex')),
      ...(isPending === undefined ? {} : { isPending }),
    },
  );
  return { membership, committed, admission };
}

export function batchOf(transactions: readonly Transaction[], sequence = 0n, epoch = 1n): Batch {
  return { chainId: CHAIN, epoch, author: 0n, sequence, transactions };
}

/** The AdmissionError code a promise or call fails with (fails the test otherwise). */
export async function codeOf(run: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof run === 'function' ? run() : run);
  } catch (error) {
    if (error instanceof AdmissionError) return error.code;
    throw error;
  }
  throw new Error('expected an AdmissionError, but it succeeded');
}
