// trellis-verify on real bundles (chain-core's vectors): exit status and output for verified,
// rejected and unusable inputs, in-process through runVerifyCli and once through the bin.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  EXIT_REJECTED,
  EXIT_USAGE,
  EXIT_VERIFIED,
  type VerifyCliIo,
  type VerifyResult,
  nodeIo,
  runVerifyCli,
} from '../src';
import { bundle, bytesOf, loadVectors, tampered } from './vectors';

const vectors = loadVectors('ed25519');
const dir = mkdtempSync(join(tmpdir(), 'trellis-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, content: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const genesis = file('genesis.json', `${JSON.stringify(vectors.genesis, null, 2)}\n`);
const txBundle = bundle(vectors, 'transaction with its receipt');
const stateBundle = bundle(vectors, 'state value');

/** Runs the CLI in-process, capturing what it prints. */
async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const io: VerifyCliIo = {
    readFile: nodeIo.readFile,
    out: (t) => (out += t),
    err: (t) => (err += t),
  };
  const code = await runVerifyCli(argv, io);
  return { code, out, err };
}

describe('trellis-verify', () => {
  it('aValidTransactionBundle_isVerified_inPlainLanguage', async () => {
    const r = await run('--genesis', genesis, file('tx.cbor', txBundle));
    expect(r).toMatchObject({ code: EXIT_VERIFIED, err: '' });
    const txId = vectors.accept[0]!.verdict['txId'] as string;
    expect(r.out).toMatch(
      /^VERIFIED: transaction proof of chain trellis-proof-fixture \(ed25519\)/,
    );
    expect(r.out).toContain(`Transaction ${txId}`);
    expect(r.out).toContain('is #1 in committed block 2');
    expect(r.out).toContain(
      'Certified by 3 of the 4 validators of epoch 1 (quorum 3; 1 validator-set change',
    );
    expect(r.out).toContain('Receipt: ok, 42 steps, 1 event; committed in block 3');
    expect(r.out).toContain('event notes note.set {"key":"greeting","text":"hello","length":"5"}');
  });

  it('theNodeApiJson_isAcceptedAsAProofFile', async () => {
    const json = JSON.stringify({
      kind: 'state',
      bundle: Buffer.from(stateBundle).toString('hex'),
    });
    const r = await run('--genesis', genesis, file('state.json', `\n  ${json}`));
    expect(r.code).toBe(EXIT_VERIFIED);
    expect(r.out).toContain(
      'In contract notes, key "greeting" = "hello" (5 bytes, hex 68656c6c6f)',
    );
    expect(r.out).toContain('in the state after committed block 3');
  });

  it('json_givesTheVerdictForMachines', async () => {
    const r = await run('--json', '--genesis', genesis, file('tx.cbor', txBundle));
    expect(r.code).toBe(EXIT_VERIFIED);
    const result = JSON.parse(r.out) as VerifyResult;
    expect(result).toEqual({ verified: true, verdict: vectors.accept[0]!.verdict });
  });

  it('aTamperedBundle_isRejected_withTheRule', async () => {
    // The byte before the last (`state`: null) ends the receipt chain's last QC signature.
    const r = await run(
      '--genesis',
      genesis,
      file('bad.cbor', tampered(txBundle, txBundle.length - 2)),
    );
    expect(r.code).toBe(EXIT_REJECTED);
    expect(r.out).toBe(
      'REJECTED (bad-signature): transaction.receipt.chain.qc.signatures[2]: the signature of validator 2 of epoch 1 does not verify\n',
    );
    const json = await run(
      '--json',
      '--genesis',
      genesis,
      file('bad.cbor', tampered(txBundle, 40)),
    );
    expect(json.code).toBe(EXIT_REJECTED);
    expect(JSON.parse(json.out)).toMatchObject({
      verified: false,
      code: expect.any(String),
      reason: expect.any(String),
    });
  });

  it.each(vectors.reject.map((v) => [v.name, v] as const))(
    'rejects (exit 1): %s',
    async (_name, v) => {
      const r = await run('--json', '--genesis', genesis, file('reject.cbor', bytesOf(v.bundle)));
      expect(r.code).toBe(EXIT_REJECTED);
      expect(JSON.parse(r.out)).toMatchObject({ verified: false, code: v.code, path: v.path });
    },
  );

  it('aBundleOfAnotherChainsGenesis_isRejected', async () => {
    const other = file(
      'other.json',
      JSON.stringify({ ...(vectors.genesis as object), chainId: 'another-chain' }),
    );
    const r = await run('--genesis', other, file('tx.cbor', txBundle));
    expect(r.code).toBe(EXIT_REJECTED);
    expect(r.out).toMatch(/^REJECTED \(wrong-chain\): chainId: is trellis-proof-fixture/);
  });

  it('aJsonProofFileWithoutABundle_isRejectedAsMalformed', async () => {
    const r = await run('--genesis', genesis, file('nobundle.json', '{"kind":"state"}'));
    expect(r).toMatchObject({
      code: EXIT_REJECTED,
      out: 'REJECTED (malformed): bundle: must be the bundle as a hex string\n',
    });
  });

  it.each<[string, string[], RegExp]>([
    ['no arguments', [], /--genesis <genesis.json> is required/],
    ['no proof file', ['--genesis', 'g.json'], /expected one proof file, got 0/],
    ['two proof files', ['--genesis', 'g.json', 'a', 'b'], /expected one proof file, got 2/],
    ['an unknown option', ['--genesis', 'g.json', '--fast', 'a'], /Unknown option '--fast'/],
    [
      'a missing genesis file',
      ['--genesis', join(dir, 'none.json'), join(dir, 'x')],
      /cannot read the genesis file .*none.json \(ENOENT\)/,
    ],
  ])('usage error (exit 2): %s', async (_what, argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
  });

  it('aMissingProofFile_orAnUnusableGenesis_isAUsageError', async () => {
    const missing = await run('--genesis', genesis, join(dir, 'none.cbor'));
    expect(missing).toMatchObject({ code: EXIT_USAGE });
    expect(missing.err).toMatch(/cannot read the proof file .*none.cbor \(ENOENT\)/);
    const bad = file(
      'bad-genesis.json',
      JSON.stringify({ ...(vectors.genesis as object), suite: 'rsa' }),
    );
    const unusable = await run('--genesis', bad, file('tx.cbor', txBundle));
    expect(unusable.code).toBe(EXIT_USAGE);
    expect(unusable.err).toContain(
      'is not usable: suite: must be one of ed25519, p256, sm2, got "rsa"',
    );
  });

  it('help_printsTheUsage', async () => {
    const r = await run('--help');
    expect(r).toMatchObject({ code: EXIT_VERIFIED, err: '' });
    expect(r.out).toMatch(
      /^Usage: trellis-verify --genesis <genesis.json> \[--json\] <proof file>/,
    );
  });

  it('theBin_runsTheCli', async () => {
    const bin = join(__dirname, '..', 'bin', 'trellis-verify.js');
    const ok = await promisify(execFile)(process.execPath, [
      bin,
      '--genesis',
      genesis,
      file('tx.cbor', txBundle),
    ]);
    expect(ok.stdout).toMatch(/^VERIFIED: transaction proof/);
    const refused = await promisify(execFile)(process.execPath, [
      bin,
      '--genesis',
      genesis,
      file('bad.cbor', tampered(txBundle, 100)),
    ]).then(
      () => ({ code: 0 }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(refused).toMatchObject({
      code: EXIT_REJECTED,
      stdout: expect.stringMatching(/^REJECTED \(/),
    });
  }, 30_000);
});
