import type { NodeGenesis } from '@trellis/chain-core';
import { type Genesis, hashGenesis } from '../consortium';

/** The parsed genesis file as the chain node takes it (bytes, plain addresses). */
export function toNodeGenesis(genesis: Genesis): NodeGenesis {
  return {
    chainId: genesis.chainId,
    suite: genesis.suite,
    timestampMs: genesis.timestampMs,
    digest: hashGenesis(genesis),
    supervisors: supervisorsOf(genesis),
    membership: {
      organisations: genesis.organisations.map((o) => ({
        id: o.id,
        name: o.name,
        caCertificate: o.caCertificate,
      })),
      certificates: genesis.certificates.map((c) => ({
        org: c.orgId,
        tbsHash: c.tbsHash,
        der: c.certificate,
      })),
      validators: genesis.validators.map((v) => ({
        org: v.org,
        name: v.name,
        publicKey: v.publicKey,
        address: v.address.text,
      })),
      observers: genesis.observers.map((o) => ({
        org: o.org,
        name: o.name,
        address: o.address.text,
      })),
    },
  };
}

/** `parameters.privateData.supervisors`: contract → organisation id (absent: none). */
function supervisorsOf(genesis: Genesis): Record<string, string> {
  const privateData = genesis.parameters['privateData'];
  if (privateData === undefined) return {};
  const supervisors =
    typeof privateData === 'object' && privateData !== null && !Array.isArray(privateData)
      ? (privateData as { readonly [key: string]: unknown })['supervisors']
      : undefined;
  if (typeof supervisors !== 'object' || supervisors === null || Array.isArray(supervisors)) {
    throw new Error(
      'genesis: parameters.privateData.supervisors must be an object { contract: organisation }',
    );
  }
  const result: Record<string, string> = {};
  for (const [contract, org] of Object.entries(supervisors)) {
    if (typeof org !== 'string') {
      throw new Error(
        `genesis: parameters.privateData.supervisors.${contract} must be an organisation id`,
      );
    }
    result[contract] = org;
  }
  return result;
}
