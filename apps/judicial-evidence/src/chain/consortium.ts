/**
 * What the service reads from the consortium directory (`trellis-node init` writes it):
 * genesis.json (chain id, suite, organisations and their names) and, for each organisation it
 * acts for, `orgs/<org>/`:
 *
 * - `service.pem` + `service.key`: the member that signs deposits and time-stamp anchors;
 * - `court.pem` + `court.key` (optional): a member holding the `court` role, for presentations;
 * - `documents.pem` + `documents.key`: the P-256 key that signs evidence certificates (PDF);
 * - `tsa.pem` + `tsa.key`: the time-stamping key (extended key usage timeStamping);
 * - `ca.pem`: the organisation's root, embedded in signatures so verifiers can build the chain.
 */
import { TransactionSigner } from '@trellis/shared/chain';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';

export interface KeyPairFiles {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** The organisation's root CA certificate. */
  readonly caPem: string;
}

export interface OrgMember {
  readonly org: string;
  /** The organisation's display name (genesis). */
  readonly name: string;
  readonly service: TransactionSigner;
  readonly court: TransactionSigner | undefined;
  readonly documents: KeyPairFiles | undefined;
  readonly tsa: KeyPairFiles | undefined;
}

export interface Consortium {
  /** genesis.json exactly as on disk: what the court page verifies proofs against. */
  readonly genesisText: string;
  readonly genesisSha256: string;
  readonly chainId: string;
  readonly suite: 'ed25519' | 'p256' | 'sm2';
  /** Every organisation of genesis: id → name. */
  readonly orgNames: ReadonlyMap<string, string>;
  /** The organisations this service acts for. */
  readonly members: ReadonlyMap<string, OrgMember>;
}

const genesisShape = z.object({
  chainId: z.string(),
  suite: z.enum(['ed25519', 'p256', 'sm2']),
  organisations: z.array(z.object({ id: z.string(), name: z.string() })).min(1),
});

function readIf(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

function pair(dir: string, base: string, caPem: string): KeyPairFiles | undefined {
  const certificatePem = readIf(join(dir, `${base}.pem`));
  const privateKeyPem = readIf(join(dir, `${base}.key`));
  if (certificatePem === undefined || privateKeyPem === undefined) return undefined;
  return { certificatePem, privateKeyPem, caPem };
}

/** Loads genesis and the members; a missing or broken file fails with its path. */
export function loadConsortium(dir: string, orgs: readonly string[] | undefined): Consortium {
  const genesisPath = join(dir, 'genesis.json');
  const genesisText = readIf(genesisPath);
  if (genesisText === undefined) throw new Error(`${genesisPath} is missing`);
  const parsed = genesisShape.safeParse(JSON.parse(genesisText));
  if (!parsed.success) throw new Error(`${genesisPath} is not a Trellis genesis file`);
  const genesis = parsed.data;
  const orgNames = new Map(genesis.organisations.map((o) => [o.id, o.name]));
  const candidates =
    orgs ??
    (existsSync(join(dir, 'orgs'))
      ? readdirSync(join(dir, 'orgs')).filter((o) =>
          existsSync(join(dir, 'orgs', o, 'service.key')),
        )
      : []);
  const members = new Map<string, OrgMember>();
  for (const org of candidates) {
    const name = orgNames.get(org);
    if (name === undefined) throw new Error(`organisation ${org} is not in ${genesisPath}`);
    const orgDir = join(dir, 'orgs', org);
    const caPem = readIf(join(orgDir, 'ca.pem'));
    if (caPem === undefined) throw new Error(`${join(orgDir, 'ca.pem')} is missing`);
    const signer = (base: string): TransactionSigner | undefined => {
      const keys = pair(orgDir, base, caPem);
      if (keys === undefined) return undefined;
      return TransactionSigner.create(`${org}.${base}`, {
        suite: genesis.suite,
        secretKey: keys.privateKeyPem,
        certificatePem: keys.certificatePem,
        org,
      });
    };
    const service = signer('service');
    if (service === undefined)
      throw new Error(`${orgDir}/service.pem and service.key are required`);
    members.set(org, {
      org,
      name,
      service,
      court: signer('court'),
      documents: pair(orgDir, 'documents', caPem),
      tsa: pair(orgDir, 'tsa', caPem),
    });
  }
  return {
    genesisText,
    genesisSha256: createHash('sha256').update(genesisText).digest('hex'),
    chainId: genesis.chainId,
    suite: genesis.suite,
    orgNames,
    members,
  };
}
