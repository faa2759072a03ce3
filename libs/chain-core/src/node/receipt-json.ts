/**
 * Stored receipts' JSON written as bytes straight from their CBOR. The node answers every
 * committed submission (`wait=commit`) and streams every block's events with the receipts' JSON;
 * decoding each receipt into values, converting them (`toJson`), encoding each event's data again
 * for its `dataCbor` and stringifying the lot was about a sixth of the busy time of the validator
 * serving a service. (Building the JSON as a JavaScript string from small pieces was no better:
 * flattening the string cost as much as the decoding it saved.) What is written here parses to
 * what {@link receiptJson} gives for the decoded receipt (the tests check both on random
 * receipts); the keys of the data's maps come in the encoding's order.
 *
 * For receipts this node stored: they were encoded by the Receipt schema (or checked by its
 * decoder), so the bytes are the profile's deterministic CBOR. Anything else found (a tag, a
 * float, a record of another size, a truncation) throws instead of being written.
 */
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A receipt is encoded as the array of its schema's fields (types/receipt.ts): txId, status,
 * error (null or [code, message]), events ([contract, type, data] each), steps.
 */
const RECEIPT_FIELDS = 5;
const ERROR_FIELDS = 2;
const EVENT_FIELDS = 3;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX_DIGITS = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));

/** JSON as UTF-8 bytes in a growing buffer, kept for the next message after `reset`. */
export class JsonBytes {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private length = 0;

  reset(): this {
    this.length = 0;
    return this;
  }

  /** ASCII text as it is (the caller's own JSON punctuation, names and numbers). */
  ascii(text: string): this {
    this.room(text.length);
    // A loop, not latin1Write: the pieces are short, and a call into the binding cost more.
    const buf = this.buf;
    let at = this.length;
    for (let i = 0; i < text.length; i++) buf[at++] = text.charCodeAt(i);
    this.length = at;
    return this;
  }

  /** One ASCII character by its code. */
  byte(code: number): this {
    this.room(1);
    this.buf[this.length++] = code;
    return this;
  }

  /** Bytes as a JSON string of lower-case hex. */
  hex(source: Uint8Array, from: number, to: number): this {
    this.room(2 * (to - from) + 2);
    const buf = this.buf;
    let at = this.length;
    buf[at++] = QUOTE;
    for (let i = from; i < to; i++) {
      const byte = source[i]!;
      buf[at++] = HEX_DIGITS[byte >> 4]!;
      buf[at++] = HEX_DIGITS[byte & 15]!;
    }
    buf[at++] = QUOTE;
    this.length = at;
    return this;
  }

  /**
   * UTF-8 text (valid, as the profile's decoder accepted it) as a JSON string: `"` and `\`
   * escaped, control characters as \u00XX, everything else copied.
   */
  text(source: Uint8Array, from: number, to: number): this {
    this.room(6 * (to - from) + 2);
    const buf = this.buf;
    let at = this.length;
    buf[at++] = QUOTE;
    for (let i = from; i < to; i++) {
      const byte = source[i]!;
      if (byte >= 0x20 && byte !== QUOTE && byte !== BACKSLASH) {
        buf[at++] = byte;
      } else if (byte === QUOTE || byte === BACKSLASH) {
        buf[at++] = BACKSLASH;
        buf[at++] = byte;
      } else {
        const escape = controlEscape(byte);
        for (let j = 0; j < escape.length; j++) buf[at++] = escape.charCodeAt(j);
      }
    }
    buf[at++] = QUOTE;
    this.length = at;
    return this;
  }

  /** The bytes written, as a Buffer of their own. */
  bytes(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }

  private room(more: number): void {
    if (this.length + more <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.length + more));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }
}

/** JSON.stringify's escapes for the control characters. */
function controlEscape(byte: number): string {
  switch (byte) {
    case 0x08:
      return '\\b';
    case 0x09:
      return '\\t';
    case 0x0a:
      return '\\n';
    case 0x0c:
      return '\\f';
    case 0x0d:
      return '\\r';
    default:
      return `\\u00${byte.toString(16).padStart(2, '0')}`;
  }
}

/**
 * A stored receipt as JSON: `{txId, status, error, events, steps}` with each event's
 * `dataCbor` (hex) after its data, as {@link receiptJson} writes a decoded one.
 */
export function writeReceiptJson(out: JsonBytes, receipt: Uint8Array): void {
  const r = new Cursor(receipt, out);
  r.fields(RECEIPT_FIELDS);
  out.ascii('{"txId":');
  r.hexString();
  out.ascii(',"status":');
  r.json();
  out.ascii(',"error":');
  if (r.nullNext()) out.ascii('null');
  else {
    r.fields(ERROR_FIELDS);
    out.ascii('{"code":');
    r.json();
    out.ascii(',"message":');
    r.json();
    out.ascii('}');
  }
  out.ascii(',"events":[');
  const count = r.head(4);
  for (let i = 0; i < count; i++) {
    if (i > 0) out.ascii(',');
    out.ascii('{');
    r.event();
  }
  out.ascii('],"steps":');
  r.json();
  out.ascii('}');
  r.done();
}

/**
 * The events of a stored receipt that `wanted` accepts, for the event stream: each written as
 * `{txId, txIndex, eventIndex, contract, type, data, dataCbor}`, preceded by a comma unless it
 * is the first of the message (`first`). Returns whether one was written.
 */
export function writeStreamEvents(
  out: JsonBytes,
  receipt: Uint8Array,
  txIndex: number,
  wanted: (contract: string, type: string) => boolean,
  first: boolean,
): boolean {
  const r = new Cursor(receipt, out);
  r.fields(RECEIPT_FIELDS);
  const txId = r.span(2);
  r.skipItem(); // status
  r.skipItem(); // error
  const count = r.head(4);
  let wrote = false;
  for (let i = 0; i < count; i++) {
    const at = r.position;
    r.fields(EVENT_FIELDS);
    const contract = r.textValue();
    const type = r.textValue();
    r.seek(at);
    if (!wanted(contract, type)) {
      r.skipItem();
      continue;
    }
    out.ascii(first && !wrote ? '{"txId":' : ',{"txId":');
    out.hex(receipt, txId.from, txId.to);
    out.ascii(`,"txIndex":${txIndex},"eventIndex":${i},`);
    r.event();
    wrote = true;
  }
  r.skipItem(); // steps
  r.done();
  return wrote;
}

class Cursor {
  private pos = 0;
  /** The last head read: its major type, additional info and argument. */
  private major = 0;
  private info = 0;
  private argument = 0;
  private wide = 0n;

  constructor(
    private readonly input: Uint8Array,
    private readonly out: JsonBytes,
  ) {}

  get position(): number {
    return this.pos;
  }

  seek(position: number): void {
    this.pos = position;
  }

  done(): void {
    if (this.pos !== this.input.length) this.fail('trailing bytes');
  }

  /** The head at the cursor, which must be of `major`; returns its argument. */
  head(major: number): number {
    this.readHead();
    if (this.major !== major) this.fail(`major type ${this.major} where ${major} belongs`);
    return this.length();
  }

  /** An array of `count` fields (a record). */
  fields(count: number): void {
    const found = this.head(4);
    if (found !== count) this.fail(`a record of ${found} fields where ${count} belong`);
  }

  /** Reads past a null at the cursor, or reads nothing if something else is there. */
  nullNext(): boolean {
    if (this.input[this.pos] !== 0xf6) return false;
    this.pos += 1;
    return true;
  }

  /** Where the content of the string (of `major` 2 or 3) at the cursor lies; moves past it. */
  span(major: number): { from: number; to: number } {
    const length = this.head(major);
    const from = this.pos;
    return { from, to: this.skip(length) };
  }

  /** A text string's value (contract and type names: short ASCII, built in place). */
  textValue(): string {
    const { from, to } = this.span(3);
    const input = this.input;
    let text = '';
    for (let i = from; i < to; i++) {
      const byte = input[i]!;
      if (byte > 0x7f) {
        return Buffer.from(input.buffer, input.byteOffset + from, to - from).toString('utf8');
      }
      text += String.fromCharCode(byte);
    }
    return text;
  }

  /** A byte string as JSON hex. */
  hexString(): void {
    const { from, to } = this.span(2);
    this.out.hex(this.input, from, to);
  }

  /**
   * The event record at the cursor as `"contract":…,"type":…,"data":…,"dataCbor":…}` (the
   * caller wrote the opening brace and any fields before these).
   */
  event(): void {
    const out = this.out;
    this.fields(EVENT_FIELDS);
    out.ascii('"contract":');
    this.json();
    out.ascii(',"type":');
    this.json();
    out.ascii(',"data":');
    const from = this.pos;
    this.json();
    out.ascii(',"dataCbor":');
    out.hex(this.input, from, this.pos);
    out.ascii('}');
  }

  /** The item at the cursor, written as JSON. */
  json(): void {
    const out = this.out;
    const start = this.pos;
    this.readHead();
    switch (this.major) {
      case 0:
        out.ascii(this.info < 27 ? `"${this.argument}"` : `"${this.wide}"`);
        return;
      case 1:
        out.ascii(this.info < 27 ? `"${-1 - this.argument}"` : `"${-1n - this.wide}"`);
        return;
      case 2: {
        const from = this.pos;
        out.hex(this.input, from, this.skip(this.length()));
        return;
      }
      case 3: {
        const from = this.pos;
        out.text(this.input, from, this.skip(this.length()));
        return;
      }
      case 4: {
        const count = this.length();
        out.byte(0x5b); // [
        for (let i = 0; i < count; i++) {
          if (i > 0) out.byte(0x2c); // ,
          this.json();
        }
        out.byte(0x5d); // ]
        return;
      }
      case 5: {
        const count = this.length();
        out.byte(0x7b); // {
        for (let i = 0; i < count; i++) {
          if (i > 0) out.byte(0x2c); // ,
          const length = this.head(3);
          const from = this.pos;
          out.text(this.input, from, this.skip(length)).byte(0x3a); // :
          this.json();
        }
        out.byte(0x7d); // }
        return;
      }
      case 7:
        if (this.info === 20) return void out.ascii('false');
        if (this.info === 21) return void out.ascii('true');
        if (this.info === 22) return void out.ascii('null');
        break;
    }
    this.fail(`an item outside the profile at byte ${start}`);
  }

  /** Moves past the item at the cursor, writing nothing. */
  skipItem(): void {
    const start = this.pos;
    this.readHead();
    switch (this.major) {
      case 0:
      case 1:
        return;
      case 2:
      case 3:
        this.skip(this.length());
        return;
      case 4: {
        const count = this.length();
        for (let i = 0; i < count; i++) this.skipItem();
        return;
      }
      case 5: {
        const count = this.length();
        for (let i = 0; i < 2 * count; i++) this.skipItem();
        return;
      }
      case 7:
        if (this.info >= 20 && this.info <= 22) return;
        break;
    }
    this.fail(`an item outside the profile at byte ${start}`);
  }

  /** The last head's argument as a length (or count). */
  private length(): number {
    if (this.info === 27 && this.wide > MAX_SAFE) this.fail('a length beyond 2^53');
    return this.argument;
  }

  /** Reads the head at the cursor into major, info and argument (and wide, for 8 bytes). */
  private readHead(): void {
    const b = this.input;
    const at = this.pos;
    if (at >= b.length) this.fail('truncated');
    const initial = b[at]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    this.major = major;
    this.info = info;
    this.pos = at + 1;
    if (info < 24 || major === 7) {
      this.argument = info;
      return;
    }
    if (info > 27) this.fail('an indefinite length or reserved additional info');
    const size = 1 << (info - 24);
    if (at + 1 + size > b.length) this.fail('truncated');
    this.pos = at + 1 + size;
    let value = 0;
    for (let i = 1; i <= Math.min(size, 4); i++) value = value * 256 + b[at + i]!;
    if (size < 8) {
      this.argument = value;
      return;
    }
    let low = 0;
    for (let i = 5; i <= 8; i++) low = low * 256 + b[at + i]!;
    this.wide = (BigInt(value) << 32n) | BigInt(low);
    this.argument = this.wide <= MAX_SAFE ? Number(this.wide) : Number.MAX_SAFE_INTEGER;
  }

  /** Moves past `length` bytes; returns the new position. */
  private skip(length: number): number {
    const end = this.pos + length;
    if (end > this.input.length) this.fail('truncated');
    this.pos = end;
    return end;
  }

  private fail(what: string): never {
    throw new Error(`not a stored receipt's encoding: ${what}`);
  }
}
