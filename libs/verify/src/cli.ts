/**
 * `trellis-verify --genesis <genesis.json> [--json] <proof file>`: checks a proof bundle
 * against the chain's genesis file, offline, and says what it proves.
 *
 * Exit status: 0 verified, 1 rejected (the rule's code and reason), 2 usage or I/O error
 * (including a genesis file the verifier cannot use: nothing was verified).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { LightClient, ProofError, type ProofVerdict } from '@trellis/chain-core/proofs';
import { describeRefusal, describeVerdict } from './describe';
import { bundleOfProofFile } from './proof-file';
import { type VerifyResult, acceptedResult, refusalResult } from './result';

export const EXIT_VERIFIED = 0;
export const EXIT_REJECTED = 1;
export const EXIT_USAGE = 2;

export const USAGE = `Usage: trellis-verify --genesis <genesis.json> [--json] <proof file>

Checks a Trellis proof bundle against the chain's genesis file, offline: follows the
validator-set changes from genesis and checks every quorum certificate and Merkle proof.

  <proof file>          the bundle: raw CBOR, or the node API's JSON ({ "bundle": "<hex>", ... })
  --genesis <file>      the chain's genesis.json (trellis-genesis/v1): the only thing trusted
  --json                print the result as JSON
  -h, --help            print this help

Exit status: 0 verified, 1 rejected, 2 usage or I/O error.
`;

/** What the CLI reads and writes (injected, so that tests run it in-process). */
export interface VerifyCliIo {
  readFile(path: string): Promise<Uint8Array>;
  out(text: string): void;
  err(text: string): void;
}

export const nodeIo: VerifyCliIo = {
  readFile: async (path) => new Uint8Array(await readFile(path)),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

interface Options {
  readonly genesis: string;
  readonly proof: string;
  readonly json: boolean;
}

/** The options, or the usage message to fail with. */
function parseOptions(argv: readonly string[]): Options | { help: true } | { problem: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        genesis: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (values.genesis === undefined) return { problem: '--genesis <genesis.json> is required' };
  if (positionals.length !== 1) {
    return { problem: `expected one proof file, got ${positionals.length}` };
  }
  return { genesis: values.genesis, proof: positionals[0]!, json: values.json };
}

async function read(io: VerifyCliIo, what: string, path: string): Promise<Uint8Array | string> {
  try {
    return await io.readFile(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return `cannot read the ${what} ${path}${typeof code === 'string' ? ` (${code})` : ''}`;
  }
}

/** Runs the CLI on `argv` (without node and the script); resolves to the exit status. */
export async function runVerifyCli(
  argv: readonly string[],
  io: VerifyCliIo = nodeIo,
): Promise<number> {
  const options = parseOptions(argv);
  if ('help' in options) {
    io.out(USAGE);
    return EXIT_VERIFIED;
  }
  if ('problem' in options) {
    io.err(`trellis-verify: ${options.problem}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const genesisFile = await read(io, 'genesis file', options.genesis);
  const proofFile = await read(io, 'proof file', options.proof);
  for (const problem of [genesisFile, proofFile]) {
    if (typeof problem === 'string') {
      io.err(`trellis-verify: ${problem}\n`);
      return EXIT_USAGE;
    }
  }
  let client: LightClient;
  try {
    client = LightClient.fromGenesis(new TextDecoder().decode(genesisFile as Uint8Array));
  } catch (error) {
    if (!(error instanceof ProofError)) throw error;
    io.err(`trellis-verify: the genesis file ${options.genesis} is not usable: ${error.message}\n`);
    return EXIT_USAGE;
  }
  return verify(client, proofFile as Uint8Array, options, io);
}

const json = (result: VerifyResult): string => `${JSON.stringify(result, null, 2)}\n`;

function verify(client: LightClient, file: Uint8Array, options: Options, io: VerifyCliIo): number {
  let verdict: ProofVerdict;
  try {
    verdict = client.verify(bundleOfProofFile(file));
  } catch (error) {
    if (!(error instanceof ProofError)) throw error;
    io.out(options.json ? json(refusalResult(error)) : describeRefusal(error));
    return EXIT_REJECTED;
  }
  io.out(options.json ? json(acceptedResult(verdict)) : describeVerdict(verdict));
  return EXIT_VERIFIED;
}
