/**
 * What a light client trusts: the chain's genesis file (`trellis-genesis/v1`), of which it
 * reads only the chain id, the signature suite and epoch 0's validators, in file order — the
 * order the node builds epoch 0's `ValidatorSet` in (libs/chain-core/src/node/genesis.ts takes
 * `membership.validators` as the daemon maps them from the file, one for one). Everything
 * else in the file (organisations, certificates, parameters) is the node's business.
 */
import { equalBytes, fromHex, toHex } from '../codec';
import { PORTABLE_SUITES, SUITE_IDS, type SuiteId } from '../crypto/portable';
import { limits } from '../types';
import { refuse } from './proof-error';

export const GENESIS_FORMAT = 'trellis-genesis/v1';

/** The part of a genesis file a light client needs, checked. */
export interface TrustedGenesis {
  readonly chainId: string;
  readonly suite: SuiteId;
  /** Epoch 0's validators' consensus keys (the suite's canonical raw form), in consensus order. */
  readonly validators: readonly Uint8Array[];
}

const HEX = /^(?:[0-9a-f]{2})+$/;

const bad = (path: string, reason: string): never => refuse('bad-genesis', path, reason);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value).slice(0, 80) : typeof value;
}

/**
 * Reads a genesis file: its JSON text, or the value `JSON.parse` made of it.
 * @throws ProofError('bad-genesis') naming the field (`validators[2].publicKey`).
 */
export function parseTrustedGenesis(input: unknown): TrustedGenesis {
  let document: unknown = input;
  if (typeof input === 'string') {
    try {
      document = JSON.parse(input) as unknown;
    } catch (error) {
      bad('', `not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    bad('', `must be a JSON object, got ${describe(document)}`);
  }
  const fields = document as Record<string, unknown>;
  if (fields['format'] !== GENESIS_FORMAT) {
    bad('format', `must be "${GENESIS_FORMAT}", got ${describe(fields['format'])}`);
  }
  const chainId = fields['chainId'];
  if (typeof chainId !== 'string' || !limits.NAME.test(chainId)) {
    bad('chainId', `must match ${limits.NAME.source}, got ${describe(chainId)}`);
  }
  const suite = fields['suite'];
  if (typeof suite !== 'string' || !(SUITE_IDS as readonly string[]).includes(suite)) {
    bad('suite', `must be one of ${SUITE_IDS.join(', ')}, got ${describe(suite)}`);
  }
  return {
    chainId: chainId as string,
    suite: suite as SuiteId,
    validators: validatorKeys(suite as SuiteId, fields['validators']),
  };
}

/** Each validator's `publicKey`: lower-case hex of the suite's canonical raw key, used once. */
function validatorKeys(suite: SuiteId, validators: unknown): Uint8Array[] {
  if (!Array.isArray(validators) || validators.length === 0) {
    bad('validators', `must be a non-empty array, got ${describe(validators)}`);
  }
  const list = validators as unknown[];
  if (list.length > limits.MAX_VALIDATORS) {
    bad('validators', `lists ${list.length} validators, at most ${limits.MAX_VALIDATORS}`);
  }
  const seen = new Map<string, number>();
  return list.map((validator, i) => {
    const path = `validators[${i}].publicKey`;
    const hex =
      typeof validator === 'object' && validator !== null
        ? (validator as Record<string, unknown>)['publicKey']
        : undefined;
    if (typeof hex !== 'string' || !HEX.test(hex)) {
      bad(path, `must be lower-case hex of a raw ${suite} key, got ${describe(hex)}`);
    }
    const key = fromHex(hex as string);
    let canonical: Uint8Array | undefined;
    try {
      canonical = PORTABLE_SUITES[suite].publicKeyFromBytes(key);
    } catch (_notAKey) {
      bad(path, `is not a valid ${suite} public key`);
    }
    if (!equalBytes(canonical!, key)) bad(path, `is not the canonical (compressed) ${suite} key`);
    const first = seen.get(toHex(key));
    if (first !== undefined) bad(path, `is the same key as validators[${first}].publicKey`);
    seen.set(toHex(key), i);
    return key;
  });
}
