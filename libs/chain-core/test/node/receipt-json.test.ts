import fc from 'fast-check';
import { encodeValue, toHex } from '../../src/codec';
import { receiptJson, toJson } from '../../src/node/http';
import { JsonBytes, writeReceiptJson, writeStreamEvents } from '../../src/node/receipt-json';
import { Receipt } from '../../src/types';
import { profileValue } from '../codec/profile-arbitraries';

const out = new JsonBytes();
const receiptJsonText = (bytes: Uint8Array) => {
  writeReceiptJson(out.reset(), bytes);
  return out.bytes().toString('utf8');
};
/** The stream's events of one receipt (at txIndex 3), filtered by `wanted`, parsed. */
const streamEvents = (
  bytes: Uint8Array,
  wanted: (contract: string, type: string) => boolean = () => true,
) => {
  out.reset().ascii('[');
  writeStreamEvents(out, bytes, 3, wanted, true);
  return JSON.parse(out.ascii(']').bytes().toString('utf8')) as Record<string, unknown>[];
};

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
const eventArb = fc.record({
  contract: name,
  type: fc.stringMatching(/^[a-z]{1,8}(?:\.[a-z]{1,8}){0,2}$/),
  data: profileValue,
});
const receiptArb: fc.Arbitrary<Receipt> = fc.oneof(
  fc.record({
    txId: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    status: fc.constant('ok' as const),
    error: fc.constant(null),
    events: fc.array(eventArb, { maxLength: 6 }),
    steps: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  }),
  fc.record({
    txId: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    status: fc.constant('failed' as const),
    error: fc.record({
      code: fc.stringMatching(/^[a-z][a-z-]{0,20}$/),
      message: fc.string({ maxLength: 60 }),
    }),
    events: fc.constant([]),
    steps: fc.bigInt({ min: 0n, max: 1n << 40n }),
  }),
);

describe('a stored receipt written as JSON from its bytes', () => {
  it('property_receiptJsonText_parsesToWhatReceiptJsonGivesForTheDecodedReceipt', () => {
    fc.assert(
      fc.property(receiptArb, (receipt) => {
        const bytes = Receipt.encode(receipt);
        const decoded = Receipt.decode(bytes);
        expect(JSON.parse(receiptJsonText(bytes))).toEqual(
          JSON.parse(JSON.stringify(receiptJson(decoded))),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('property_streamEvents_areTheReceiptsEventsAsTheStreamCarriesThem_filtered', () => {
    fc.assert(
      fc.property(receiptArb, fc.boolean(), (receipt, odd) => {
        const bytes = Receipt.encode(receipt);
        const decoded = Receipt.decode(bytes);
        const wanted = (_contract: string, type: string) => odd === (type.length % 2 === 1);
        const expected = decoded.events
          .map((e, eventIndex) => ({
            txId: toHex(receipt.txId),
            txIndex: 3,
            eventIndex,
            contract: e.contract,
            type: e.type,
            data: JSON.parse(JSON.stringify(toJson(e.data))) as unknown,
            dataCbor: toHex(encodeValue(e.data)),
          }))
          .filter((e) => wanted(e.contract, e.type));
        expect(streamEvents(bytes, wanted)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('writes text with the escapes JSON needs, and bytes as hex, exactly as JSON.stringify', () => {
    const data = {
      text: 'a"b\\c\n\t\u0000\u001f\u007f é 中文 😀 \u2028',
      bytes: new Uint8Array([0, 1, 0xab, 0xff]),
      big: (1n << 64n) - 1n,
      negative: -(1n << 64n),
      small: -24n,
    };
    const receipt: Receipt = {
      txId: new Uint8Array(32).fill(0xa5),
      status: 'ok',
      error: null,
      events: [{ contract: 'c', type: 't', data }],
      steps: 1n,
    };
    const text = receiptJsonText(Receipt.encode(receipt));
    // (the data's keys come in the encoding's order, so each member is looked for)
    expect(text).toContain(`"text":${JSON.stringify(data.text)}`);
    expect(text).toContain('"bytes":"0001abff"');
    expect(text).toContain('"dataCbor":"' + toHex(encodeValue(data)) + '"');
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(receiptJson(receipt))));
  });

  it('refuses what is not a stored receipt instead of writing it', () => {
    const bytes = Receipt.encode({
      txId: new Uint8Array(32).fill(7),
      status: 'ok',
      error: null,
      events: [{ contract: 'c', type: 't', data: { a: 1n, b: [true, null] } }],
      steps: 5n,
    });
    // Every truncation is refused.
    for (let n = 0; n < bytes.length; n++) {
      expect(() => receiptJsonText(bytes.subarray(0, n))).toThrow(/not a stored receipt/);
      expect(() => streamEvents(bytes.subarray(0, n))).toThrow(/not a stored receipt/);
    }
    // Trailing bytes.
    const longer = new Uint8Array([...bytes, 0]);
    expect(() => receiptJsonText(longer)).toThrow(/trailing bytes/);
    // A half-float where the data's integer 1 was, and a tag around it.
    const hex = toHex(bytes);
    const dataHex = toHex(encodeValue({ a: 1n, b: [true, null] }));
    expect(hex).toContain(dataHex);
    const withFloat = Buffer.from(
      hex.replace(dataHex, dataHex.replace('616101', '6161f93c00')),
      'hex',
    );
    expect(() => receiptJsonText(withFloat)).toThrow(/outside the profile/);
    const withTag = Buffer.from(hex.replace(dataHex, dataHex.replace('616101', '6161c101')), 'hex');
    expect(() => receiptJsonText(withTag)).toThrow(/outside the profile/);
  });
});
