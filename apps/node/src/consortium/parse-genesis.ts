/**
 * `parseGenesis`: from the text of genesis.json to a checked `Genesis`, or a `ConsortiumError`
 * listing every problem with its JSON path. Three passes, each only when the one before found
 * nothing (a later check on a broken earlier field would only add noise):
 * 1. shape (genesis-schema.ts): JSON, types, patterns, required fields, unknown keys;
 * 2. cross-field rules: unique organisations, node names, addresses and keys; organisations
 *    that exist; valid raw keys of the suite; a representable time;
 * 3. identity: each CA loads as its organisation's root (`Organisation.load`), then each
 *    certificate verifies as a member at the genesis time (`verifyMember`), no duplicates.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  fromHex,
  IdentityError,
  type Member,
  Organisation,
  verifyMember,
} from '@trellis/chain-core';
import { type HostPort, parseHostPort } from './address';
import {
  ConsortiumError,
  type ConsortiumIssue,
  consortiumError,
  messageOf,
} from './consortium-error';
import {
  canonicalConsensusKey,
  type Genesis,
  type GenesisCertificate,
  type GenesisOrganisation,
} from './genesis';
import { checkShape, type GenesisDocument, genesisSchema } from './genesis-schema';
import { decodePem } from './pem';

/** The largest time a JavaScript Date holds (ECMA-262 §21.4.1.22). */
const MAX_DATE_MS = 8_640_000_000_000_000n;

/**
 * Parses and checks genesis.json. `file` only names the file in errors.
 * @throws ConsortiumError `invalid-genesis`, one issue per problem, each with its JSON path.
 */
export async function parseGenesis(text: string, file?: string): Promise<Genesis> {
  if (typeof text !== 'string') {
    throw consortiumError('invalid-argument', 'text', 'expected the text of genesis.json', file);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw consortiumError('invalid-genesis', '$', `not JSON: ${messageOf(error)}`, file);
  }
  const shape = checkShape(genesisSchema, json);
  if (!shape.ok) throw new ConsortiumError('invalid-genesis', shape.issues, file);
  const document = shape.value as GenesisDocument;

  const issues: ConsortiumIssue[] = [];
  const nodes = checkNodes(document, issues);
  const keys = checkValidatorKeys(document, issues);
  const timestampMs = BigInt(document.timestampMs);
  if (timestampMs > MAX_DATE_MS) {
    issues.push({ path: 'timestampMs', message: `${timestampMs} is beyond the last Date` });
  }
  if (issues.length > 0) throw new ConsortiumError('invalid-genesis', issues, file);

  const time = new Date(Number(timestampMs));
  const organisations = await loadOrganisations(document, issues);
  if (issues.length > 0) throw new ConsortiumError('invalid-genesis', issues, file);
  const certificates = await verifyCertificates(document, organisations, time, issues);
  if (issues.length > 0) throw new ConsortiumError('invalid-genesis', issues, file);

  return Object.freeze({
    format: document.format,
    chainId: document.chainId,
    suite: document.suite,
    timestampMs,
    time,
    organisations: Object.freeze(organisations),
    certificates: Object.freeze(certificates),
    validators: Object.freeze(
      document.validators.map((v, i) =>
        Object.freeze({ org: v.org, name: v.name, publicKey: keys[i]!, address: nodes[i]! }),
      ),
    ),
    observers: Object.freeze(
      document.observers.map((o, i) =>
        Object.freeze({
          org: o.org,
          name: o.name,
          address: nodes[document.validators.length + i]!,
        }),
      ),
    ),
    parameters: document.parameters,
  });
}

/** Reads and parses a genesis file; errors name the file. */
export async function loadGenesis(path: string): Promise<Genesis> {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw consortiumError('unreadable-file', '$', messageOf(error), file);
  }
  return parseGenesis(text, file);
}

/**
 * Validators then observers: an existing organisation, a unique name, a unique `host:port`.
 * Returns the parsed addresses in that order (entries with a bad address are left out: a hole).
 */
function checkNodes(document: GenesisDocument, issues: ConsortiumIssue[]): HostPort[] {
  const orgIds = new Set<string>();
  for (const [i, org] of document.organisations.entries()) {
    if (orgIds.has(org.id)) {
      issues.push({ path: `organisations[${i}].id`, message: `${org.id} is listed twice` });
    }
    orgIds.add(org.id);
  }
  const entries = [
    ...document.validators.map((v, i) => ({ node: v, path: `validators[${i}]` })),
    ...document.observers.map((o, i) => ({ node: o, path: `observers[${i}]` })),
  ];
  const names = new Map<string, string>();
  const addresses = new Map<string, string>();
  const parsed: HostPort[] = [];
  for (const [index, { node, path }] of entries.entries()) {
    if (!orgIds.has(node.org)) {
      issues.push({
        path: `${path}.org`,
        message: `${JSON.stringify(node.org)} is not an organisation of this genesis`,
      });
    }
    const sameName = names.get(node.name);
    if (sameName !== undefined) {
      issues.push({ path: `${path}.name`, message: `${node.name} is also ${sameName}.name` });
    }
    names.set(node.name, path);
    const address = parseHostPort(node.address);
    if (!address.ok) {
      issues.push({ path: `${path}.address`, message: address.reason });
      continue;
    }
    const sameAddress = addresses.get(address.value.text);
    if (sameAddress !== undefined) {
      issues.push({
        path: `${path}.address`,
        message: `${address.value.text} is also ${sameAddress}.address`,
      });
    }
    addresses.set(address.value.text, path);
    parsed[index] = address.value;
  }
  return parsed;
}

/** Each validator key: a valid raw key of the suite, in canonical form, used once. */
function checkValidatorKeys(document: GenesisDocument, issues: ConsortiumIssue[]): Uint8Array[] {
  const seen = new Map<string, number>();
  const keys: Uint8Array[] = [];
  for (const [i, validator] of document.validators.entries()) {
    const path = `validators[${i}].publicKey`;
    const key = canonicalConsensusKey(document.suite, validator.publicKey);
    if (!key.ok) {
      issues.push({ path, message: key.reason });
      continue;
    }
    if (Buffer.compare(key.key, fromHex(validator.publicKey)) !== 0) {
      issues.push({ path, message: `not the canonical (compressed) ${document.suite} key` });
      continue;
    }
    const first = seen.get(validator.publicKey);
    if (first !== undefined) {
      issues.push({ path, message: `the same key as validators[${first}].publicKey` });
    }
    seen.set(validator.publicKey, i);
    keys.push(key.key);
  }
  return keys;
}

/** `Organisation.load` for each; its refusal becomes an issue at the field it is about. */
async function loadOrganisations(
  document: GenesisDocument,
  issues: ConsortiumIssue[],
): Promise<GenesisOrganisation[]> {
  const organisations: GenesisOrganisation[] = [];
  for (const [i, org] of document.organisations.entries()) {
    const path = `organisations[${i}]`;
    const pem = decodePem(org.caCertificate, 'CERTIFICATE');
    if (!pem.ok) {
      issues.push({ path: `${path}.caCertificate`, message: pem.reason });
      continue;
    }
    try {
      const organisation = await Organisation.load({
        id: org.id,
        name: org.name,
        rootCertificate: pem.der,
      });
      organisations.push(
        Object.freeze({ id: org.id, name: org.name, caCertificate: pem.der, organisation }),
      );
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      const field =
        error.type.code === 'invalid-argument' && error.type.field === 'name'
          ? 'name'
          : 'caCertificate';
      issues.push({ path: `${path}.${field}`, message: `${error.code}: ${error.message}` });
    }
  }
  return organisations;
}

/** Each certificate: a member of one of the organisations at `time`, listed once. */
async function verifyCertificates(
  document: GenesisDocument,
  organisations: readonly GenesisOrganisation[],
  time: Date,
  issues: ConsortiumIssue[],
): Promise<GenesisCertificate[]> {
  const orgs = organisations.map((o) => o.organisation);
  const byTbs = new Map<string, number>();
  const bySerial = new Map<string, number>();
  const certificates: GenesisCertificate[] = [];
  for (const [i, text] of document.certificates.entries()) {
    const path = `certificates[${i}]`;
    const pem = decodePem(text, 'CERTIFICATE');
    if (!pem.ok) {
      issues.push({ path, message: pem.reason });
      continue;
    }
    let member: Member;
    try {
      member = await verifyMember(pem.der, { orgs, at: time, isRevoked: () => false });
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      issues.push({ path, message: `${error.code}: ${error.message}` });
      continue;
    }
    const serial = `${member.orgId}/${member.serialHex}`;
    const twin = byTbs.get(member.tbsHash) ?? bySerial.get(serial);
    if (twin !== undefined) {
      issues.push({ path, message: `the same certificate (${serial}) as certificates[${twin}]` });
      continue;
    }
    byTbs.set(member.tbsHash, i);
    bySerial.set(serial, i);
    certificates.push(
      Object.freeze({
        certificate: pem.der,
        orgId: member.orgId,
        tbsHash: fromHex(member.tbsHash),
        member,
      }),
    );
  }
  return certificates;
}
