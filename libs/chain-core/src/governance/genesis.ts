/**
 * The system contract's state at height 0, built from the genesis description by the same rules
 * that govern every later change (`planAction`), so that genesis can hold nothing a proposal
 * could not have made.
 */
import { type CborValue, hash32, toHex } from '../codec';
import type { RangeOptions, StateEntry } from '../contract';
import { parseAction } from './actions';
import { certificateDer, MapSchema, orgId } from './fields';
import { GovernanceError } from './governance-error';
import { CertificateSchema, keys, ParameterSchema } from './layout';
import {
  type SystemParameters,
  checkParameter,
  PARAMETER_NAMES,
  PARAMETER_RULES,
} from './parameters';
import { readCertificate } from './readers';
import { type SystemState, applyAction, requireActiveOrganisation } from './rules';

/** An organisation of the founding consortium. */
export interface GenesisOrganisation {
  readonly id: string;
  readonly name: string;
  /** Root CA certificate, DER. */
  readonly caCertificate: Uint8Array;
}

/** A member certificate registered from the start (e.g. each organisation's admin). */
export interface GenesisCertificate {
  readonly org: string;
  /** SHA-256 of its tbsCertificate (identity's `Member.tbsHash`). */
  readonly tbsHash: Uint8Array;
  readonly der: Uint8Array;
}

/** A founding validator; the list's order is the first epoch's consensus order. */
export interface GenesisValidator {
  readonly org: string;
  readonly name: string;
  readonly publicKey: Uint8Array;
  readonly address: string;
}

/** A founding observer. */
export interface GenesisObserver {
  readonly org: string;
  readonly name: string;
  readonly address: string;
}

/** What genesis says about membership; certificates and keys are already verified by the node. */
export interface GenesisMembership {
  readonly organisations: readonly GenesisOrganisation[];
  readonly certificates: readonly GenesisCertificate[];
  /** In consensus order; at least one. */
  readonly validators: readonly GenesisValidator[];
  readonly observers: readonly GenesisObserver[];
  /** Parameters other than their defaults. */
  readonly parameters?: Partial<SystemParameters>;
}

/** The genesis state of the system contract: keys relative to the contract. */
export interface GenesisEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** A sorted in-memory key space: enough state for the rules to run on while building genesis. */
class GenesisState implements SystemState {
  private readonly entries = new Map<string, StateEntry>();

  get(key: Uint8Array): Uint8Array | undefined {
    return this.entries.get(toHex(key))?.value;
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.entries.set(toHex(key), { key, value });
  }

  delete(key: Uint8Array): void {
    this.entries.delete(toHex(key));
  }

  /** Hex strings of bytes sort exactly as the bytes do (unsigned, shorter prefix first). */
  range(options: RangeOptions & { readonly limit: number }): readonly StateEntry[] {
    const prefix = options.prefix === undefined ? '' : toHex(options.prefix);
    const start = options.start === undefined ? undefined : toHex(options.start);
    const end = options.end === undefined ? undefined : toHex(options.end);
    const selected = [...this.entries.keys()]
      .filter((k) => k.startsWith(prefix))
      .filter((k) => (start === undefined || k >= start) && (end === undefined || k < end))
      .sort();
    if (options.reverse === true) selected.reverse();
    return selected.slice(0, options.limit).map((k) => this.entries.get(k)!);
  }

  sorted(): GenesisEntry[] {
    return [...this.entries.keys()].sort().map((k) => this.entries.get(k)!);
  }
}

/** Runs `step`, restating a failure in terms of the genesis field `path`. */
function inGenesis(path: string, step: () => void): void {
  try {
    step();
  } catch (error) {
    if (!(error instanceof GovernanceError)) throw error;
    const local = /^(action|args)(?=[.:]|$)/;
    const field = error.field === undefined ? path : error.field.replace(local, path);
    const code = error.code === 'invalid-args' ? 'invalid-genesis' : error.code;
    const message = local.test(error.message)
      ? error.message.replace(local, path)
      : `${field}: ${error.message}`;
    throw new GovernanceError(code, `genesis ${message}`, field);
  }
}

function listOf(genesis: GenesisMembership, field: keyof GenesisMembership): readonly unknown[] {
  const value: unknown = genesis[field];
  if (!Array.isArray(value)) {
    throw new GovernanceError('invalid-genesis', `genesis ${field} must be an array`, field);
  }
  return value;
}

/** An entry of a genesis list as the action that adds it. */
function asAction(type: string, entry: unknown, path: string): CborValue {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new GovernanceError('invalid-genesis', 'must be an object', path);
  }
  return { ...(entry as Record<string, CborValue>), type };
}

const CertificateEntry = new MapSchema<GenesisCertificate>('certificate', {
  org: orgId,
  tbsHash: hash32,
  der: certificateDer,
});

function addCertificate(state: GenesisState, entry: unknown, path: string): void {
  const certificate = CertificateEntry.parse(entry, 'args');
  requireActiveOrganisation(state, certificate.org, 'args.org');
  if (readCertificate(state, certificate.tbsHash) !== undefined) {
    throw new GovernanceError('already-registered', `${path} is listed twice`, 'args.tbsHash');
  }
  const record = { org: certificate.org, der: certificate.der, registeredHeight: 0n };
  state.put(keys.certificate(certificate.tbsHash), CertificateSchema.encode(record));
}

function writeParameters(state: GenesisState, parameters: unknown): void {
  if (parameters === undefined) parameters = {};
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    throw new GovernanceError(
      'invalid-genesis',
      'genesis parameters must be an object',
      'parameters',
    );
  }
  const given = parameters as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (!(PARAMETER_NAMES as readonly string[]).includes(name)) {
      throw new GovernanceError(
        'invalid-genesis',
        `genesis parameters.${name} is not a parameter (${PARAMETER_NAMES.join(', ')})`,
        `parameters.${name}`,
      );
    }
  }
  for (const name of PARAMETER_NAMES) {
    const field = `parameters.${name}`;
    const value = given[name] ?? PARAMETER_RULES[name].defaultValue;
    if (typeof value !== 'bigint') {
      throw new GovernanceError('invalid-genesis', `genesis ${field} must be a bigint`, field);
    }
    inGenesis(field, () => checkParameter(name, value, field));
    state.put(keys.parameter(name), ParameterSchema.encode({ value }));
  }
}

/**
 * Checks a genesis description and returns the system contract's initial state, sorted by key.
 * Rules: organisation ids unique and well formed; every certificate, validator and observer of
 * a listed organisation; validator keys and names unique; at least one validator; parameters
 * known and within bounds.
 * @throws GovernanceError naming the field (`validators[2].publicKey`): `invalid-genesis` for a
 * malformed entry, otherwise the code of the broken rule (`duplicate-validator`,
 * `unknown-organisation`, `organisation-exists`, `already-registered`, …).
 */
export function genesisState(genesis: GenesisMembership): GenesisEntry[] {
  if (typeof genesis !== 'object' || genesis === null) {
    throw new GovernanceError('invalid-genesis', 'genesis must be an object', 'genesis');
  }
  const state = new GenesisState();
  const organisations = listOf(genesis, 'organisations');
  const certificates = listOf(genesis, 'certificates');
  const validators = listOf(genesis, 'validators');
  const observers = listOf(genesis, 'observers');
  const adding = (type: string, list: readonly unknown[], name: string): void =>
    list.forEach((entry, i) =>
      inGenesis(`${name}[${i}]`, () =>
        applyAction(state, parseAction(asAction(type, entry, `${name}[${i}]`), 'action'), 0n),
      ),
    );
  adding('add-organisation', organisations, 'organisations');
  certificates.forEach((entry, i) =>
    inGenesis(`certificates[${i}]`, () => addCertificate(state, entry, `certificates[${i}]`)),
  );
  if (validators.length === 0) {
    throw new GovernanceError(
      'invalid-genesis',
      'genesis validators must list at least one validator',
      'validators',
    );
  }
  adding('add-validator', validators, 'validators');
  adding('add-observer', observers, 'observers');
  writeParameters(state, genesis.parameters);
  return state.sorted();
}
