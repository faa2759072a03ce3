// Signed read requests: real organisations and member certificates (Ed25519 and P-256 keys),
// the real `verifyMember` as the injected membership check, the node's clock fixed.
import { createHash } from 'node:crypto';
import { encodeValue, toHex } from '../../src/codec';
import { getSuite, type SuiteId } from '../../src/crypto';
import { verifyMember } from '../../src/identity';
import { readCertificateFields } from '../../src/mempool/certificate-fields';
import {
  type CheckReaderMembership,
  type IncomingHeaders,
  PRIVATE_READ_HEADERS,
  PrivateDataError,
  type PrivateDataErrorCode,
  type PrivateReadHeaders,
  authorizePrivateRead,
  privateReadMessage,
  signPrivateRead,
  verifyPrivateRead,
} from '../../src/private';
import {
  CHAIN,
  NOW_MS,
  type Member as TestMember,
  type TestOrg,
  issueMember,
  makeOrg,
} from './support';

const TX = new Uint8Array(createHash('sha256').update('a private tx').digest());
const OTHER_TX = new Uint8Array(createHash('sha256').update('another tx').digest());
const SKEW_MS = 30_000;

let tax: TestOrg;
let bank: TestOrg;
let outsider: TestOrg;
let alice: TestMember; // tax-bureau, Ed25519 service key
let bob: TestMember; // bank-of-trellis, P-256 key
let revoked: TestMember; // tax-bureau, revoked
let mallory: TestMember; // issued by a CA outside the consortium
let revokedSerial: string;

beforeAll(async () => {
  [tax, bank, outsider] = await Promise.all([
    makeOrg('tax-bureau'),
    makeOrg('bank-of-trellis'),
    makeOrg('outsider-org'),
  ]);
  [alice, bob, revoked, mallory] = await Promise.all([
    issueMember(tax, 'alice', 'ed25519'),
    issueMember(bank, 'bob', 'ecdsa-p256'),
    issueMember(tax, 'rita', 'ed25519'),
    issueMember(outsider, 'mallory', 'ed25519'),
  ]);
  const rita = await verifyMember(revoked.der, {
    orgs: [tax.org],
    at: new Date(NOW_MS),
    isRevoked: () => false,
  });
  revokedSerial = rita.serialHex;
}, 30_000);

/**
 * The node's membership check: the consortium is tax-bureau and bank-of-trellis, and rita's
 * certificate is revoked.
 */
const consortium: CheckReaderMembership = (der) =>
  verifyMember(der, {
    orgs: [tax.org, bank.org],
    at: new Date(NOW_MS),
    isRevoked: (org, serial) => org === 'tax-bureau' && serial === revokedSerial,
  });

function sign(
  member: TestMember,
  overrides: { suite?: SuiteId; chainId?: string; txId?: Uint8Array; timestampMs?: number } = {},
) {
  return signPrivateRead({
    suite: overrides.suite ?? 'ed25519',
    chainId: overrides.chainId ?? CHAIN,
    txId: overrides.txId ?? TX,
    certificateDer: member.der,
    secretKey: member.secretKey,
    timestampMs: overrides.timestampMs ?? NOW_MS - 1_000,
  });
}

function verify(
  headers: IncomingHeaders,
  overrides: {
    suite?: SuiteId;
    chainId?: string;
    txId?: Uint8Array;
    verifyMember?: CheckReaderMembership;
  } = {},
) {
  return verifyPrivateRead(headers, {
    suite: overrides.suite ?? 'ed25519',
    chainId: overrides.chainId ?? CHAIN,
    txId: overrides.txId ?? TX,
    nowMs: NOW_MS,
    skewMs: SKEW_MS,
    verifyMember: overrides.verifyMember ?? consortium,
  });
}

async function refusal(
  promise: Promise<unknown>,
): Promise<{ code: PrivateDataErrorCode; field: string | undefined }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PrivateDataError) return { code: error.code, field: error.field };
    throw error;
  }
  throw new Error('expected a PrivateDataError, but the call returned');
}

describe('signPrivateRead / verifyPrivateRead', () => {
  test('verify_aRequestSignedWithAnEd25519MemberKey_givesTheMember', async () => {
    const headers = sign(alice);
    expect(Object.keys(headers).sort()).toEqual([
      'x-trellis-certificate',
      'x-trellis-signature',
      'x-trellis-timestamp',
    ]);
    expect(headers['x-trellis-timestamp']).toBe(String(NOW_MS - 1_000));
    await expect(verify(headers)).resolves.toEqual({
      org: 'tax-bureau',
      name: 'alice',
      roles: ['private-reader'],
    });
  });

  test('verify_aRequestSignedWithAP256MemberKey_givesTheMember', async () => {
    await expect(verify(sign(bob))).resolves.toMatchObject({ org: 'bank-of-trellis', name: 'bob' });
  });

  test('verify_onAnSmChain_usesSm3ForTheMessage', async () => {
    const headers = sign(alice, { suite: 'sm2' });
    await expect(verify(headers, { suite: 'sm2' })).resolves.toMatchObject({ name: 'alice' });
    // The same signature read as a SHA-256 chain's request does not verify.
    expect((await refusal(verify(headers, { suite: 'ed25519' }))).code).toBe('unauthenticated');
  });

  test('signature_isOverTheTaggedHashOfChainTxAndTime', () => {
    const timestampMs = NOW_MS - 1_000;
    const tag = new TextEncoder().encode('trellis/private-read/v1');
    const body = encodeValue([CHAIN, TX, BigInt(timestampMs)]);
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.of(tag.length), tag, body]))
      .digest();
    const message = privateReadMessage('ed25519', CHAIN, TX, timestampMs);
    expect(toHex(message)).toBe(toHex(expected));
    const headers = sign(alice, { timestampMs });
    const signature = Buffer.from(headers['x-trellis-signature'], 'base64');
    const publicKey = getSuite('ed25519').publicKeyFromSecretKey(alice.secretKey);
    expect(getSuite('ed25519').verify(publicKey, message, signature)).toBe(true);
  });

  test('verify_forAnotherChain_isUnauthenticated', async () => {
    const refused = await refusal(verify(sign(alice, { chainId: 'other-chain' })));
    expect(refused).toEqual({ code: 'unauthenticated', field: PRIVATE_READ_HEADERS.signature });
  });

  test('verify_forAnotherTx_isUnauthenticated', async () => {
    expect((await refusal(verify(sign(alice), { txId: OTHER_TX }))).code).toBe('unauthenticated');
  });

  test.each([
    ['too old', NOW_MS - SKEW_MS - 1],
    ['too far ahead', NOW_MS + SKEW_MS + 1],
  ])('verify_aTimestamp %s_isUnauthenticated', async (_name, timestampMs) => {
    const refused = await refusal(verify(sign(alice, { timestampMs })));
    expect(refused).toEqual({ code: 'unauthenticated', field: PRIVATE_READ_HEADERS.timestamp });
  });

  test('verify_atTheEdgesOfTheWindow_isAccepted', async () => {
    await expect(verify(sign(alice, { timestampMs: NOW_MS - SKEW_MS }))).resolves.toBeDefined();
    await expect(verify(sign(alice, { timestampMs: NOW_MS + SKEW_MS }))).resolves.toBeDefined();
  });

  test('verify_aTamperedSignature_isUnauthenticated', async () => {
    const headers = sign(alice);
    for (const index of [0, 31, 63]) {
      const signature = Buffer.from(headers['x-trellis-signature'], 'base64');
      signature[index]! ^= 0x01;
      const tampered = { ...headers, 'x-trellis-signature': signature.toString('base64') };
      expect((await refusal(verify(tampered))).code).toBe('unauthenticated');
    }
  });

  test('verify_aChangedTimestampHeader_isUnauthenticated', async () => {
    const headers = { ...sign(alice), 'x-trellis-timestamp': String(NOW_MS - 999) };
    const refused = await refusal(verify(headers));
    expect(refused).toEqual({ code: 'unauthenticated', field: PRIVATE_READ_HEADERS.signature });
  });

  test('verify_anotherMembersCertificateWithTheSignature_isUnauthenticated', async () => {
    const headers = {
      ...sign(alice),
      'x-trellis-certificate': sign(revoked)['x-trellis-certificate'],
    };
    expect((await refusal(verify(headers))).code).toBe('unauthenticated');
  });

  test('verify_theCertificateOfANonMember_isNotAMember', async () => {
    expect(await refusal(verify(sign(mallory)))).toEqual({
      code: 'not-a-member',
      field: PRIVATE_READ_HEADERS.certificate,
    });
  });

  test('verify_aRevokedCertificate_isNotAMember', async () => {
    expect((await refusal(verify(sign(revoked)))).code).toBe('not-a-member');
  });

  test('verify_whenTheMembershipCheckAnswersUndefinedOrAnotherKey_isNotAMember', async () => {
    const none: CheckReaderMembership = () => undefined;
    expect((await refusal(verify(sign(alice), { verifyMember: none }))).code).toBe('not-a-member');
    const bobs = await consortium(bob.der);
    const confused: CheckReaderMembership = async () => bobs;
    expect((await refusal(verify(sign(alice), { verifyMember: confused }))).code).toBe(
      'not-a-member',
    );
  });

  test('verify_whenTheMembershipCheckFailsForAnotherReason_passesTheErrorThrough', async () => {
    const broken: CheckReaderMembership = () => {
      throw new Error('state unavailable');
    };
    await expect(verify(sign(alice), { verifyMember: broken })).rejects.toThrow(
      'state unavailable',
    );
  });

  test('verify_runsNoMembershipCheckForABadSignature', async () => {
    let calls = 0;
    const counting: CheckReaderMembership = (der) => {
      calls++;
      return consortium(der);
    };
    await refusal(verify(sign(alice), { txId: OTHER_TX, verifyMember: counting }));
    await refusal(verify(sign(alice, { timestampMs: 0 }), { verifyMember: counting }));
    expect(calls).toBe(0);
    await verify(sign(alice), { verifyMember: counting });
    expect(calls).toBe(1);
  });

  const good = (): PrivateReadHeaders => sign(alice);
  test.each([
    [
      'no certificate',
      (h: PrivateReadHeaders) => ({ ...h, 'x-trellis-certificate': undefined }),
      'x-trellis-certificate',
    ],
    [
      'no timestamp',
      (h: PrivateReadHeaders) => ({ ...h, 'x-trellis-timestamp': undefined }),
      'x-trellis-timestamp',
    ],
    [
      'no signature',
      (h: PrivateReadHeaders) => ({ ...h, 'x-trellis-signature': undefined }),
      'x-trellis-signature',
    ],
    [
      'two signatures',
      (h: PrivateReadHeaders) => ({
        ...h,
        'x-trellis-signature': [h['x-trellis-signature'], h['x-trellis-signature']],
      }),
      'x-trellis-signature',
    ],
    [
      'unpadded base64',
      (h: PrivateReadHeaders) => ({
        ...h,
        'x-trellis-signature': h['x-trellis-signature'].replace(/=+$/, ''),
      }),
      'x-trellis-signature',
    ],
    [
      'base64url',
      (h: PrivateReadHeaders) => ({
        ...h,
        'x-trellis-certificate': h['x-trellis-certificate'].replace(/\+/g, '-').replace(/\//g, '_'),
      }),
      'x-trellis-certificate',
    ],
    [
      'a 63-byte signature',
      (h: PrivateReadHeaders) => ({
        ...h,
        'x-trellis-signature': Buffer.alloc(63).toString('base64'),
      }),
      'x-trellis-signature',
    ],
    [
      'a certificate that is not DER',
      (h: PrivateReadHeaders) => ({
        ...h,
        'x-trellis-certificate': Buffer.from('not a certificate').toString('base64'),
      }),
      'x-trellis-certificate',
    ],
    [
      'a timestamp with a sign',
      (h: PrivateReadHeaders) => ({ ...h, 'x-trellis-timestamp': `+${h['x-trellis-timestamp']}` }),
      'x-trellis-timestamp',
    ],
    [
      'a timestamp with a leading zero',
      (h: PrivateReadHeaders) => ({ ...h, 'x-trellis-timestamp': `0${h['x-trellis-timestamp']}` }),
      'x-trellis-timestamp',
    ],
    [
      'a fractional timestamp',
      (h: PrivateReadHeaders) => ({ ...h, 'x-trellis-timestamp': `${h['x-trellis-timestamp']}.5` }),
      'x-trellis-timestamp',
    ],
    [
      'a timestamp beyond 2^53',
      (h: PrivateReadHeaders) => ({ ...h, 'x-trellis-timestamp': '9999999999999999' }),
      'x-trellis-timestamp',
    ],
  ] as const)('verify_headersWith %s_isUnauthenticated', async (_name, change, field) => {
    expect(await refusal(verify(change(good()) as IncomingHeaders))).toEqual({
      code: 'unauthenticated',
      field,
    });
  });

  test('verify_aFlippedByteOfTheCertificate_isRefused_orOutsideTheSignedPartAndTheSameMember', async () => {
    // identity's verifyMember reads the unsigned outer wrapper leniently (docs/spec/identity.md:
    // `fingerprint` can change, `tbsHash` cannot): such a flip must still name the same member.
    const headers = sign(alice);
    const der = Buffer.from(headers['x-trellis-certificate'], 'base64');
    const tbs = readCertificateFields(der).tbs;
    const tbsStart = der.indexOf(Buffer.from(tbs));
    const codes = new Set<PrivateDataErrorCode>();
    const accepted: number[] = [];
    for (let i = 0; i < der.length; i++) {
      const damaged = Buffer.from(der);
      damaged[i]! ^= 0x01;
      const request = verify({ ...headers, 'x-trellis-certificate': damaged.toString('base64') });
      try {
        expect(await request).toEqual({
          org: 'tax-bureau',
          name: 'alice',
          roles: ['private-reader'],
        });
        accepted.push(i);
      } catch (error) {
        if (!(error instanceof PrivateDataError)) throw error;
        codes.add(error.code);
      }
    }
    for (const code of codes) expect(['unauthenticated', 'not-a-member']).toContain(code);
    for (const i of accepted) expect(i < tbsStart || i >= tbsStart + tbs.length).toBe(true);
    expect(accepted.length).toBeLessThan(5);
  });

  test('sign_withASecretKeyThatIsNotTheCertificates_isInvalidArgument', () => {
    let code: PrivateDataErrorCode | undefined;
    try {
      signPrivateRead({
        suite: 'ed25519',
        chainId: CHAIN,
        txId: TX,
        certificateDer: alice.der,
        secretKey: mallory.secretKey,
        timestampMs: NOW_MS,
      });
    } catch (error) {
      code = (error as PrivateDataError).code;
    }
    expect(code).toBe('invalid-argument');
  });

  test('verify_withBadOptions_isInvalidArgument', async () => {
    const headers = sign(alice);
    const bad = {
      suite: 'ed25519' as SuiteId,
      chainId: CHAIN,
      txId: TX,
      nowMs: NOW_MS,
      skewMs: -1,
      verifyMember: consortium,
    };
    expect((await refusal(verifyPrivateRead(headers, bad))).code).toBe('invalid-argument');
    expect(
      (await refusal(verifyPrivateRead(headers, { ...bad, skewMs: 1, txId: new Uint8Array(31) })))
        .code,
    ).toBe('invalid-argument');
  });
});

describe('authorizePrivateRead', () => {
  const reader = { org: 'tax-bureau', name: 'alice', roles: ['private-reader'] };

  test('authorize_aMemberOfTheNodesOrgThatIsARecipient_passes', () => {
    expect(() =>
      authorizePrivateRead(reader, {
        nodeOrg: 'tax-bureau',
        recipients: ['supervisor', 'tax-bureau'],
      }),
    ).not.toThrow();
  });

  test('authorize_aMemberOfAnotherOrg_isForbidden', () => {
    expect(() =>
      authorizePrivateRead(reader, {
        nodeOrg: 'bank-of-trellis',
        recipients: ['bank-of-trellis', 'tax-bureau'],
      }),
    ).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });

  test('authorize_whenTheNodesOrgIsNotARecipient_isForbidden', () => {
    expect(() =>
      authorizePrivateRead(reader, {
        nodeOrg: 'tax-bureau',
        recipients: ['supervisor', 'bank-of-trellis'],
      }),
    ).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });
});
