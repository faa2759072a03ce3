/**
 * The system contract's key space and stored records (docs/spec/governance.md §2). Keys are
 * relative to the contract (the execution layer prefixes `system ‖ 0x00`); every value is a
 * record of this file, encoded with its `RecordSchema` (a CBOR array of its fields).
 */
import {
  type CborValue,
  CodecError,
  RecordSchema,
  anyValue,
  hash32,
  list,
  oneOf,
  optional,
  text,
  u64,
} from '../codec';
import { limits } from '../types';
import { certificateDer, consensusKey, displayName, nodeAddress, nodeName, orgId } from './fields';
import { GovernanceError } from './governance-error';
import { VALIDATOR_SET_RECORD_KEY, ValidatorSetRecordSchema } from '../proofs/validator-set-record';

export { ValidatorSetRecordSchema };

/** Most organisation records (active and removed) the consortium keeps. */
export const MAX_ORGANISATIONS = 256;
/** Most observers. */
export const MAX_OBSERVERS = 256;

const encoder = new TextEncoder();

function concat(prefix: string, suffix: Uint8Array): Uint8Array {
  const head = encoder.encode(prefix);
  const key = new Uint8Array(head.length + suffix.length);
  key.set(head);
  key.set(suffix, head.length);
  return key;
}

/** Key prefixes, one per table; none is a prefix of another. */
export const PREFIX = Object.freeze({
  organisation: 'org/',
  validator: 'validator/',
  observer: 'observer/',
  certificate: 'cert/',
  revoked: 'revoked/',
  parameter: 'param/',
  proposal: 'proposal/',
  meta: 'meta/',
});

/** `prefix` as key bytes, for range scans. */
export function prefixKey(prefix: string): Uint8Array {
  return encoder.encode(prefix);
}

/** The key of each record (docs/spec/governance.md §2). */
export const keys = Object.freeze({
  organisation: (id: string) => encoder.encode(`${PREFIX.organisation}${id}`),
  /** Validators are ordered by the sequence number they were added with (8 bytes, big-endian). */
  validator(sequence: bigint): Uint8Array {
    const suffix = new Uint8Array(8);
    new DataView(suffix.buffer).setBigUint64(0, sequence);
    return concat(PREFIX.validator, suffix);
  },
  /** Organisation ids hold no `/`, so `org/name` is unambiguous. */
  observer: (org: string, name: string) => encoder.encode(`${PREFIX.observer}${org}/${name}`),
  certificate: (tbsHash: Uint8Array) => concat(PREFIX.certificate, tbsHash),
  revoked: (org: string, serial: string) => encoder.encode(`${PREFIX.revoked}${org}/${serial}`),
  parameter: (name: string) => encoder.encode(`${PREFIX.parameter}${name}`),
  proposal: (id: Uint8Array) => concat(PREFIX.proposal, id),
  /** The sequence number the next added validator gets. */
  nextValidatorSequence: encoder.encode(`${PREFIX.meta}next-validator-sequence`),
  /** The validators' consensus keys in consensus order, in one record (VALIDATOR_SET_KEY). */
  validatorSet: VALIDATOR_SET_RECORD_KEY,
});

/**
 * `meta/validator-set`: the current validators' consensus keys, in consensus order, as one
 * record, so that a light client proves the whole set with one state proof (a set of
 * `validator/…` records cannot be proven complete). Rewritten with every validator change.
 */
export const VALIDATOR_SET_KEY: Uint8Array = keys.validatorSet;

export interface ValidatorSetRecord {
  readonly keys: readonly Uint8Array[];
}

/** A removed organisation's members are no longer admitted; it can be re-admitted. */
export type OrganisationStatus = 'active' | 'removed';

/** An organisation: removed ones are kept (their id, CA and history stay readable). */
export interface OrganisationRecord {
  readonly id: string;
  readonly name: string;
  /** The root CA certificate, DER. */
  readonly caCertificate: Uint8Array;
  readonly status: OrganisationStatus;
  /** The height of the last change (addition, removal, re-admission); 0 for genesis. */
  readonly changedHeight: bigint;
}

/** A validator: its position in the list (key order) is its consensus index. */
export interface ValidatorRecord {
  readonly org: string;
  /** The common name of the node's certificate. */
  readonly name: string;
  /** The raw consensus public key of the chain's suite. */
  readonly publicKey: Uint8Array;
  /** `host:port` where its peers reach it. */
  readonly address: string;
  readonly addedHeight: bigint;
}

/** A node that follows the chain without voting (the net layer admits it). */
export interface ObserverRecord {
  readonly org: string;
  readonly name: string;
  readonly address: string;
  readonly addedHeight: bigint;
}

/** A member certificate registered on chain, keyed by the SHA-256 of its tbsCertificate. */
export interface CertificateRecord {
  readonly org: string;
  readonly der: Uint8Array;
  readonly registeredHeight: bigint;
}

/** A revoked certificate, named by its issuing organisation and serial (RFC 5280). */
export interface RevocationRecord {
  readonly org: string;
  /** Canonical serial hex (identity's `RevocationList` rules). */
  readonly serial: string;
  readonly revokedHeight: bigint;
}

/** Who approved a proposal, and when. */
export interface Approval {
  readonly org: string;
  readonly name: string;
  readonly height: bigint;
}

/** Expiry is not a status: it follows from `expiresAfterHeight` and the block height. */
export type ProposalStatus = 'pending' | 'executed';

/** A proposal as stored; `action` is the action's canonical map (decoded by `parseAction`). */
export interface StoredProposal {
  readonly id: Uint8Array;
  readonly action: CborValue;
  readonly createdHeight: bigint;
  /** The last height at which it can be approved: created + governanceProposalTtlBlocks. */
  readonly expiresAfterHeight: bigint;
  /** Active organisations when it was created (`n`). */
  readonly organisations: bigint;
  /** ⌊2n/3⌋ + 1. */
  readonly threshold: bigint;
  /** The proposer's first, then in order of approval. */
  readonly approvals: readonly Approval[];
  readonly status: ProposalStatus;
  readonly executedHeight: bigint | null;
}

/** `org/<id>` */
export const OrganisationSchema = new RecordSchema<OrganisationRecord>('Organisation', {
  id: orgId,
  name: displayName,
  caCertificate: certificateDer,
  status: oneOf('active', 'removed'),
  changedHeight: u64,
});

/** `validator/<sequence>` */
export const ValidatorSchema = new RecordSchema<ValidatorRecord>('Validator', {
  org: orgId,
  name: nodeName,
  publicKey: consensusKey,
  address: nodeAddress,
  addedHeight: u64,
});

/** `observer/<org>/<name>` */
export const ObserverSchema = new RecordSchema<ObserverRecord>('Observer', {
  org: orgId,
  name: nodeName,
  address: nodeAddress,
  addedHeight: u64,
});

/** `cert/<tbs hash>` */
export const CertificateSchema = new RecordSchema<CertificateRecord>('Certificate', {
  org: orgId,
  der: certificateDer,
  registeredHeight: u64,
});

/** `revoked/<org>/<serial>`: the serial in canonical form only. */
export const RevocationSchema = new RecordSchema<RevocationRecord>('Revocation', {
  org: orgId,
  serial: text(/^(?:[0-9a-f]{2}){1,20}$/, 40),
  revokedHeight: u64,
});

/** A parameter's value. */
export const ParameterSchema = new RecordSchema<{ readonly value: bigint }>('Parameter', {
  value: u64,
});

/** A counter (the next validator sequence number). */

export const CounterSchema = new RecordSchema<{ readonly next: bigint }>('Counter', { next: u64 });

const ApprovalSchema = new RecordSchema<Approval>('Approval', {
  org: orgId,
  name: text(/^.{1,256}$/su, 256),
  height: u64,
});

/** `proposal/<id>` */
export const ProposalSchema = new RecordSchema<StoredProposal>('Proposal', {
  id: hash32,
  action: anyValue(limits.MAX_ARGS_BYTES),
  createdHeight: u64,
  expiresAfterHeight: u64,
  organisations: u64,
  threshold: u64,
  approvals: list(ApprovalSchema.asField(), MAX_ORGANISATIONS),
  status: oneOf('pending', 'executed'),
  executedHeight: optional(u64),
});

/**
 * Decodes a stored record. A record that does not decode means a bug or a damaged store.
 * @throws GovernanceError('corrupt-state') naming the key.
 */
export function decodeRecord<T extends object>(
  schema: RecordSchema<T>,
  value: Uint8Array,
  key: Uint8Array,
): T {
  try {
    return schema.decode(value);
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    const name = new TextDecoder().decode(key);
    throw new GovernanceError(
      'corrupt-state',
      `stored ${schema.name} at ${JSON.stringify(name)} does not decode: ${error.message}`,
      name,
    );
  }
}
