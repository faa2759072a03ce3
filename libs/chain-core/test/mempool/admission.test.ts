// Admission: every refusal with a real bad input (real CAs, certificates, Ed25519 signatures),
// the order of the checks (cheap first), and the caches (a signature is verified once per node;
// a certificate is verified once, its revocation every time).
import { encodeValue, toHex } from '../../src/codec';
import { issueMemberCertificate, verifyMember } from '../../src/identity';
import { Admission, AdmissionError, Mempool } from '../../src/mempool';
import { Transaction, limits } from '../../src/types';
import {
  CHAIN,
  HEIGHT,
  MAX_TTL,
  type Signer,
  type TestOrg,
  TestMembership,
  body,
  codeOf,
  contracts,
  encode,
  issueSigner,
  makeCast,
  pemToDer,
  sha256,
  sign,
  suite,
  wire,
} from './fixtures';

let tax: TestOrg;
let bank: TestOrg;
let alice: Signer;
let bob: Signer;
let carol: Signer;
let dave: Signer;
let frank: Signer;

beforeAll(async () => {
  ({ tax, bank, alice, bob, carol, dave, frank } = await makeCast());
});

const consortium = () => new TestMembership([tax.org, bank.org]).register(alice, bob, carol, dave);

const admitted = (signer: Signer, overrides: Parameters<typeof body>[1] = {}) =>
  encode(sign(signer, body(signer, overrides)));

describe('admit accepts', () => {
  it('admit_whenValid_returnsTheIdTheExactBytesAndTheVerifiedCaller', async () => {
    const { admission } = wire(consortium());
    const bytes = admitted(alice);
    const result = await admission.admit(bytes);
    expect(result.id).toEqual(Transaction.id(sha256, Transaction.decode(bytes)));
    expect(result.bytes).toEqual(bytes);
    expect(result.signerKey).toBe(`tax-bureau-sz/${toHex(alice.tbsHash)}`);
    expect(result.caller).toMatchObject({
      orgId: 'tax-bureau-sz',
      name: 'alice',
      roles: ['invoice-issuer'],
      tbsHash: toHex(alice.tbsHash),
    });
    expect(admission.signatureVerifications).toBe(1);
  });

  it('admit_atBothEndsOfTheExpiryWindow_accepts', async () => {
    const { admission } = wire(consortium());
    await expect(
      admission.admit(admitted(alice, { expiryHeight: HEIGHT + 1n })),
    ).resolves.toBeDefined();
    await expect(
      admission.admit(admitted(alice, { expiryHeight: HEIGHT + MAX_TTL, nonce: 2n })),
    ).resolves.toBeDefined();
  });

  it('admit_methodWithoutAccessRoles_isOpenToEveryMember', async () => {
    const { admission } = wire(consortium());
    const result = await admission.admit(admitted(bob, { method: 'ping', args: null }));
    expect(result.caller.roles).toEqual(['reimburser']);
  });
});

describe('admit refuses', () => {
  it('admit_garbageOrAnotherShape_isMalformedNamingTheField', async () => {
    const { admission } = wire(consortium());
    expect(await codeOf(admission.admit(Uint8Array.of(0xff, 0x00, 0x13)))).toBe('malformed');
    const notATransaction = encodeValue({ body: 'x', signature: new Uint8Array(64) });
    const error = await admission.admit(notATransaction).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdmissionError);
    expect((error as AdmissionError).code).toBe('malformed');
    expect((error as AdmissionError).field).toBe('Transaction');
  });

  it('admit_overTheTransactionOrArgsLimit_isOversized', async () => {
    const { admission } = wire(consortium());
    const huge = new Uint8Array(limits.MAX_TRANSACTION_BYTES + 1);
    expect(await codeOf(admission.admit(huge))).toBe('oversized');
    // Under the transaction limit, but with args over MAX_ARGS_BYTES (a record is a CBOR array).
    const bigArgs = encodeValue([
      [
        CHAIN,
        'invoice',
        'issueInvoice',
        new Uint8Array(limits.MAX_ARGS_BYTES + 10),
        1n,
        20n,
        ['tax-bureau-sz', alice.tbsHash],
      ],
      new Uint8Array(64),
    ]);
    expect(bigArgs.length).toBeLessThan(limits.MAX_TRANSACTION_BYTES);
    const error = (await admission.admit(bigArgs).catch((e: unknown) => e)) as AdmissionError;
    expect(error.code).toBe('oversized');
    expect(error.field).toBe('Transaction.body.args');
  });

  it('admit_anotherChainsTransaction_isWrongChain', async () => {
    const { admission } = wire(consortium());
    const error = (await admission
      .admit(admitted(alice, { chainId: 'other-chain' }))
      .catch((e: unknown) => e)) as AdmissionError;
    expect(error.code).toBe('wrong-chain');
    expect(error.field).toBe('body.chainId');
    expect(error.message).toContain('other-chain');
  });

  it('admit_unknownContractOrMethod_isRefusedByName', async () => {
    const { admission } = wire(consortium());
    expect(await codeOf(admission.admit(admitted(alice, { contract: 'payroll' })))).toBe(
      'unknown-contract',
    );
    expect(await codeOf(admission.admit(admitted(alice, { method: 'burnAll' })))).toBe(
      'unknown-method',
    );
    // Inherited properties are not methods.
    expect(await codeOf(admission.admit(admitted(alice, { method: 'toString' })))).toBe(
      'unknown-method',
    );
  });

  it('admit_expiryNotAboveCommittedHeight_isExpired_andBeyondTheTtl_isTtlTooLong', async () => {
    const { admission } = wire(consortium());
    const expired = (await admission
      .admit(admitted(alice, { expiryHeight: HEIGHT }))
      .catch((e: unknown) => e)) as AdmissionError;
    expect(expired.code).toBe('expired');
    expect(expired.message).toContain(`committed height ${HEIGHT}`);
    const far = (await admission
      .admit(admitted(alice, { expiryHeight: HEIGHT + MAX_TTL + 1n }))
      .catch((e: unknown) => e)) as AdmissionError;
    expect(far.code).toBe('ttl-too-long');
    expect(far.message).toContain(`${HEIGHT + MAX_TTL}`);
  });

  it('admit_committedId_isReplayed', async () => {
    const { admission, committed } = wire(consortium());
    const bytes = admitted(alice);
    committed.add(toHex(Transaction.id(sha256, Transaction.decode(bytes))));
    expect(await codeOf(admission.admit(bytes))).toBe('replayed');
    expect(admission.signatureVerifications).toBe(0);
  });

  it('admit_idAlreadyInThePool_isReplayed_andThePoolRefusesItToo', async () => {
    const pool = new Mempool({ maxTransactions: 10, maxBytes: 1 << 20, maxPerSigner: 10 });
    const { admission } = wire(consortium(), {}, (id) => pool.has(id));
    const bytes = admitted(alice);
    const first = await admission.admit(bytes);
    pool.add(first);
    expect(await codeOf(admission.admit(bytes))).toBe('replayed');
    expect(await codeOf(() => pool.add(first))).toBe('replayed');
    expect(pool.size).toBe(1);
  });

  it('admit_whenCommittedDuringTheCertificateCheck_isReplayed', async () => {
    const membership = consortium();
    const committed = new Set<string>();
    let checks = 0;
    const bytes = admitted(alice);
    const id = toHex(Transaction.id(sha256, Transaction.decode(bytes)));
    const admission = new Admission(
      { chainId: CHAIN, suite, hash: sha256, contracts, maxTtlBlocks: MAX_TTL },
      {
        membership: () => membership,
        // The first question is asked before the certificate check, the second after: a block
        // commits the transaction in between.
        isCommitted: (txId) => {
          checks++;
          if (checks === 2) committed.add(id);
          return committed.has(toHex(txId));
        },
      },
    );
    expect(await codeOf(admission.admit(bytes))).toBe('replayed');
  });

  it('admit_unregisteredCertificate_isUnknownCertificate', async () => {
    const { admission } = wire(consortium());
    expect(await codeOf(admission.admit(admitted(frank)))).toBe('unknown-certificate');
  });

  it('admit_certificateOfACaOutsideTheConsortium_isNotAMember', async () => {
    const { admission } = wire(consortium());
    const error = (await admission
      .admit(admitted(dave))
      .catch((e: unknown) => e)) as AdmissionError;
    expect(error.code).toBe('not-a-member');
    expect(error.message).toContain('outsider-co');
  });

  it('admit_expiredCertificate_isCertificateExpired', async () => {
    const { admission } = wire(consortium());
    const error = (await admission
      .admit(admitted(carol))
      .catch((e: unknown) => e)) as AdmissionError;
    expect(error.code).toBe('certificate-expired');
    expect(error.message).toContain('2025-01-01');
  });

  it('admit_certificateNotYetValid_isCertificateNotYetValid', async () => {
    const future = await issueSigner(tax, {
      name: 'future',
      validity: {
        notBefore: new Date('2030-01-01T00:00:00Z'),
        notAfter: new Date('2031-01-01T00:00:00Z'),
      },
    });
    const { admission } = wire(consortium().register(future));
    expect(await codeOf(admission.admit(admitted(future)))).toBe('certificate-not-yet-valid');
  });

  it('admit_revokedCertificate_isRevoked_evenWhenTheMemberIsCached', async () => {
    const erin = await issueSigner(tax, { name: 'erin' });
    const membership = consortium().register(erin);
    const { admission } = wire(membership);
    await admission.admit(admitted(erin));
    membership.revoke(erin);
    const error = (await admission
      .admit(admitted(erin, { nonce: 2n }))
      .catch((e: unknown) => e)) as AdmissionError;
    expect(error.code).toBe('certificate-revoked');
    expect(error.message).toContain(erin.serialHex);
    // The member came from the cache; the revocation was asked afresh.
    expect(admission.memberVerifications).toBe(1);
    // And a fresh node (no cache) refuses it the same way, through verifyMember.
    expect(await codeOf(wire(membership).admission.admit(admitted(erin, { nonce: 3n })))).toBe(
      'certificate-revoked',
    );
  });

  it('admit_memberWithoutTheMethodsRole_isForbidden', async () => {
    const { admission } = wire(consortium());
    const error = (await admission.admit(admitted(bob)).catch((e: unknown) => e)) as AdmissionError;
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('invoice-issuer');
    expect(error.message).toContain('reimburser');
    expect(admission.signatureVerifications).toBe(0);
  });

  it('admit_signatureWithAFlippedByte_isBadSignature', async () => {
    const { admission } = wire(consortium());
    const tx = sign(alice, body(alice));
    const signature = tx.signature.slice();
    signature[10] = signature[10]! ^ 0x01;
    expect(await codeOf(admission.admit(encode({ ...tx, signature })))).toBe('bad-signature');
    // A changed body under the original signature: another id, so it does not verify either.
    const tampered = { ...tx, body: { ...tx.body, nonce: 99n } };
    expect(await codeOf(admission.admit(encode(tampered)))).toBe('bad-signature');
    // Failures are not cached: the genuine one still verifies.
    await expect(admission.admit(encode(tx))).resolves.toBeDefined();
  });

  it('admit_signerNamingAnotherOrganisation_isSignerMismatch', async () => {
    const { admission } = wire(consortium());
    const txBody = { ...body(alice), signer: { org: 'bank-of-trellis', cert: alice.tbsHash } };
    const error = (await admission
      .admit(encode(sign(alice, txBody)))
      .catch((e: unknown) => e)) as AdmissionError;
    expect(error.code).toBe('signer-mismatch');
    expect(error.field).toBe('body.signer.org');
  });

  it('admit_certificateKeyNotOfTheChainsSuite_isCertificateInvalid', async () => {
    const issued = await issueMemberCertificate({
      ca: tax.ca.certificate,
      caKey: tax.ca.privateKey,
      subjectName: 'p256 user',
      kind: 'user',
      roles: ['invoice-issuer'],
      algorithm: 'ecdsa-p256',
      validity: {
        notBefore: new Date('2026-01-01T00:00:00Z'),
        notAfter: new Date('2027-01-01T00:00:00Z'),
      },
    });
    const der = pemToDer(issued.certificate);
    const member = await verifyMember(der, {
      orgs: [tax.org],
      at: new Date('2026-06-01T00:00:00Z'),
      isRevoked: () => false,
    });
    // Signed with some Ed25519 key: admission must refuse before it ever tries the signature.
    const p256: Signer = {
      ...alice,
      der,
      tbsHash: Buffer.from(member.tbsHash, 'hex'),
      serialHex: member.serialHex,
    };
    const { admission } = wire(consortium().register(p256));
    const error = (await admission
      .admit(admitted(p256))
      .catch((e: unknown) => e)) as AdmissionError;
    expect(error.code).toBe('certificate-invalid');
    expect(error.message).toContain('ed25519');
    expect(admission.signatureVerifications).toBe(0);
  });

  it('admit_cheapFaultAndExpensiveFault_reportsTheCheapOneWithoutVerifyingAnything', async () => {
    const { admission } = wire(consortium());
    const tx = sign(alice, body(alice, { chainId: 'other-chain' }));
    const signature = tx.signature.slice();
    signature[0] = signature[0]! ^ 0xff;
    expect(await codeOf(admission.admit(encode({ ...tx, signature })))).toBe('wrong-chain');
    expect(admission.signatureVerifications).toBe(0);
    expect(admission.memberVerifications).toBe(0);
  });
});
