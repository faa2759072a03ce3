/**
 * What a service reads from the consortium directory (`trellis-node init` writes it):
 * genesis.json (chain id, suite, organisations and their names) and, for each organisation it
 * acts for, `orgs/<org>/`:
 *
 * - `service.pem` + `service.key`: the member that signs for the organisation (required);
 * - further members (`<file>.pem` + `<file>.key`) the service names, e.g. one holding a role
 *   (`court`, `tax-bureau`); optional;
 * - key pairs that are not chain members (`documents`, `tsa`: P-256 document and time-stamp
 *   keys), read as files;
 * - `ca.pem`: the organisation's root, embedded in signatures so verifiers can build the chain.
 */
import { TransactionSigner } from './signer';
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
  /** The further members found, by file name (`court`, `bureau`, …). */
  readonly signers: ReadonlyMap<string, TransactionSigner>;
  /** The key pairs found, by file name (`documents`, `tsa`, …). */
  readonly keyPairs: ReadonlyMap<string, KeyPairFiles>;
}

export interface LoadConsortiumOptions {
  /** The organisations to act for (default: every one with `service.key` in the directory). */
  readonly orgs?: readonly string[] | undefined;
  /** Further member files to load when present, e.g. `['court']`. */
  readonly signers?: readonly string[];
  /** Key-pair files to load when present, e.g. `['documents', 'tsa']`. */
  readonly keyPairs?: readonly string[];
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
export function loadConsortium(dir: string, options: LoadConsortiumOptions = {}): Consortium {
  const orgs = options.orgs;
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
    const signers = new Map<string, TransactionSigner>();
    for (const file of options.signers ?? []) {
      const found = signer(file);
      if (found !== undefined) signers.set(file, found);
    }
    const keyPairs = new Map<string, KeyPairFiles>();
    for (const file of options.keyPairs ?? []) {
      const found = pair(orgDir, file, caPem);
      if (found !== undefined) keyPairs.set(file, found);
    }
    members.set(org, { org, name, service, signers, keyPairs });
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
