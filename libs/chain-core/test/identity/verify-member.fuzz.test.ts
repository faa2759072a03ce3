// Untrusted bytes into verifyMember: random and mutated DER never produce anything but an
// IdentityError (or, for a mutation the signature does not cover, the same certificate
// content), and never hang.
import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import {
  IdentityError,
  type Member,
  MAX_CERTIFICATE_BYTES,
  verifyMember,
} from '../../src/identity';
import { AT, issueUser, makeOrg, NEVER_REVOKED, type TestOrg } from './support';

let org: TestOrg;
let edOrg: TestOrg;
let seeds: { der: Uint8Array; member: Member; orgs: TestOrg[] }[];

beforeAll(async () => {
  [org, edOrg] = await Promise.all([makeOrg('tax-bureau-sz'), makeOrg('court-sz', 'ed25519')]);
  const pems = await Promise.all([
    issueUser(org),
    issueUser(edOrg, { algorithm: 'ed25519' }),
    issueUser(org, { kind: 'node', dnsNames: ['n1.example'], ipAddresses: ['10.1.2.3'] }),
  ]);
  seeds = await Promise.all(
    pems.map(async (pem) => ({
      der: new Uint8Array(new X509Certificate(pem).raw),
      member: await verifyMember(pem, {
        orgs: [org.org, edOrg.org],
        at: AT,
        isRevoked: NEVER_REVOKED,
      }),
      orgs: [org, edOrg],
    })),
  );
});

/** Verifies `bytes`; returns the member or the IdentityError, rethrows anything else. */
async function outcome(bytes: Uint8Array | string): Promise<Member | IdentityError> {
  try {
    return await verifyMember(bytes, {
      orgs: [org.org, edOrg.org],
      at: AT,
      isRevoked: NEVER_REVOKED,
    });
  } catch (error) {
    if (error instanceof IdentityError) return error;
    throw error;
  }
}

type Mutation =
  | { kind: 'flip'; index: number; bit: number }
  | { kind: 'set'; index: number; value: number }
  | { kind: 'truncate'; length: number }
  | { kind: 'insert'; index: number; bytes: Uint8Array }
  | { kind: 'delete'; index: number; count: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    index: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({
    kind: fc.constant('set' as const),
    index: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), length: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    index: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    index: fc.nat(),
    count: fc.integer({ min: 1, max: 8 }),
  }),
);

function mutate(der: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = Uint8Array.from(der);
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : ('index' in m ? m.index : 0) % bytes.length;
    switch (m.kind) {
      case 'flip':
        if (bytes.length > 0) bytes[at] = (bytes[at] ?? 0) ^ (1 << m.bit);
        break;
      case 'set':
        if (bytes.length > 0) bytes[at] = m.value;
        break;
      case 'truncate':
        bytes = bytes.subarray(0, m.length % (bytes.length + 1));
        break;
      case 'insert':
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)]);
        break;
      case 'delete':
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + m.count)]);
        break;
    }
  }
  return bytes;
}

/**
 * Rewrites the outer SEQUENCE's two-octet length to fit, so that an insertion or deletion gets
 * past the outer length check and into the certificate parser.
 */
function fixOuterLength(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 4 || bytes[0] !== 0x30 || bytes[1] !== 0x82) return bytes;
  const fixed = Uint8Array.from(bytes);
  fixed[2] = (bytes.length - 4) >> 8;
  fixed[3] = (bytes.length - 4) & 0xff;
  return fixed;
}

describe('verifyMember on hostile bytes', () => {
  it('randomBytes_yieldOnlyIdentityErrors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }),
          // Random content behind a plausible SEQUENCE header gets further into the parser.
          fc
            .uint8Array({ minLength: 1, maxLength: 600 })
            .map((body) =>
              Uint8Array.from([0x30, 0x82, body.length >> 8, body.length & 0xff, ...body]),
            ),
        ),
        async (bytes) => {
          expect(await outcome(bytes)).toBeInstanceOf(IdentityError);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('randomText_yieldsOnlyIdentityErrors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc
            .base64String({ maxLength: 800 })
            .map((b64) => `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`),
        ),
        async (text) => {
          expect(await outcome(text)).toBeInstanceOf(IdentityError);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('mutatedCertificates_areRefusedOrStillTheSameCertificate', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (pick, mutations, fixLength) => {
          const seed = seeds[pick % seeds.length];
          if (seed === undefined) throw new Error('no seed');
          const mutated = mutate(seed.der, mutations);
          const result = await outcome(fixLength ? fixOuterLength(mutated) : mutated);
          // A mutation outside the signed tbsCertificate may survive (e.g. a BER variant of
          // the ECDSA signature): then it is still the same certificate content.
          if (!(result instanceof IdentityError)) expect(result.tbsHash).toBe(seed.member.tbsHash);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('aCertificateJustOverTheSizeLimit_isMalformedBeforeParsing', async () => {
    const error = await outcome(new Uint8Array(MAX_CERTIFICATE_BYTES + 1));
    expect(error).toBeInstanceOf(IdentityError);
    expect((error as IdentityError).message).toBe(
      `certificate of ${MAX_CERTIFICATE_BYTES + 1} bytes exceeds the limit of ${MAX_CERTIFICATE_BYTES}`,
    );
  });

  it('deeplyNestedBer_isRefusedQuickly', async () => {
    // 5,000 nested indefinite-length SEQUENCEs inside a certificate-sized definite one.
    const body = new Uint8Array(10_000);
    for (let i = 0; i < 5_000; i++) body.set([0x30, 0x80], i * 2);
    const bytes = Uint8Array.from([0x30, 0x82, body.length >> 8, body.length & 0xff, ...body]);
    const started = performance.now();
    expect(await outcome(bytes)).toBeInstanceOf(IdentityError);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
