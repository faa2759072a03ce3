// Admission, continued: the certificate cache (verified once, never beyond what it depended
// on), `system.registerCertificate` (the certificate it carries), and untrusted bytes.
import { equalBytes, toHex } from '../../src/codec';
import { AdmissionError } from '../../src/mempool';
import {
  type Signer,
  type TestOrg,
  TestMembership,
  body,
  codeOf,
  encode,
  makeCast,
  sign,
  wire,
} from './fixtures';

let tax: TestOrg;
let bank: TestOrg;
let alice: Signer;
let bob: Signer;
let dave: Signer;
let frank: Signer;

beforeAll(async () => {
  ({ tax, bank, alice, bob, dave, frank } = await makeCast());
});

const consortium = () => new TestMembership([tax.org, bank.org]).register(alice, bob, dave);

const admitted = (signer: Signer, overrides: Parameters<typeof body>[1] = {}) =>
  encode(sign(signer, body(signer, overrides)));

describe('certificate cache', () => {
  it('admit_afterTheCachedCertificateExpires_isCertificateExpired', async () => {
    const membership = consortium();
    const { admission } = wire(membership);
    await admission.admit(admitted(alice));
    membership.timeMs = BigInt(Date.parse('2027-02-01T00:00:00Z'));
    expect(await codeOf(admission.admit(admitted(alice, { nonce: 2n })))).toBe(
      'certificate-expired',
    );
  });

  it('admit_afterTheOrganisationLeavesTheConsortium_isNotAMember', async () => {
    const membership = consortium();
    const { admission } = wire(membership);
    await admission.admit(admitted(alice));
    membership.organisations = [bank.org];
    expect(await codeOf(admission.admit(admitted(alice, { nonce: 2n })))).toBe('not-a-member');
  });

  it('admit_manyTransactionsOfOneSigner_verifiesTheCertificateOnce', async () => {
    const { admission } = wire(consortium());
    for (let nonce = 1n; nonce <= 5n; nonce++) await admission.admit(admitted(alice, { nonce }));
    expect(admission.memberVerifications).toBe(1);
    expect(admission.signatureVerifications).toBe(5);
  });
});

describe('system.registerCertificate', () => {
  const registration = (signer: Signer, certificate: Uint8Array) =>
    encode(
      sign(
        signer,
        body(signer, { contract: 'system', method: 'registerCertificate', args: { certificate } }),
      ),
    );

  it('admit_registrationCarryingTheSignersOwnCertificate_isAdmittedThoughUnregistered', async () => {
    const { admission } = wire(consortium());
    const result = await admission.admit(registration(frank, frank.der));
    expect(result.caller.tbsHash).toBe(toHex(frank.tbsHash));
    expect(result.caller.name).toBe('frank');
  });

  it('admit_registrationCarryingAnotherCertificate_isSignerMismatch', async () => {
    const { admission } = wire(consortium());
    const error = (await admission
      .admit(registration(frank, alice.der))
      .catch((e: unknown) => e)) as AdmissionError;
    expect(error.code).toBe('signer-mismatch');
    expect(error.field).toBe('body.args.certificate');
  });

  it('admit_registrationWithoutACertificate_isMalformed', async () => {
    const { admission } = wire(consortium());
    const bytes = encode(
      sign(
        frank,
        body(frank, {
          contract: 'system',
          method: 'registerCertificate',
          args: { certificate: 'x' },
        }),
      ),
    );
    expect(await codeOf(admission.admit(bytes))).toBe('malformed');
  });

  it('admit_registrationCarryingBytesThatAreNoCertificate_isCertificateInvalid', async () => {
    const { admission } = wire(consortium());
    const junk = Uint8Array.from(frank.der.subarray(0, 40));
    const error = (await admission
      .admit(registration(frank, junk))
      .catch((e: unknown) => e)) as AdmissionError;
    expect(error.code).toBe('certificate-invalid');
    expect(error.field).toBe('body.args.certificate');
  });

  it('admit_registrationOfAnOutsidersCertificate_isNotAMember', async () => {
    const { admission } = wire(new TestMembership([tax.org, bank.org]));
    expect(await codeOf(admission.admit(registration(dave, dave.der)))).toBe('not-a-member');
  });
});

describe('untrusted bytes', () => {
  it('admit_mutatedBytes_eitherAdmitsOrRefusesWithAnAdmissionError', async () => {
    const { admission } = wire(consortium());
    const bytes = admitted(alice);
    // A fixed-seed generator (xorshift32): deterministic mutations.
    let state = 0x2545f491;
    const next = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 0x1_0000_0000;
    };
    const codes = new Map<string, number>();
    for (let round = 0; round < 400; round++) {
      const mutated = bytes.slice();
      const flips = 1 + Math.floor(next() * 3);
      for (let i = 0; i < flips; i++) {
        mutated[Math.floor(next() * mutated.length)] = Math.floor(next() * 256);
      }
      const cut = next() < 0.1 ? Math.floor(next() * mutated.length) : mutated.length;
      if (equalBytes(mutated.subarray(0, cut), bytes)) continue; // a "mutation" that changed nothing
      const outcome = await admission.admit(mutated.subarray(0, cut)).then(
        () => 'admitted',
        (error: unknown) => {
          if (!(error instanceof AdmissionError)) throw error;
          return error.code;
        },
      );
      codes.set(outcome, (codes.get(outcome) ?? 0) + 1);
    }
    // None escapes as another exception, none is admitted (every byte is under the signature or
    // the encoding), and the refusals are the ones a changed field explains.
    expect(codes.has('admitted')).toBe(false);
    expect(codes.get('malformed')).toBeGreaterThan(100);
    expect(codes.get('bad-signature')).toBeGreaterThan(10);
    const explained = [
      'malformed',
      'oversized',
      'bad-signature',
      'unknown-certificate',
      'signer-mismatch',
      'wrong-chain',
      'unknown-contract',
      'unknown-method',
      'expired',
      'ttl-too-long',
      'forbidden',
    ];
    expect([...codes.keys()].filter((code) => !explained.includes(code))).toEqual([]);
  });
});
