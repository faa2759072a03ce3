/**
 * Genesis: the checked, typed content of `genesis.json` — what every node of a chain must agree
 * on before block 1 — and its digest. Bytes are bytes here (certificate DER, raw consensus keys,
 * tbs hashes): what the system contract's genesis and the consensus core take.
 */
import {
  fromHex,
  getSuite,
  hash,
  type Member,
  type Organisation,
  SUITE_HASH,
  type SuiteId,
  toHex,
} from '@trellis/chain-core';
import type { HostPort } from './address';
import { canonicalJson, type JsonValue } from './canonical-json';
import { GENESIS_FORMAT, type GenesisDocument } from './genesis-schema';
import { encodePem } from './pem';

/** An organisation of the consortium, its root CA loaded and checked (`Organisation.load`). */
export interface GenesisOrganisation {
  readonly id: string;
  readonly name: string;
  /** The root CA certificate, DER. */
  readonly caCertificate: Uint8Array;
  /** Ready for `verifyMember({ orgs })`. */
  readonly organisation: Organisation;
}

/** A member certificate registered at genesis (an organisation's admin, its services…). */
export interface GenesisCertificate {
  /** DER. */
  readonly certificate: Uint8Array;
  /** The issuing organisation (the certificate verified as its member at the genesis time). */
  readonly orgId: string;
  /** SHA-256 of the tbsCertificate (`Member.tbsHash` as bytes): the name of its exact content. */
  readonly tbsHash: Uint8Array;
  /** What `verifyMember` returned at the genesis time: kind, roles, serial, key. */
  readonly member: Member;
}

/** A validator: who runs it, its raw consensus public key, where the others reach it. */
export interface GenesisValidator {
  readonly org: string;
  readonly name: string;
  /** The suite's canonical raw public key (32 bytes Ed25519, 33 bytes compressed P-256/SM2). */
  readonly publicKey: Uint8Array;
  readonly address: HostPort;
}

/** A node that follows the chain without voting. */
export interface GenesisObserver {
  readonly org: string;
  readonly name: string;
  readonly address: HostPort;
}

/**
 * The checked genesis (see `parseGenesis`). Invariants: organisation ids, validator keys, node
 * names and node addresses are each unique; every validator's and observer's `org` is an
 * organisation; every certificate is a member certificate of an organisation, valid at `time`,
 * and no two share a tbs hash or an (org, serial) pair.
 */
export interface Genesis {
  readonly format: typeof GENESIS_FORMAT;
  readonly chainId: string;
  readonly suite: SuiteId;
  readonly timestampMs: bigint;
  /** `timestampMs` as a Date: the time the certificates are checked at. */
  readonly time: Date;
  readonly organisations: readonly GenesisOrganisation[];
  readonly certificates: readonly GenesisCertificate[];
  readonly validators: readonly GenesisValidator[];
  readonly observers: readonly GenesisObserver[];
  /** Chain parameters, as JSON; their meaning belongs to the layers that read them. */
  readonly parameters: { readonly [key: string]: JsonValue };
}

/**
 * The genesis as a document in canonical spelling: PEM re-encoded from the DER (64-character
 * lines), keys in lower-case hex, `observers` and `parameters` present. Two files that differ
 * only in white space, member order or PEM line length give the same document.
 */
export function genesisDocument(genesis: Genesis): GenesisDocument {
  return {
    format: genesis.format,
    chainId: genesis.chainId,
    suite: genesis.suite,
    timestampMs: genesis.timestampMs.toString(),
    organisations: genesis.organisations.map((org) => ({
      id: org.id,
      name: org.name,
      caCertificate: encodePem('CERTIFICATE', org.caCertificate),
    })),
    certificates: genesis.certificates.map((c) => encodePem('CERTIFICATE', c.certificate)),
    validators: genesis.validators.map((v) => ({
      org: v.org,
      name: v.name,
      publicKey: toHex(v.publicKey),
      address: v.address.text,
    })),
    observers: genesis.observers.map((o) => ({
      org: o.org,
      name: o.name,
      address: o.address.text,
    })),
    parameters: genesis.parameters,
  };
}

/**
 * The digest nodes compare before they talk: the chain's hash (SUITE_HASH of the genesis suite:
 * SHA-256, or SM3 for SM2 chains) of the RFC 8785 canonical JSON of `genesisDocument(genesis)`.
 * Any change of content changes it; re-indenting the file does not.
 */
export function hashGenesis(genesis: Genesis): Uint8Array {
  const text = canonicalJson(genesisDocument(genesis) as unknown as JsonValue);
  return hash(SUITE_HASH[genesis.suite], new TextEncoder().encode(text));
}

/** A validator's consensus key in the suite's canonical form, or why it is not one. */
export function canonicalConsensusKey(
  suite: SuiteId,
  hex: string,
): { ok: true; key: Uint8Array } | { ok: false; reason: string } {
  const bytes = fromHex(hex);
  const expected = getSuite(suite).publicKeyLength;
  if (bytes.length !== expected) {
    return {
      ok: false,
      reason: `a raw ${suite} public key is ${expected} bytes, got ${bytes.length}`,
    };
  }
  try {
    const key = getSuite(suite).publicKeyFromBytes(bytes);
    return { ok: true, key };
  } catch (error) {
    return {
      ok: false,
      reason: `not a valid ${suite} public key (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}
