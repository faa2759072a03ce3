// The light client against real bundles of the fixture chain (fixtures.ts), for an Ed25519
// chain and an SM2 chain: what it accepts, what each accepted bundle proves, and the rule
// that refuses each broken one.
import {
  MAX_EVENT_BYTES_CAP,
  Receipt,
  type SuiteId,
  ValidatorSetRecordSchema,
  toHex,
} from '@trellis/chain-core';
import {
  LightClient,
  MAX_BUNDLE_BYTES,
  PROOF_ERROR_CODES,
  ProofError,
  type ProofVerdict,
  ReceiptProofSchema,
  verdictToJson,
  verifyBundle,
} from '@trellis/chain-core/proofs';
import { Sm2Point } from '../../src/crypto/common/curves';
import { encodeValidatorSetRecord } from '../../src/proofs/validator-set-record';
import { acceptCases, rejectCases } from './cases';
import { buildProofFixture } from './fixtures';

const text = (bytes: Uint8Array | null) =>
  bytes === null ? null : new TextDecoder().decode(bytes);

/** The ProofError `run` throws (fails the test if it throws anything else, or nothing). */
function refusal(run: () => unknown): ProofError {
  try {
    run();
  } catch (error) {
    if (error instanceof ProofError) return error;
    throw new Error(`threw a non-ProofError: ${String(error)}`, { cause: error });
  }
  throw new Error('accepted');
}

describe.each<SuiteId>(['ed25519', 'sm2'])('light client (%s chain)', (suite) => {
  const f = buildProofFixture(suite);
  const client = LightClient.fromGenesis(f.genesisText);

  it('acceptsEveryValidBundle', () => {
    for (const c of acceptCases(f)) {
      expect(() => client.verify(c.bundle)).not.toThrow();
    }
  });

  it('transactionWithReceipt_provesBlockIndexAndReceipt_afterFollowingTheEpochChange', () => {
    const verdict = client.verify(f.bundle({ transaction: f.transaction }));
    expect(verdict).toEqual<ProofVerdict>({
      kind: 'transaction',
      chainId: f.chainId,
      suite,
      epochChanges: 1,
      epoch: 1n,
      height: 2n,
      blockHash: f.blockHash(f.headers.c2),
      timestampMs: f.headers.c2.timestampMs,
      signers: 3,
      quorum: 3,
      validators: 4,
      txId: f.txIds[1]!,
      index: 1n,
      receipt: {
        status: 'ok',
        error: null,
        events: [
          {
            contract: 'notes',
            type: 'note.set',
            data: expect.objectContaining({ key: 'greeting', text: 'hello', length: 5n }),
          },
        ],
        steps: 42n,
        committedAtHeight: 3n,
        signers: 3,
        quorum: 3,
      },
    });
  });

  it('failedTransaction_reportsItsReceiptError', () => {
    const verdict = client.verify(f.bundle({ transaction: f.transactionProof(2) }));
    if (verdict.kind !== 'transaction') throw new Error('not a transaction verdict');
    expect(verdict.receipt).toMatchObject({
      status: 'failed',
      error: { code: 'not-found', message: 'no note "missing"' },
      events: [],
    });
  });

  it('stateProof_provesValueAfterTheCommittedBlockBelowTheRoot', () => {
    const verdict = client.verify(f.bundle({ state: f.state }));
    expect(verdict).toMatchObject({
      kind: 'state',
      epoch: 1n,
      height: 3n,
      asOfHeight: 3n,
      blockHash: f.blockHash(f.headers.c3),
      contract: 'notes',
    });
    if (verdict.kind !== 'state') throw new Error('not a state verdict');
    expect(text(verdict.key)).toBe('greeting');
    expect(text(verdict.value)).toBe('hello');
  });

  it('stateProof_provesAbsence_ofDeletedAndNeverSetKeys', () => {
    for (const key of ['note/3', 'missing']) {
      const verdict = client.verify(f.bundle({ state: f.stateProof(key) }));
      expect(verdict).toMatchObject({ kind: 'state', value: null, asOfHeight: 3n });
    }
    // note/3 was there in the genesis state (epoch 0, no epoch change needed).
    const before = client.verify(f.bundle({ epochs: [], state: f.genesisStateProof('note/3') }));
    expect(before).toMatchObject({ kind: 'state', epoch: 0n, epochChanges: 0, asOfHeight: 0n });
    if (before.kind !== 'state') throw new Error('not a state verdict');
    expect(text(before.value)).toBe('note number 3');
  });

  it.each(rejectCases(buildProofFixture(suite)).map((c) => [c.name, c] as const))(
    'refuses: %s',
    (_name, c) => {
      const error = refusal(() => client.verify(c.bundle));
      expect({ code: error.code, path: error.path }).toEqual({ code: c.code, path: c.path });
      expect(error.message).toContain(error.reason);
    },
  );

  it('verifyBundle_takesTheGenesisTextItsParsedValueOrAClient', () => {
    const bytes = f.bundle({ state: f.state });
    const expected = client.verify(bytes);
    expect(verifyBundle(f.genesisText, bytes)).toEqual(expected);
    expect(verifyBundle(JSON.parse(f.genesisText), bytes)).toEqual(expected);
    expect(verifyBundle(client, bytes)).toEqual(expected);
  });

  it('verdictToJson_isPlainJson_withDecimalIntegersAndHexBytes', () => {
    const json = verdictToJson(client.verify(f.bundle({ transaction: f.transaction })));
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json).toMatchObject({
      kind: 'transaction',
      height: '2',
      txId: toHex(f.txIds[1]!),
      receipt: { status: 'ok', steps: '42', events: [{ data: { length: '5', text: 'hello' } }] },
    });
  });
});

describe('the validator-set record', () => {
  it('hasTheBytesGovernanceWrites', () => {
    // The verifier keeps its own statement of the record (governance cannot load in a
    // browser); the fixture chain writes it with governance's schema. They must agree.
    for (const suite of ['ed25519', 'sm2'] as const) {
      const f = buildProofFixture(suite);
      for (const set of [f.validators[0], f.validators[1], f.outsiders.slice(0, 1)]) {
        const keys = set.map((k) => k.publicKey);
        expect(toHex(encodeValidatorSetRecord(keys))).toBe(
          toHex(ValidatorSetRecordSchema.encode({ keys })),
        );
      }
    }
  });
});

describe('genesis', () => {
  const f = buildProofFixture('ed25519');
  const genesis = JSON.parse(f.genesisText) as Record<string, unknown>;
  const validators = genesis['validators'] as { publicKey: string }[];
  const withField = (field: string, value: unknown) => ({ ...genesis, [field]: value });

  it.each<[string, unknown, string]>([
    ['not JSON', '{"format":', ''],
    ['not an object', '[1]', ''],
    ['another format', withField('format', 'trellis-genesis/v0'), 'format'],
    ['a bad chain id', withField('chainId', 'Not A Name'), 'chainId'],
    ['an unknown suite', withField('suite', 'rsa'), 'suite'],
    ['no validators', withField('validators', []), 'validators'],
    [
      'a key in upper case',
      withField('validators', [{ publicKey: validators[0]!.publicKey.toUpperCase() }]),
      'validators[0].publicKey',
    ],
    [
      'a key of the wrong length',
      withField('validators', [{ publicKey: 'ab'.repeat(33) }]),
      'validators[0].publicKey',
    ],
    [
      'a key twice',
      withField('validators', [validators[1], validators[0], validators[1]]),
      'validators[2].publicKey',
    ],
  ])('refuses a genesis with %s', (_what, input, path) => {
    const error = refusal(() => LightClient.fromGenesis(input));
    expect({ code: error.code, path: error.path }).toEqual({ code: 'bad-genesis', path });
  });

  it('refusesAnSm2KeyThatIsNotCanonical', () => {
    const sm2 = buildProofFixture('sm2');
    const doc = JSON.parse(sm2.genesisText) as { validators: { publicKey: string }[] };
    // The uncompressed form of a valid key: a valid point, not the one spelling genesis uses.
    const key = sm2.validators[0][0]!.publicKey;
    doc.validators[0]!.publicKey = toHex(Sm2Point.fromBytes(key).toBytes(false));
    const error = refusal(() => LightClient.fromGenesis(doc));
    expect(error.code).toBe('bad-genesis');
  });

  it('isReadFromTheFile_andTheBundleMustBeOfItsChain', () => {
    const other = { ...genesis, chainId: 'another-chain' };
    const error = refusal(() => verifyBundle(other, f.bundle({ state: f.state })));
    expect(error).toMatchObject({ code: 'wrong-chain', path: 'chainId' });
  });
});

describe('the bundle format', () => {
  it('carriesTheLargestReceiptATransactionCanHave', () => {
    // A transaction may emit up to MAX_EVENT_BYTES_CAP of events: its receipt must be provable.
    const f = buildProofFixture('ed25519');
    const events = Array.from({ length: 190 }, () => ({
      contract: 'notes',
      type: 'note.set',
      data: new Uint8Array(16_000),
    }));
    const receipt = Receipt.encode({
      txId: f.txIds[0]!,
      status: 'ok',
      error: null,
      events,
      steps: 1n,
    });
    expect(receipt.length).toBeGreaterThan(MAX_EVENT_BYTES_CAP - 120_000);
    const proof = { ...f.receiptProof(0), receipt };
    expect(
      ReceiptProofSchema.decode(ReceiptProofSchema.encode(proof), MAX_BUNDLE_BYTES).receipt,
    ).toEqual(receipt);
  });
});

describe('ProofError', () => {
  it('hasOneCodePerRule_andNamesThePart', () => {
    expect(new Set(PROOF_ERROR_CODES).size).toBe(PROOF_ERROR_CODES.length);
    const error = new ProofError('bad-signature', 'does not verify', 'epochs[0].chain.qc');
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('epochs[0].chain.qc: does not verify');
  });

  it('isWhatANonByteInputGets', () => {
    const f = buildProofFixture('ed25519');
    const error = refusal(() => verifyBundle(f.genesisText, 'abc' as unknown as Uint8Array));
    expect(error.code).toBe('malformed');
  });
});
