import type { NodeGenesis } from '@trellis/chain-core';
import { type Genesis, hashGenesis } from '../consortium';

/** The parsed genesis file as the chain node takes it (bytes, plain addresses). */
export function toNodeGenesis(genesis: Genesis): NodeGenesis {
  return {
    chainId: genesis.chainId,
    suite: genesis.suite,
    timestampMs: genesis.timestampMs,
    digest: hashGenesis(genesis),
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
