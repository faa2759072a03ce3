/**
 * The commitment a private transaction carries in its args, and the private submission body:
 * built sorted and unique, read back exactly, and every malformed shape refused with the field.
 */
import {
  PrivateDataError,
  PrivateSubmissionSchema,
  decodePrivateSubmission,
  matchesCommitment,
  privateCommitment,
  privatePayloadHash,
  readPrivateCommitment,
  type CborValue,
} from '../../src';

const payload = new TextEncoder().encode('{"borrower":"Li Wei"}');

function refusal(run: () => unknown): PrivateDataError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PrivateDataError);
    return error as PrivateDataError;
  }
  throw new Error('expected a PrivateDataError');
}

describe('private commitment', () => {
  it.each(['ed25519', 'p256', 'sm2'] as const)(
    'privateCommitment_sortsAndDeduplicates_andReadsBack (%s)',
    (suite) => {
      const made = privateCommitment(suite, payload, ['court', 'bank', 'court']);
      expect(made.recipients).toEqual(['bank', 'court']);
      expect(made.payloadHash).toEqual(privatePayloadHash(suite, payload));
      const args: CborValue = {
        digest: new Uint8Array(32),
        private: { ...made, recipients: [...made.recipients] },
      };
      const read = readPrivateCommitment(args)!;
      expect(read).toEqual(made);
      expect(matchesCommitment(suite, read, payload)).toBe(true);
      expect(matchesCommitment(suite, read, new Uint8Array([1]))).toBe(false);
    },
  );

  it('argsWithoutTheEntry_carryNoCommitment', () => {
    for (const args of [null, 1n, 'x', new Uint8Array(1), [1n], { digest: new Uint8Array(32) }]) {
      expect(readPrivateCommitment(args as CborValue)).toBeUndefined();
    }
  });

  it('malformedEntries_areRefused_namingTheField', () => {
    const hash = new Uint8Array(32);
    const cases: [CborValue, string][] = [
      ['x', 'args.private'],
      [[hash], 'args.private'],
      [{ payloadHash: hash }, 'args.private'],
      [{ payloadHash: hash, recipients: ['bank'], extra: 1n }, 'args.private'],
      [{ payloadHash: new Uint8Array(31), recipients: ['bank'] }, 'args.private.payloadHash'],
      [{ payloadHash: 'ab', recipients: ['bank'] }, 'args.private.payloadHash'],
      [{ payloadHash: hash, recipients: 'bank' }, 'args.private.recipients'],
      [{ payloadHash: hash, recipients: [] }, 'args.private.recipients'],
      [{ payloadHash: hash, recipients: ['court', 'bank'] }, 'args.private.recipients'],
      [{ payloadHash: hash, recipients: ['bank', 'bank'] }, 'args.private.recipients'],
      [{ payloadHash: hash, recipients: ['Bank'] }, 'args.private.recipients[0]'],
      [{ payloadHash: hash, recipients: [1n] }, 'args.private.recipients'],
    ];
    for (const [entry, field] of cases) {
      const error = refusal(() => readPrivateCommitment({ private: entry }));
      expect({ entry, code: error.code, field: error.field }).toEqual({
        entry,
        code: 'malformed',
        field,
      });
    }
  });

  it('privateCommitment_refusesBadRecipientsAndOversizedPayloads', () => {
    expect(refusal(() => privateCommitment('ed25519', payload, [])).code).toBe('malformed');
    expect(refusal(() => privateCommitment('ed25519', payload, ['a b'])).code).toBe('malformed');
    const many = Array.from({ length: 65 }, (_, i) => `org-${i}`);
    expect(refusal(() => privateCommitment('ed25519', payload, many)).code).toBe('malformed');
    const big = new Uint8Array(1024 * 1024 + 1);
    expect(refusal(() => privateCommitment('ed25519', big, ['bank'])).code).toBe('too-large');
  });

  it('submission_roundTrips_andGarbageIsMalformed', () => {
    const body = PrivateSubmissionSchema.encode({ transaction: new Uint8Array([1, 2]), payload });
    expect(decodePrivateSubmission(body)).toEqual({ transaction: new Uint8Array([1, 2]), payload });
    for (const bad of [
      new Uint8Array(0),
      new Uint8Array([0x82, 0x01]),
      body.subarray(0, body.length - 1),
    ]) {
      expect(refusal(() => decodePrivateSubmission(bad))).toMatchObject({
        code: 'malformed',
        field: 'body',
      });
    }
  });
});
