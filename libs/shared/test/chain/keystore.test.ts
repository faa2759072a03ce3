import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { Transaction, getSuite, toHex } from '@trellis/chain-core';
import {
  DEFAULT_SCRYPT,
  Keystore,
  KeystoreError,
  TransactionSigner,
  memberKey,
  signTransaction,
} from '@trellis/shared/chain';
import pino from 'pino';
import { seededRandom } from '@trellis/shared/testing';
import { type TestMember, testMember } from './identity';

/** Fast scrypt for the tests (the default costs ~0.3 s per record). */
const FAST = { kdf: { n: 2 ** 14 } };
const PASSPHRASE = 'correct horse battery staple';

let dir: string;
let ed: TestMember;
let p256: TestMember;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trellis-keystore-'));
  ed = await testMember('acme-bank', 'ed25519');
  p256 = await testMember('tax-bureau', 'p256');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let counter = 0;
const freshPath = () => join(dir, `keys-${++counter}.json`);

const request = {
  chainId: 'trellis-test',
  contract: 'invoice',
  method: 'issue',
  args: { amount: 1250n, currency: 'CNY' },
  expiryHeight: 1000n,
  nonce: 42n,
};

async function keystoreWithTwoEntries(): Promise<{ path: string; bytes: Buffer }> {
  const path = freshPath();
  const keystore = await Keystore.create(path, PASSPHRASE, FAST);
  await keystore.add('invoice', { ...ed, secretKey: ed.secretKey });
  await keystore.add('tax', { ...p256, secretKey: p256.secretKeyPem });
  return { path, bytes: await readFile(path) };
}

/** The parts of the file format the tamper test edits. */
interface KeystoreJson {
  entries: { name: string; ciphertext: string; r: number }[];
  checksum?: string;
}

async function rejection(promise: Promise<unknown>): Promise<KeystoreError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KeystoreError) return error;
    throw error;
  }
  throw new Error('expected a KeystoreError, got success');
}

describe('Keystore', () => {
  it('roundTrip_addThenOpen_signsExactlyAsTheVerifiedMemberKey', async () => {
    const { path } = await keystoreWithTwoEntries();
    const reopened = await Keystore.open(path, PASSPHRASE);
    expect(reopened.names()).toEqual(['invoice', 'tax']);
    expect(reopened.info('tax')).toEqual({
      name: 'tax',
      org: 'tax-bureau',
      suite: 'p256',
      certificatePem: p256.certificatePem,
    });

    for (const [name, member] of [
      ['invoice', ed],
      ['tax', p256],
    ] as const) {
      const suite = getSuite(member.suite);
      const verified = await memberKey(member.certificatePem, member.secretKey, [
        member.organisation,
      ]);
      const expected = signTransaction(suite, verified, request);
      const signed = reopened.signer(name).sign(request);
      // Signatures are deterministic: the same key and body give the same bytes.
      expect(toHex(signed.bytes)).toBe(toHex(expected.bytes));
      expect(toHex(reopened.signer(name).certificate)).toBe(toHex(verified.certificate));
      const decoded = Transaction.decode(signed.bytes);
      expect(decoded.body.signer.org).toBe(member.org);
      const publicKey = suite.publicKeyFromSecretKey(member.secretKey);
      expect(suite.verify(publicKey, signed.id, decoded.signature)).toBe(true);
    }
  });

  it('file_isOwnerOnly_versioned_andLeavesNoTemporaryFiles', async () => {
    const { path, bytes } = await keystoreWithTwoEntries();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const json = JSON.parse(bytes.toString('utf8'));
    expect(json).toMatchObject({
      format: 'trellis-keystore',
      version: 1,
      kdf: { name: 'scrypt', n: 2 ** 14, r: 8, p: 1 },
    });
    expect(json.entries.map((e: { name: string }) => e.name)).toEqual(['invoice', 'tax']);
    // Per-entry salts and IVs.
    const salts = [json.check.salt, ...json.entries.map((e: { salt: string }) => e.salt)];
    expect(new Set(salts).size).toBe(3);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('defaultKdf_isScryptN2pow17', async () => {
    const path = freshPath();
    const started = performance.now();
    await Keystore.create(path, PASSPHRASE);
    await Keystore.open(path, PASSPHRASE);
    const ms = performance.now() - started;
    expect(JSON.parse(await readFile(path, 'utf8')).kdf).toEqual({
      name: 'scrypt',
      ...DEFAULT_SCRYPT,
    });
    process.stdout.write(`default scrypt (n=2^17, r=8): create+open ${ms.toFixed(0)} ms\n`);
  }, 30_000); // two full-cost derivations: ~1 s alone, several under a loaded CI

  it('wrongPassphrase_isTyped_andChangesNothing', async () => {
    const { path, bytes } = await keystoreWithTwoEntries();
    const before = await stat(path);
    const error = await rejection(Keystore.open(path, 'not the passphrase at all'));
    expect(error.code).toBe('wrong-passphrase');
    expect(error.message).not.toContain('not the passphrase');
    expect(await readFile(path)).toEqual(bytes);
    expect((await stat(path)).mtimeMs).toBe(before.mtimeMs);
  });

  it('everyFlippedByte_isRefusedAsCorrupt_beforeAnyDecryption', async () => {
    const { path, bytes } = await keystoreWithTwoEntries();
    const target = join(dir, 'flipped.json');
    const codes = new Map<string, number>();
    // Bit 0 of every byte, and 500 other flips (seeded: the same on every run).
    const flips: [number, number][] = [...bytes.keys()].map((position) => [position, 0x01]);
    const random = seededRandom(0x2f6b_1d3);
    for (let i = 0; i < 500; i++) {
      flips.push([Math.floor(random() * bytes.length), 1 + Math.floor(random() * 255)]);
    }
    for (const [position, mask] of flips) {
      const copy = Buffer.from(bytes);
      copy[position] = copy[position]! ^ mask;
      await writeFile(target, copy);
      const error = await rejection(Keystore.open(target, PASSPHRASE));
      codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
    }
    // Every variant is refused; only a changed version digit gives another code.
    expect([...codes.keys()].filter((c) => c !== 'unsupported-version')).toEqual(['corrupt']);
    expect(codes.get('unsupported-version') ?? 0).toBeLessThanOrEqual(5);
    expect(await Keystore.open(path, PASSPHRASE)).toBeInstanceOf(Keystore);
    process.stdout.write(`flipped ${flips.length} variants: ${JSON.stringify([...codes])}\n`);
  }, 120_000);

  it('sameDocumentInAnotherLayoutOrHexCase_isRefusedAsCorrupt', async () => {
    const { bytes } = await keystoreWithTwoEntries();
    const text = bytes.toString('utf8');
    const target = join(dir, 'relaid.json');
    const hex = /"([0-9a-f]{64})"/.exec(text)![1]!;
    for (const variant of [
      text.replace('\n  ', '\n\t'), // whitespace: JSON.parse reads the same document
      `${text}\n`,
      text.replace(hex, hex.toUpperCase()), // the same bytes in upper-case hex
    ]) {
      expect(variant).not.toBe(text);
      await writeFile(target, variant);
      expect((await rejection(Keystore.open(target, PASSPHRASE))).code).toBe('corrupt');
    }
  });

  it('tamperedEntry_withRecomputedChecksum_failsAuthentication', async () => {
    const { bytes } = await keystoreWithTwoEntries();
    const target = join(dir, 'tampered.json');
    const rewrite = async (change: (doc: KeystoreJson) => void) => {
      const doc = JSON.parse(bytes.toString('utf8')) as KeystoreJson;
      change(doc);
      const { checksum: _old, ...rest } = doc;
      doc.checksum = createHash('sha256').update(JSON.stringify(rest)).digest('hex');
      // Written as the keystore writes (an attacker would): only authentication can tell.
      await writeFile(target, `${JSON.stringify(doc, null, 2)}\n`);
    };

    // One bit of one ciphertext.
    await rewrite((doc) => {
      const c = doc.entries[1]!.ciphertext;
      doc.entries[1]!.ciphertext = `${c.slice(0, 10)}${(parseInt(c[10]!, 16) ^ 1).toString(16)}${c.slice(11)}`;
    });
    let error = await rejection(Keystore.open(target, PASSPHRASE));
    expect([error.code, error.meta]).toEqual(['tampered', { path: target, entry: 'tax' }]);

    // Two entries' sealed contents swapped under their names: the AAD binds each to its name.
    await rewrite((doc) => {
      const [a, b] = doc.entries as [KeystoreJson['entries'][0], KeystoreJson['entries'][0]];
      doc.entries = [
        { ...b, name: a.name },
        { ...a, name: b.name },
      ];
    });
    error = await rejection(Keystore.open(target, PASSPHRASE));
    expect(error.code).toBe('tampered');

    // Cheaper scrypt parameters written in: the AAD binds them too.
    await rewrite((doc) => {
      doc.entries[0]!.r = 4;
    });
    error = await rejection(Keystore.open(target, PASSPHRASE));
    expect(error.code).toBe('tampered');
  });

  it('add_refusesMismatchedKeysAndDuplicates_leavingFileAndKeystoreUnchanged', async () => {
    const { path, bytes } = await keystoreWithTwoEntries();
    const keystore = await Keystore.open(path, PASSPHRASE);
    const other = getSuite('ed25519').generateKeyPair();
    const cases: [string, Parameters<Keystore['add']>[1], string][] = [
      ['another-key', { ...ed, secretKey: other.secretKey }, 'key-mismatch'],
      ['wrong-org', { ...ed, org: 'tax-bureau' }, 'key-mismatch'],
      ['wrong-suite', { ...ed, suite: 'p256' }, 'key-mismatch'],
      ['short-key', { ...ed, secretKey: ed.secretKey.subarray(0, 31) }, 'invalid-argument'],
      ['not-pem', { ...ed, certificatePem: 'hello' }, 'invalid-argument'],
      ['invoice', { ...ed }, 'duplicate-entry'],
      ['Bad Name', { ...ed }, 'invalid-argument'],
    ];
    for (const [name, entry, code] of cases) {
      const error = await rejection(keystore.add(name, entry));
      expect([name, error.code]).toEqual([name, code]);
    }
    expect(keystore.names()).toEqual(['invoice', 'tax']);
    expect(await readFile(path)).toEqual(bytes);
    expect(() => keystore.signer('missing')).toThrow(
      expect.objectContaining({ code: 'unknown-entry' }),
    );
  });

  it('create_neverReplacesAFile', async () => {
    const { path, bytes } = await keystoreWithTwoEntries();
    const error = await rejection(Keystore.create(path, PASSPHRASE, FAST));
    expect(error.code).toBe('exists');
    expect(await readFile(path)).toEqual(bytes);
    await expect(Keystore.create(freshPath(), 'short', FAST)).rejects.toMatchObject({
      code: 'invalid-argument',
      meta: { field: 'passphrase' },
    });
  });

  it('secrets_neverAppearIn_inspectJsonLogsErrorsOrTheFile', async () => {
    const { path, bytes } = await keystoreWithTwoEntries();
    const keystore = await Keystore.open(path, PASSPHRASE);
    const signer = keystore.signer('invoice');
    const secrets = [ed.secretKey, p256.secretKey].flatMap((key) => [
      toHex(key),
      Buffer.from(key).toString('base64'),
      Buffer.from(key).toString('base64url'),
    ]);
    secrets.push(
      PASSPHRASE,
      // The PKCS#8 bodies (minus the fixed algorithm prefix) of both keys.
      ...[ed.secretKeyPem, p256.secretKeyPem].map((pem) =>
        pem.replace(/-----[^-]+-----|\s/g, '').slice(-40),
      ),
    );

    const lines: string[] = [];
    const logger = pino(
      { level: 'trace' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    logger.info({ keystore, signer }, 'keys loaded');
    logger.info({ signers: keystore.names().map((n) => keystore.signer(n)) }, 'signers');

    const errors: string[] = [];
    for (const attempt of [
      () => Keystore.open(path, 'wrong passphrase!'),
      () => keystore.add('x', { ...ed, secretKey: toHex(ed.secretKey) }),
      () => keystore.add('y', { ...ed, secretKey: ed.secretKeyPem.replace('A', '*') }),
      () => keystore.add('z', { ...p256, secretKey: ed.secretKey }),
    ]) {
      const error = await rejection(attempt());
      errors.push(error.message, inspect(error), JSON.stringify(error));
    }

    const surfaces: Record<string, string> = {
      inspectKeystore: inspect(keystore, { showHidden: true, depth: 20, getters: true }),
      inspectSigner: inspect(signer, { showHidden: true, depth: 20, getters: true }),
      json: JSON.stringify({ keystore, signer }),
      keys: JSON.stringify(Object.entries(signer)),
      logs: lines.join(''),
      errors: errors.join('\n'),
      file: bytes.toString('utf8'),
    };
    for (const [surface, text] of Object.entries(surfaces)) {
      for (const secret of secrets) {
        expect([surface, text.includes(secret)]).toEqual([surface, false]);
      }
    }
    // The surfaces do carry the public facts.
    expect(surfaces['inspectSigner']).toContain('acme-bank');
    expect(surfaces['logs']).toContain(toHex(signer.certificate));
    expect(JSON.parse(JSON.stringify(signer))).toEqual({
      name: 'invoice',
      org: 'acme-bank',
      suite: 'ed25519',
      certificate: toHex(signer.certificate),
    });
  });

  it('signerCreate_standsAlone_withoutAKeystoreFile', () => {
    const signer = TransactionSigner.create('standalone', { ...ed });
    const decoded = Transaction.decode(signer.sign(request).bytes);
    expect(decoded.body.nonce).toBe(42n);
    // Without a nonce each signing draws a fresh one: a new transaction, never a retry.
    const { nonce: _nonce, ...withoutNonce } = request;
    expect(toHex(signer.sign(withoutNonce).id)).not.toBe(toHex(signer.sign(withoutNonce).id));
  });
});
