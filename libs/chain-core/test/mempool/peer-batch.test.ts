// checkPeerBatch: a peer's batch is checked for encoding, chain and signatures only, and a
// signature this node verified before (at admission or in another batch) is never verified again.
import { toHex } from '../../src/codec';
import { AdmissionError } from '../../src/mempool';
import { Transaction } from '../../src/types';
import {
  type Signer,
  type TestOrg,
  TestMembership,
  batchOf,
  body,
  codeOf,
  encode,
  issueSigner,
  makeOrg,
  sha256,
  sign,
  wire,
} from './fixtures';

let tax: TestOrg;
let alice: Signer;
let bob: Signer;
/** Not registered: only a registration in the same batch names its key. */
let frank: Signer;

beforeAll(async () => {
  tax = await makeOrg('tax-bureau-sz');
  [alice, bob, frank] = await Promise.all([
    issueSigner(tax),
    issueSigner(tax, { name: 'bob', roles: ['reimburser'] }),
    issueSigner(tax, { name: 'frank' }),
  ]);
});

const membership = () => new TestMembership([tax.org]).register(alice, bob);
const txOf = (signer: Signer, nonce: bigint) => sign(signer, body(signer, { nonce }));

async function refusal(promise: Promise<unknown>): Promise<AdmissionError> {
  const error = await promise.catch((e: unknown) => e);
  if (!(error instanceof AdmissionError))
    throw new Error(`expected an AdmissionError, got ${String(error)}`);
  return error;
}

describe('signatures are verified once per node', () => {
  it('admitThenPeerBatch_verifiesEachSignatureExactlyOnce', async () => {
    const { admission } = wire(membership());
    const first = txOf(alice, 1n);
    const second = txOf(alice, 2n);
    await admission.admit(encode(first));
    expect(admission.signatureVerifications).toBe(1);
    // The same bytes admitted again (e.g. a client retrying after a dropped reply).
    await admission.admit(encode(first));
    expect(admission.signatureVerifications).toBe(1);

    const ids = await admission.checkPeerBatch(batchOf([first, second]));
    expect(ids.map(toHex)).toEqual([first, second].map((tx) => toHex(Transaction.id(sha256, tx))));
    expect(admission.signatureVerifications).toBe(2);

    // The same transactions in another peer's batch, and then admitted from a client.
    await admission.checkPeerBatch(batchOf([second, first], 1n));
    await admission.admit(encode(second));
    expect(admission.signatureVerifications).toBe(2);
  });

  it('checkPeerBatch_doesNotAskAboutMembershipOrRoles', async () => {
    // bob lacks invoice-issuer: admission would say forbidden, but execution decides for peers.
    const { admission } = wire(membership());
    await expect(admission.checkPeerBatch(batchOf([txOf(bob, 1n)]))).resolves.toHaveLength(1);
    expect(admission.memberVerifications).toBe(0);
  });
});

describe('checkPeerBatch refuses, naming the index', () => {
  it('checkPeerBatch_withAFlippedSignatureByte_isBadSignatureAtThatIndex_andKeepsTheGoodOnes', async () => {
    const { admission } = wire(membership());
    const good = txOf(alice, 1n);
    const bad = txOf(alice, 2n);
    const signature = bad.signature.slice();
    signature[63] = signature[63]! ^ 0x40;
    const error = await refusal(admission.checkPeerBatch(batchOf([good, { ...bad, signature }])));
    expect(error.code).toBe('bad-signature');
    expect(error.index).toBe(1);
    expect(error.message).toMatch(/^transaction 1: /);
    // The good one was remembered: admitting it costs no verification.
    const before = admission.signatureVerifications;
    await admission.admit(encode(good));
    expect(admission.signatureVerifications).toBe(before);
  });

  it('checkPeerBatch_ofAnotherChainOrWithAnotherChainsTransaction_isWrongChain', async () => {
    const { admission } = wire(membership());
    const batch = batchOf([txOf(alice, 1n)]);
    expect(await codeOf(admission.checkPeerBatch({ ...batch, chainId: 'other-chain' }))).toBe(
      'wrong-chain',
    );
    const foreign = sign(alice, body(alice, { chainId: 'other-chain' }));
    const error = await refusal(admission.checkPeerBatch(batchOf([txOf(alice, 1n), foreign])));
    expect(error.code).toBe('wrong-chain');
    expect(error.index).toBe(1);
  });

  it('checkPeerBatch_repeatingATransaction_isReplayedAtTheRepeat', async () => {
    const { admission } = wire(membership());
    const tx = txOf(alice, 1n);
    const error = await refusal(admission.checkPeerBatch(batchOf([tx, txOf(alice, 2n), tx])));
    expect(error.code).toBe('replayed');
    expect(error.index).toBe(2);
  });

  it('checkPeerBatch_withAMalformedTransaction_isMalformedAtThatIndex', async () => {
    const { admission } = wire(membership());
    const broken = { ...txOf(alice, 2n), signature: new Uint8Array(12) };
    const error = await refusal(admission.checkPeerBatch(batchOf([txOf(alice, 1n), broken])));
    expect(error.code).toBe('malformed');
    expect(error.index).toBe(1);
  });

  it('checkPeerBatch_signedByAnUnknownCertificate_isUnknownCertificateAtThatIndex', async () => {
    const { admission } = wire(membership());
    const error = await refusal(
      admission.checkPeerBatch(batchOf([txOf(alice, 1n), txOf(frank, 1n)])),
    );
    expect(error.code).toBe('unknown-certificate');
    expect(error.index).toBe(1);
  });
});

describe('registrations inside a batch', () => {
  const registration = (signer: Signer, certificate: Uint8Array) =>
    sign(
      signer,
      body(signer, { contract: 'system', method: 'registerCertificate', args: { certificate } }),
    );

  it('checkPeerBatch_registrationThenATransactionOfTheNewSigner_verifiesBoth', async () => {
    const { admission } = wire(membership());
    const ids = await admission.checkPeerBatch(
      batchOf([registration(frank, frank.der), txOf(frank, 2n)]),
    );
    expect(ids).toHaveLength(2);
    expect(admission.signatureVerifications).toBe(2);
  });

  it('checkPeerBatch_registrationVerifiedBefore_stillLendsItsKeyToLaterTransactions', async () => {
    // A key cache of one: the registration's key is evicted, its signature stays remembered.
    const { admission } = wire(membership(), { memberCacheSize: 1 });
    const registering = registration(frank, frank.der);
    await admission.admit(encode(registering));
    await admission.admit(encode(txOf(alice, 1n)));
    const ids = await admission.checkPeerBatch(batchOf([registering, txOf(frank, 2n)]));
    expect(ids).toHaveLength(2);
    expect(admission.signatureVerifications).toBe(3);
  });

  it('checkPeerBatch_registrationCarryingAnotherCertificate_isSignerMismatch', async () => {
    const { admission } = wire(membership());
    const error = await refusal(
      admission.checkPeerBatch(batchOf([txOf(alice, 1n), registration(frank, alice.der)])),
    );
    expect(error.code).toBe('signer-mismatch');
    expect(error.index).toBe(1);
  });
});
