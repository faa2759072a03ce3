/**
 * Pure readers of the system contract's state, for the node (membership, validators,
 * parameters), admission (certificates, revocations) and the contract itself. Each works over
 * any `SystemStateReader`: a contract's `ctx.state`, or the committed store seen through
 * `scopeSystemState`.
 */
import { type RangeOptions, type StateEntry, MAX_RANGE_ENTRIES } from '../contract';
import { isBytes } from '../codec';
import { isOrgId } from '../identity';
import { type GovernanceAction, canonicalSerial, parseAction } from './actions';
import { GovernanceError } from './governance-error';
import {
  type Approval,
  type CertificateRecord,
  type ObserverRecord,
  type OrganisationRecord,
  type ProposalStatus,
  type ValidatorRecord,
  CertificateSchema,
  keys,
  decodeRecord,
  ObserverSchema,
  OrganisationSchema,
  ParameterSchema,
  PREFIX,
  prefixKey,
  ProposalSchema,
  RevocationSchema,
  ValidatorSchema,
} from './layout';
import { type SystemParameters, PARAMETER_NAMES, PARAMETER_RULES } from './parameters';

/**
 * Read access to the system contract's own key space (keys relative to the contract). A
 * `ContractState` is one; so is the committed store through `scopeSystemState`.
 */
export interface SystemStateReader {
  get(key: Uint8Array): Uint8Array | undefined;
  range(options: RangeOptions & { readonly limit: number }): readonly StateEntry[];
}

/** A proposal as read back, its action parsed. */
export interface GovernanceProposal {
  readonly id: Uint8Array;
  readonly action: GovernanceAction;
  readonly createdHeight: bigint;
  readonly expiresAfterHeight: bigint;
  readonly organisations: bigint;
  readonly threshold: bigint;
  readonly approvals: readonly Approval[];
  readonly status: ProposalStatus;
  readonly executedHeight: bigint | null;
}

function checkReader(reader: unknown): asserts reader is SystemStateReader {
  const candidate = reader as Partial<SystemStateReader> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.get !== 'function' ||
    typeof candidate.range !== 'function'
  ) {
    throw new GovernanceError(
      'invalid-args',
      'reader must have get(key) and range(options)',
      'reader',
    );
  }
}

function checkHash(value: unknown, field: string): asserts value is Uint8Array {
  if (!isBytes(value) || value.length !== 32) {
    throw new GovernanceError('invalid-args', `${field} must be 32 bytes`, field);
  }
}

/** Every entry under `prefix`; the tables scanned this way are capped well below the limit. */
export function scan(reader: SystemStateReader, prefix: string): readonly StateEntry[] {
  return reader.range({ prefix: prefixKey(prefix), limit: MAX_RANGE_ENTRIES });
}

/** One organisation, active or removed; undefined when the id was never admitted. */
export function readOrganisation(
  reader: SystemStateReader,
  id: string,
): OrganisationRecord | undefined {
  checkReader(reader);
  if (!isOrgId(id))
    throw new GovernanceError(
      'invalid-args',
      `id ${JSON.stringify(id)} is not an organisation id`,
      'id',
    );
  const key = keys.organisation(id);
  const value = reader.get(key);
  return value === undefined ? undefined : decodeRecord(OrganisationSchema, value, key);
}

/** Every organisation ever admitted (removed ones have status `removed`), ordered by id. */
export function readOrganisations(reader: SystemStateReader): readonly OrganisationRecord[] {
  checkReader(reader);
  return scan(reader, PREFIX.organisation).map((e) =>
    decodeRecord(OrganisationSchema, e.value, e.key),
  );
}

/** The validators in consensus order (the order they were added in). */
export function readValidators(reader: SystemStateReader): readonly ValidatorRecord[] {
  checkReader(reader);
  return validatorEntries(reader).map((e) => e.record);
}

/** The validators with their keys (for removal). */
export function validatorEntries(
  reader: SystemStateReader,
): readonly { readonly key: Uint8Array; readonly record: ValidatorRecord }[] {
  return scan(reader, PREFIX.validator).map((e) => ({
    key: e.key,
    record: decodeRecord(ValidatorSchema, e.value, e.key),
  }));
}

/** The observers, ordered by organisation, then name. */
export function readObservers(reader: SystemStateReader): readonly ObserverRecord[] {
  checkReader(reader);
  return scan(reader, PREFIX.observer).map((e) => decodeRecord(ObserverSchema, e.value, e.key));
}

/** Every parameter: its stored value, or its default when none is stored. */
export function readParameters(reader: SystemStateReader): SystemParameters {
  checkReader(reader);
  const out: Record<string, bigint> = {};
  for (const name of PARAMETER_NAMES) {
    const key = keys.parameter(name);
    const value = reader.get(key);
    out[name] =
      value === undefined
        ? PARAMETER_RULES[name].defaultValue
        : decodeRecord(ParameterSchema, value, key).value;
  }
  return out as unknown as SystemParameters;
}

/** The member certificate registered under `tbsHash` (32 bytes), if any. */
export function readCertificate(
  reader: SystemStateReader,
  tbsHash: Uint8Array,
): CertificateRecord | undefined {
  checkReader(reader);
  checkHash(tbsHash, 'tbsHash');
  const key = keys.certificate(tbsHash);
  const value = reader.get(key);
  return value === undefined ? undefined : decodeRecord(CertificateSchema, value, key);
}

/**
 * Whether `org`'s certificate `serial` is revoked; serials compare as integers (`00ab` ≡ `AB`).
 * @throws GovernanceError('invalid-args') for a malformed org id or serial.
 */
export function isRevoked(reader: SystemStateReader, org: string, serial: string): boolean {
  return revokedHeight(reader, org, serial) !== undefined;
}

/** The height `org`'s certificate `serial` was revoked at, if it is revoked. */
export function revokedHeight(
  reader: SystemStateReader,
  org: string,
  serial: string,
): bigint | undefined {
  checkReader(reader);
  if (!isOrgId(org))
    throw new GovernanceError(
      'invalid-args',
      `org ${JSON.stringify(org)} is not an organisation id`,
      'org',
    );
  const key = keys.revoked(org, canonicalSerial(org, serial, 'serial'));
  const value = reader.get(key);
  return value === undefined ? undefined : decodeRecord(RevocationSchema, value, key).revokedHeight;
}

/** The proposal `id` (32 bytes: the id of the transaction that created it), if any. */
export function readProposal(
  reader: SystemStateReader,
  id: Uint8Array,
): GovernanceProposal | undefined {
  checkReader(reader);
  checkHash(id, 'proposalId');
  const key = keys.proposal(id);
  const value = reader.get(key);
  if (value === undefined) return undefined;
  const stored = decodeRecord(ProposalSchema, value, key);
  let action: GovernanceAction;
  try {
    action = parseAction(stored.action, 'action');
  } catch (error) {
    if (!(error instanceof GovernanceError)) throw error;
    throw new GovernanceError(
      'corrupt-state',
      `stored proposal action: ${error.message}`,
      'action',
    );
  }
  return { ...stored, action };
}
