/**
 * Governance actions: what a proposal asks the consortium to change. An action is a CBOR map
 * `{ type, …fields }`; the same parser validates it in `propose` arguments and when a stored
 * proposal is read back, so what executes is exactly what was proposed.
 */
import { type CborValue, oneOf, u64 } from '../codec';
import { IdentityError, RevocationList } from '../identity';
import {
  certificateDer,
  consensusKey,
  displayName,
  MapSchema,
  nodeAddress,
  nodeName,
  orgId,
  serialHex,
} from './fields';
import { GovernanceError } from './governance-error';
import { type ParameterName, PARAMETER_NAMES } from './parameters';

/** Admits an organisation with its root CA, or re-admits a removed one (a new CA rolls its root). */
export interface AddOrganisation {
  readonly type: 'add-organisation';
  readonly id: string;
  readonly name: string;
  /** The organisation's root CA certificate, DER. */
  readonly caCertificate: Uint8Array;
}
/** Marks an organisation removed; refused while it still runs a validator or an observer. */
export interface RemoveOrganisation {
  readonly type: 'remove-organisation';
  readonly id: string;
}
/** Appends a validator to the consensus order; effective from the next epoch. */
export interface AddValidator {
  readonly type: 'add-validator';
  readonly org: string;
  readonly name: string;
  readonly publicKey: Uint8Array;
  readonly address: string;
}
/** Removes a validator by its consensus key; the set never becomes empty. */
export interface RemoveValidator {
  readonly type: 'remove-validator';
  readonly publicKey: Uint8Array;
}
/** A node that follows the chain without voting. */
export interface AddObserver {
  readonly type: 'add-observer';
  readonly org: string;
  readonly name: string;
  readonly address: string;
}
/** Removes an observer by organisation and name. */
export interface RemoveObserver {
  readonly type: 'remove-observer';
  readonly org: string;
  readonly name: string;
}
/** Revokes a member certificate of any organisation, named as RFC 5280 does (issuer, serial). */
export interface RevokeCertificate {
  readonly type: 'revoke-certificate';
  readonly org: string;
  /** Canonical serial hex once parsed (lower case, even length, no leading zero octet). */
  readonly serial: string;
}
/** Sets a parameter within its bounds (`PARAMETER_RULES`). */
export interface SetParameter {
  readonly type: 'set-parameter';
  readonly name: ParameterName;
  readonly value: bigint;
}

/** Every change a proposal can make. */
export type GovernanceAction =
  | AddOrganisation
  | RemoveOrganisation
  | AddValidator
  | RemoveValidator
  | AddObserver
  | RemoveObserver
  | RevokeCertificate
  | SetParameter;

/** An action's `type`, e.g. `add-validator`; `system.<type>-applied` is its event. */
export type ActionType = GovernanceAction['type'];

type Fields<A extends GovernanceAction> = Omit<A, 'type'>;

/** One schema per action type, listing its fields (besides `type`). */
const ACTION_SCHEMAS: { readonly [K in ActionType]: MapSchema<object> } = {
  'add-organisation': new MapSchema<Fields<AddOrganisation>>('add-organisation', {
    id: orgId,
    name: displayName,
    caCertificate: certificateDer,
  }),
  'remove-organisation': new MapSchema<Fields<RemoveOrganisation>>('remove-organisation', {
    id: orgId,
  }),
  'add-validator': new MapSchema<Fields<AddValidator>>('add-validator', {
    org: orgId,
    name: nodeName,
    publicKey: consensusKey,
    address: nodeAddress,
  }),
  'remove-validator': new MapSchema<Fields<RemoveValidator>>('remove-validator', {
    publicKey: consensusKey,
  }),
  'add-observer': new MapSchema<Fields<AddObserver>>('add-observer', {
    org: orgId,
    name: nodeName,
    address: nodeAddress,
  }),
  'remove-observer': new MapSchema<Fields<RemoveObserver>>('remove-observer', {
    org: orgId,
    name: nodeName,
  }),
  'revoke-certificate': new MapSchema<Fields<RevokeCertificate>>('revoke-certificate', {
    org: orgId,
    serial: serialHex,
  }),
  'set-parameter': new MapSchema<Fields<SetParameter>>('set-parameter', {
    name: oneOf(...PARAMETER_NAMES),
    value: u64,
  }),
};

/** The action types, in a fixed order. */
export const ACTION_TYPES = Object.freeze(Object.keys(ACTION_SCHEMAS) as ActionType[]);

const actionType = new MapSchema<{ readonly type: ActionType }>('action', {
  type: oneOf(...ACTION_TYPES),
});

/**
 * Canonical serial hex by identity's revocation rules (compared as integers: `00AB` ≡ `ab`),
 * so that a revocation written here matches `Member.serialHex` and `RevocationList`.
 * @throws GovernanceError('invalid-args') naming `field`.
 */
export function canonicalSerial(org: string, serial: string, field: string): string {
  try {
    const [entry] = RevocationList.EMPTY.revoke(org, serial).entries();
    return entry!.serialHex;
  } catch (error) {
    if (error instanceof IdentityError) {
      throw new GovernanceError('invalid-args', `${field}: ${error.message}`, field);
    }
    throw error;
  }
}

/**
 * Validates an untrusted action (a CBOR map `{ type, …fields }`) and returns it typed, with
 * its serial canonicalised.
 * @throws GovernanceError('invalid-args') naming the field (`args.action.address`).
 */
export function parseAction(value: unknown, path: string): GovernanceAction {
  const typeOnly =
    typeof value === 'object' && value !== null && 'type' in value ? { type: value.type } : value;
  const { type } = actionType.parse(typeOnly, path);
  const fields = ACTION_SCHEMAS[type].parse(value, path, ['type']);
  const action = { type, ...fields } as GovernanceAction;
  if (action.type === 'revoke-certificate') {
    return { ...action, serial: canonicalSerial(action.org, action.serial, `${path}.serial`) };
  }
  return action;
}

/** The action as a CBOR map: what `propose` takes, the proposal stores and events carry. */
export function actionToValue(action: GovernanceAction): { readonly [key: string]: CborValue } {
  return { type: action.type, ...ACTION_SCHEMAS[action.type].toValue(action) };
}
