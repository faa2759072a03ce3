// parseTimeStampRequest on bad requests: each is a TsaError whose code is the PKIFailureInfo the
// reply carries, and rejectionResponse's reply reads in `openssl ts -reply -text`.
import * as asn1js from 'asn1js';
import { createHash } from 'node:crypto';
import {
  FAILURE_INFO_BITS,
  parseTimeStampRequest,
  rejectionResponse,
  TsaError,
  verifyTimeStampToken,
} from '../../src/tsa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpus, HELLO, openssl, Scratch } from './support';

let scratch: Scratch;
beforeAll(() => {
  scratch = new Scratch();
});
afterAll(() => scratch.dispose());

/** `openssl ts -reply -text` of a reply (written to a file: openssl ts wants a seekable input). */
function replyText(reply: Uint8Array): string {
  const file = join(scratch.dir(), 'reply.tsr');
  writeFileSync(file, reply);
  return openssl(['ts', '-reply', '-in', file, '-text']).output;
}

const SHA256 = '2.16.840.1.101.3.4.2.1';

/** A TimeStampReq built field by field, so each can be wrong on its own. */
function request(
  overrides: {
    version?: number;
    hashOid?: string;
    params?: asn1js.AsnType;
    imprint?: Uint8Array;
    nonce?: bigint;
    extension?: boolean;
  } = {},
): Uint8Array {
  const algorithm = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: overrides.hashOid ?? SHA256 }),
      ...(overrides.params === undefined ? [] : [overrides.params]),
    ],
  });
  const fields: asn1js.AsnType[] = [
    new asn1js.Integer({ value: overrides.version ?? 1 }),
    new asn1js.Sequence({
      value: [
        algorithm,
        new asn1js.OctetString({
          valueHex: overrides.imprint ?? createHash('sha256').update(HELLO).digest(),
        }),
      ],
    }),
    ...(overrides.nonce === undefined ? [] : [asn1js.Integer.fromBigInt(overrides.nonce)]),
    new asn1js.Boolean({ value: true }),
  ];
  if (overrides.extension === true) {
    fields.push(
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 0 },
        value: [
          new asn1js.Sequence({
            value: [
              new asn1js.ObjectIdentifier({ value: '1.3.6.1.4.1.32473.99' }),
              new asn1js.OctetString({ valueHex: new Uint8Array([5, 0]) }),
            ],
          }),
        ],
      }),
    );
  }
  return new Uint8Array(new asn1js.Sequence({ value: fields }).toBER());
}

function refusal(der: Uint8Array, options?: Parameters<typeof parseTimeStampRequest>[1]): TsaError {
  try {
    parseTimeStampRequest(der, options);
  } catch (error) {
    if (error instanceof TsaError) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

describe('parseTimeStampRequest', () => {
  it('request_wellFormed_isParsedWithNonceAndCertReq', () => {
    expect(parseTimeStampRequest(request({ nonce: 42n }))).toEqual({
      hashAlgorithm: 'sha256',
      hashAlgorithmOid: SHA256,
      messageImprint: new Uint8Array(createHash('sha256').update(HELLO).digest()),
      nonce: 42n,
      certReq: true,
    });
    // NULL parameters are as good as absent (RFC 5754 §2).
    expect(parseTimeStampRequest(request({ params: new asn1js.Null() })).hashAlgorithm).toBe(
      'sha256',
    );
    // The corpus requests.
    expect(parseTimeStampRequest(corpus('test_tsa/request.der'))).toMatchObject({
      hashAlgorithm: 'sha512',
      nonce: 0x36a44f9f4a391fd3n,
      certReq: true,
    });
    expect(parseTimeStampRequest(corpus('sigstage/request.der')).hashAlgorithm).toBe('sha512');
  });

  it.each<[string, () => Uint8Array, string]>([
    ['garbage', () => new Uint8Array(HELLO), 'bad-data-format'],
    ['empty input', () => new Uint8Array(0), 'bad-data-format'],
    ['trailing bytes', () => new Uint8Array([...request(), 0]), 'bad-data-format'],
    [
      'not a TimeStampReq',
      () => new Uint8Array(new asn1js.Sequence({ value: [new asn1js.Null()] }).toBER()),
      'bad-data-format',
    ],
    ['version 2', () => request({ version: 2 }), 'bad-request'],
    [
      'SHA-1 imprint',
      () => request({ hashOid: '1.3.14.3.2.26', imprint: new Uint8Array(20) }),
      'bad-alg',
    ],
    [
      'MD5 imprint',
      () => request({ hashOid: '1.2.840.113549.2.5', imprint: new Uint8Array(16) }),
      'bad-alg',
    ],
    ['hash parameters', () => request({ params: new asn1js.Integer({ value: 1 }) }), 'bad-alg'],
    ['imprint of 31 bytes', () => request({ imprint: new Uint8Array(31) }), 'bad-data-format'],
    [
      'sha512 OID with a 32-byte imprint',
      () => request({ hashOid: '2.16.840.1.101.3.4.2.3' }),
      'bad-data-format',
    ],
    ['an extension', () => request({ extension: true }), 'unaccepted-extension'],
    ['a 33-byte nonce', () => request({ nonce: 1n << 263n }), 'bad-request'],
  ])('request_%s_isRefused', (_name, make, code) => {
    const error = refusal(make());
    expect(error.code).toBe(code);
    expect(error.failInfo).toBe(FAILURE_INFO_BITS[code as keyof typeof FAILURE_INFO_BITS]);
    expect(error.message).toMatch(/^time-stamp request: /);
  });

  it('request_policyNotAccepted_isUnacceptedPolicy', () => {
    const der = openssl([
      'ts',
      '-query',
      '-digest',
      '00'.repeat(32),
      '-sha256',
      '-tspolicy',
      '1.2.3.4',
    ]).stdout;
    expect(refusal(der, { acceptedPolicies: ['1.3.6.1.4.1.32473.7.1'] }).code).toBe(
      'unaccepted-policy',
    );
    expect(parseTimeStampRequest(der, { acceptedPolicies: ['1.2.3.4'] }).reqPolicy).toBe('1.2.3.4');
  });

  it.each<[string, string, string]>([
    ['bad-request', 'Failure info: transaction not permitted or supported', 'version 2'],
    ['bad-alg', 'Failure info: unrecognized or unsupported algorithm identifier', 'SHA-1'],
    ['bad-data-format', 'Failure info: the data submitted has the wrong format', '31 bytes'],
    [
      'unaccepted-extension',
      'Failure info: the requested extension is not supported by the TSA',
      'extension',
    ],
  ])('rejectionResponse_%s_readsInOpensslAsRejectedWithItsFailureInfo', async (code, failure) => {
    const der = {
      'bad-request': () => request({ version: 2 }),
      'bad-alg': () => request({ hashOid: '1.3.14.3.2.26', imprint: new Uint8Array(20) }),
      'bad-data-format': () => request({ imprint: new Uint8Array(31) }),
      'unaccepted-extension': () => request({ extension: true }),
    }[code]!();
    const error = refusal(der);
    expect(error.code).toBe(code);
    const reply = rejectionResponse(error);
    const text = replyText(reply);
    expect(text).toContain('Status: Rejected.');
    expect(text).toContain(`Status description: ${error.message}`);
    expect(text).toContain(failure);
    expect(text).toContain('TST info:\nNot included.');
    // And a verifier handed the rejection says so.
    expect(
      await verifyTimeStampToken(reply, {
        data: HELLO,
        trustedCertificatesPem: corpus('sigstage/ts_chain.pem').toString(),
      }),
    ).toMatchObject({ ok: false, code: 'not-granted' });
  });

  it('rejectionResponse_systemFailure_forAnIssuingFault', () => {
    const reply = rejectionResponse(new TsaError('bad-identity', 'TSA identity: no key'));
    const text = replyText(reply);
    expect(text).toContain('Status: Rejected.');
    expect(text).toContain('Failure info: the request cannot be handled due to system failure');
  });
});
