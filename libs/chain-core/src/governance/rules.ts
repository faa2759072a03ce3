/**
 * The rules of each governance action against current state (docs/spec/governance.md §4).
 * `planAction` checks an action and returns the writes that would apply it, without writing:
 * `propose` runs it to refuse a bad action up front, execution runs it again (state may have
 * changed since) and carries the writes out, and genesis builds its state through it, so the
 * three can never disagree.
 */
import { toHex } from '../codec';
import { limits } from '../types';

const { MAX_VALIDATORS } = limits;
import type {
  AddObserver,
  AddOrganisation,
  AddValidator,
  GovernanceAction,
  RemoveObserver,
  RemoveOrganisation,
  RemoveValidator,
  RevokeCertificate,
  SetParameter,
} from './actions';
import { GovernanceError } from './governance-error';
import {
  type OrganisationRecord,
  CounterSchema,
  ValidatorSetRecordSchema,
  decodeRecord,
  keys,
  MAX_OBSERVERS,
  MAX_ORGANISATIONS,
  ObserverSchema,
  OrganisationSchema,
  ParameterSchema,
  RevocationSchema,
  ValidatorSchema,
} from './layout';
import { checkParameter } from './parameters';
import {
  type SystemStateReader,
  readObservers,
  readOrganisation,
  readOrganisations,
  revokedHeight,
  validatorEntries,
} from './readers';

/** A write of the plan: a put, or a delete when `value` is null. */
export interface PlannedWrite {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}

/** State the contract can change: a reader plus put/delete (a `ContractState` is one). */
export interface SystemState extends SystemStateReader {
  put(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}

/**
 * The organisation `id`, which must be admitted and active.
 * @throws GovernanceError('unknown-organisation' | 'organisation-inactive') naming `field`.
 */
export function requireActiveOrganisation(
  reader: SystemStateReader,
  id: string,
  field: string,
): OrganisationRecord {
  const organisation = readOrganisation(reader, id);
  if (organisation === undefined) {
    throw new GovernanceError('unknown-organisation', `organisation ${id} does not exist`, field);
  }
  if (organisation.status !== 'active') {
    throw new GovernanceError(
      'organisation-inactive',
      `organisation ${id} was removed at height ${organisation.changedHeight}`,
      field,
    );
  }
  return organisation;
}

function addOrganisation(
  reader: SystemStateReader,
  a: AddOrganisation,
  height: bigint,
  at: string,
) {
  const existing = readOrganisation(reader, a.id);
  if (existing?.status === 'active') {
    throw new GovernanceError(
      'organisation-exists',
      `organisation ${a.id} already exists`,
      `${at}.id`,
    );
  }
  // A removed organisation may be re-admitted (with a new CA: the way to roll a root key).
  const count = readOrganisations(reader).length;
  if (existing === undefined && count >= MAX_ORGANISATIONS) {
    throw new GovernanceError(
      'too-many-organisations',
      `the consortium has ${count} organisations, at most ${MAX_ORGANISATIONS}`,
      `${at}.id`,
    );
  }
  const record = {
    id: a.id,
    name: a.name,
    caCertificate: a.caCertificate,
    status: 'active',
    changedHeight: height,
  } as const;
  return [{ key: keys.organisation(a.id), value: OrganisationSchema.encode(record) }];
}

function removeOrganisation(
  reader: SystemStateReader,
  a: RemoveOrganisation,
  height: bigint,
  at: string,
) {
  const organisation = requireActiveOrganisation(reader, a.id, `${at}.id`);
  const validators = validatorEntries(reader).filter((v) => v.record.org === a.id);
  if (validators.length > 0) {
    const names = validators.map((v) => v.record.name).join(', ');
    throw new GovernanceError(
      'organisation-runs-validator',
      `organisation ${a.id} still runs ${validators.length} validator(s): ${names}`,
      `${at}.id`,
    );
  }
  const observers = readObservers(reader).filter((o) => o.org === a.id);
  if (observers.length > 0) {
    const names = observers.map((o) => o.name).join(', ');
    throw new GovernanceError(
      'organisation-runs-observer',
      `organisation ${a.id} still runs ${observers.length} observer(s): ${names}`,
      `${at}.id`,
    );
  }
  const record = { ...organisation, status: 'removed', changedHeight: height } as const;
  return [{ key: keys.organisation(a.id), value: OrganisationSchema.encode(record) }];
}

function addValidator(reader: SystemStateReader, a: AddValidator, height: bigint, at: string) {
  requireActiveOrganisation(reader, a.org, `${at}.org`);
  const validators = validatorEntries(reader).map((v) => v.record);
  const hex = toHex(a.publicKey);
  const sameKey = validators.find((v) => toHex(v.publicKey) === hex);
  if (sameKey !== undefined) {
    throw new GovernanceError(
      'duplicate-validator',
      `public key ${hex} is already the key of validator ${sameKey.org}/${sameKey.name}`,
      `${at}.publicKey`,
    );
  }
  if (validators.some((v) => v.org === a.org && v.name === a.name)) {
    throw new GovernanceError(
      'duplicate-validator',
      `${a.org}/${a.name} is already a validator`,
      `${at}.name`,
    );
  }
  if (validators.length >= MAX_VALIDATORS) {
    throw new GovernanceError(
      'too-many-validators',
      `there are ${validators.length} validators, at most ${MAX_VALIDATORS}`,
      `${at}.publicKey`,
    );
  }
  const counter = reader.get(keys.nextValidatorSequence);
  const sequence =
    counter === undefined
      ? 0n
      : decodeRecord(CounterSchema, counter, keys.nextValidatorSequence).next;
  const record = { org: a.org, name: a.name, publicKey: a.publicKey, address: a.address };
  return [
    {
      key: keys.validator(sequence),
      value: ValidatorSchema.encode({ ...record, addedHeight: height }),
    },
    { key: keys.nextValidatorSequence, value: CounterSchema.encode({ next: sequence + 1n }) },
    validatorSetWrite([...validators.map((v) => v.publicKey), a.publicKey]),
  ];
}

function removeValidator(reader: SystemStateReader, a: RemoveValidator, at: string) {
  const validators = validatorEntries(reader);
  const hex = toHex(a.publicKey);
  const entry = validators.find((v) => toHex(v.record.publicKey) === hex);
  if (entry === undefined) {
    throw new GovernanceError(
      'unknown-validator',
      `no validator has public key ${hex}`,
      `${at}.publicKey`,
    );
  }
  if (validators.length === 1) {
    throw new GovernanceError(
      'last-validator',
      `${entry.record.org}/${entry.record.name} is the only validator: the set cannot become empty`,
      `${at}.publicKey`,
    );
  }
  const rest = validators.filter((v) => v !== entry).map((v) => v.record.publicKey);
  return [{ key: entry.key, value: null }, validatorSetWrite(rest)];
}

/** The validator-set record after a change (keys in consensus order: the validator key order). */
function validatorSetWrite(publicKeys: readonly Uint8Array[]) {
  return { key: keys.validatorSet, value: ValidatorSetRecordSchema.encode({ keys: publicKeys }) };
}

function addObserver(reader: SystemStateReader, a: AddObserver, height: bigint, at: string) {
  requireActiveOrganisation(reader, a.org, `${at}.org`);
  const observers = readObservers(reader);
  if (observers.some((o) => o.org === a.org && o.name === a.name)) {
    throw new GovernanceError(
      'duplicate-observer',
      `${a.org}/${a.name} is already an observer`,
      `${at}.name`,
    );
  }
  if (observers.length >= MAX_OBSERVERS) {
    throw new GovernanceError(
      'too-many-observers',
      `there are ${observers.length} observers, at most ${MAX_OBSERVERS}`,
      `${at}.name`,
    );
  }
  const record = { org: a.org, name: a.name, address: a.address, addedHeight: height };
  return [{ key: keys.observer(a.org, a.name), value: ObserverSchema.encode(record) }];
}

function removeObserver(reader: SystemStateReader, a: RemoveObserver, at: string) {
  const key = keys.observer(a.org, a.name);
  if (reader.get(key) === undefined) {
    throw new GovernanceError(
      'unknown-observer',
      `${a.org}/${a.name} is not an observer`,
      `${at}.name`,
    );
  }
  return [{ key, value: null }];
}

function revokeCertificate(
  reader: SystemStateReader,
  a: RevokeCertificate,
  height: bigint,
  at: string,
) {
  if (readOrganisation(reader, a.org) === undefined) {
    throw new GovernanceError(
      'unknown-organisation',
      `organisation ${a.org} does not exist`,
      `${at}.org`,
    );
  }
  const already = revokedHeight(reader, a.org, a.serial);
  if (already !== undefined) {
    throw new GovernanceError(
      'already-revoked',
      `certificate ${a.serial} of ${a.org} was revoked at height ${already}`,
      `${at}.serial`,
    );
  }
  const record = { org: a.org, serial: a.serial, revokedHeight: height };
  return [{ key: keys.revoked(a.org, a.serial), value: RevocationSchema.encode(record) }];
}

function setParameter(a: SetParameter, at: string) {
  checkParameter(a.name, a.value, `${at}.value`);
  return [{ key: keys.parameter(a.name), value: ParameterSchema.encode({ value: a.value }) }];
}

/**
 * Checks `action` against the state `reader` shows and returns the writes that apply it at
 * `height`. Writes nothing.
 * @throws GovernanceError with the code of the rule it breaks, naming the field as `${at}.org`.
 */
export function planAction(
  reader: SystemStateReader,
  action: GovernanceAction,
  height: bigint,
  at = 'action',
): readonly PlannedWrite[] {
  switch (action.type) {
    case 'add-organisation':
      return addOrganisation(reader, action, height, at);
    case 'remove-organisation':
      return removeOrganisation(reader, action, height, at);
    case 'add-validator':
      return addValidator(reader, action, height, at);
    case 'remove-validator':
      return removeValidator(reader, action, at);
    case 'add-observer':
      return addObserver(reader, action, height, at);
    case 'remove-observer':
      return removeObserver(reader, action, at);
    case 'revoke-certificate':
      return revokeCertificate(reader, action, height, at);
    case 'set-parameter':
      return setParameter(action, at);
  }
}

/** Checks `action` and applies it to `state` (all its writes or, when it throws, none). */
export function applyAction(
  state: SystemState,
  action: GovernanceAction,
  height: bigint,
  at = 'action',
): void {
  for (const write of planAction(state, action, height, at)) {
    if (write.value === null) state.delete(write.key);
    else state.put(write.key, write.value);
  }
}
