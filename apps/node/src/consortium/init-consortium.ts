/**
 * `trellis-node init`: a local consortium in one directory — each organisation's root CA, its
 * admin (governance) and service (applications) certificates, its time-stamping (RFC 3161) and
 * document-signing certificates, one validator per organisation with its TLS certificate,
 * consensus key and config.json, optional observers, and genesis.json listing the members. Everything is generated in memory first and the genesis written is read
 * back through `loadGenesis`, so a directory this returns is one the daemon accepts.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  createOrgCa,
  getSuite,
  IdentityError,
  type SignatureSuite,
  toHex,
} from '@trellis/chain-core';
import { formatHostPort } from './address';
import { consortiumError } from './consortium-error';
import { type Genesis, hashGenesis } from './genesis';
import { GENESIS_FORMAT, type GenesisDocument, NAME_PATTERN } from './genesis-schema';
import {
  bad,
  type CheckedInitOptions,
  checkInitOptions,
  type ConsortiumOrg,
  DEFAULT_SUPERVISORS,
  type InitConsortiumOptions,
} from './init-options';
import { issueWithFreshKey } from './issue-certificate';
import { issueSigningCertificate, SIGNING_CERTIFICATES } from './signing-certificates';
import { writePrivateFile, writePublicFile } from './key-files';
import {
  CLOCK_SKEW_MS,
  CONFIG_FILE,
  DAY_MS,
  GENESIS_FILE,
  LOCAL_NODE_NAMES,
  nodeDir,
  orgDir,
} from './layout';
import { NODE_CONFIG_FORMAT, type NodeConfigDocument, type NodeRole } from './node-config';
import { loadGenesis } from './parse-genesis';
import { normalisePem } from './pem';

/** One node `init` set up. */
export interface InitNode {
  readonly name: string;
  readonly org: string;
  readonly role: NodeRole;
  readonly dir: string;
  readonly configFile: string;
  readonly listen: string;
  readonly api: string;
}

export interface InitConsortiumResult {
  readonly dir: string;
  readonly genesisFile: string;
  /** `hashGenesis` of the written genesis, lower-case hex. */
  readonly genesisHash: string;
  readonly genesis: Genesis;
  readonly nodes: readonly InitNode[];
}

const LOCALHOST = '127.0.0.1';
/** The entries of a consortium directory that `init` writes, and `force` replaces. */
const CONSORTIUM_ENTRIES = [GENESIS_FILE, 'orgs', 'nodes'];
const CA_YEARS = 20;
const MEMBER_DAYS = 10 * 365;

/** Generates and writes the consortium; refuses a non-empty `dir` unless `force`. */
export async function initConsortium(
  options: InitConsortiumOptions,
): Promise<InitConsortiumResult> {
  const checked = checkInitOptions(options);
  const now = options.now ?? new Date();
  const clear = checkDirectory(checked.dir, options.force === true);
  const plan = planNodes(checked);
  const files = await generate(checked, plan, now);
  clearDirectory(checked.dir, clear);
  for (const [path, text, secret] of files) {
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    if (secret) writePrivateFile(path, text);
    else writePublicFile(path, text);
  }
  const genesisFile = join(checked.dir, GENESIS_FILE);
  const genesis = await loadGenesis(genesisFile);
  return Object.freeze({
    dir: checked.dir,
    genesisFile,
    genesisHash: toHex(hashGenesis(genesis)),
    genesis,
    nodes: Object.freeze(plan),
  });
}

/** Validators (one per organisation), then observers, each with its ports. */
function planNodes(options: CheckedInitOptions): InitNode[] {
  const entries = [
    ...options.orgs.map((org) => ({
      org: org.id,
      role: 'validator' as const,
      name: `${org.id}-node`,
    })),
    ...options.observers.map((org) => ({
      org,
      role: 'observer' as const,
      name: `${org}-observer`,
    })),
  ];
  return entries.map((entry, i) => {
    const dir = nodeDir(options.dir, entry.name);
    if (!NAME_PATTERN.test(entry.name))
      throw bad('orgs', `node name ${entry.name} is longer than 63 characters`);
    return Object.freeze({
      ...entry,
      dir,
      configFile: join(dir, CONFIG_FILE),
      listen: formatHostPort(LOCALHOST, options.basePort + 1 + i),
      api: formatHostPort(LOCALHOST, options.apiBasePort + 1 + i),
    });
  });
}

/** [path, text, secret?] of every file, genesis last. */
type PlannedFile = readonly [string, string, boolean];

interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Every file of the consortium, in memory: nothing is written until all of it exists. */
async function generate(
  options: CheckedInitOptions,
  nodes: readonly InitNode[],
  now: Date,
): Promise<PlannedFile[]> {
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  const caValidity = { notBefore, notAfter: new Date(now.getTime() + CA_YEARS * 365 * DAY_MS) };
  const validity = { notBefore, notAfter: new Date(now.getTime() + MEMBER_DAYS * DAY_MS) };
  const files: PlannedFile[] = [];
  const certificates: string[] = [];
  const cas = new Map<string, OrgCaPair>();
  for (const [index, org] of options.orgs.entries()) {
    const ca = await createCa(org, index, caValidity);
    cas.set(org.id, ca);
    certificates.push(...(await generateOrg(options.dir, org, ca, validity, files)));
  }
  const suite = getSuite(options.suite);
  const validators: GenesisDocument['validators'][number][] = [];
  for (const node of nodes) {
    const publicKey = await generateNode(node, cas.get(node.org)!, suite, validity, files);
    if (publicKey !== undefined) {
      validators.push({ org: node.org, name: node.name, publicKey, address: node.listen });
    }
  }
  const genesis: GenesisDocument = {
    format: GENESIS_FORMAT,
    chainId: options.chainId,
    suite: options.suite,
    timestampMs: String(now.getTime()),
    organisations: options.orgs.map((org) => ({
      id: org.id,
      name: org.name,
      caCertificate: cas.get(org.id)!.certificate,
    })),
    certificates,
    validators,
    observers: nodes
      .filter((n) => n.role === 'observer')
      .map((n) => ({ org: n.org, name: n.name, address: n.listen })),
    parameters: {
      privateData: {
        supervisors: Object.fromEntries(
          Object.entries(DEFAULT_SUPERVISORS).filter(([, org]) =>
            options.orgs.some((o) => o.id === org),
          ),
        ),
      },
    },
  };
  files.push([join(options.dir, GENESIS_FILE), `${JSON.stringify(genesis, null, 2)}\n`, false]);
  return files;
}

interface OrgCaPair {
  readonly certificate: string;
  readonly privateKey: string;
}

/**
 * An organisation's CA files, its admin and service members, and its time-stamping and
 * document-signing certificates (not members); returns the members' certificates.
 */
async function generateOrg(
  dir: string,
  org: ConsortiumOrg,
  ca: OrgCaPair,
  validity: Validity,
  files: PlannedFile[],
): Promise<string[]> {
  const base = orgDir(dir, org.id);
  files.push(
    [join(base, 'ca.pem'), ca.certificate, false],
    [join(base, 'ca.key'), ca.privateKey, true],
  );
  const certificates: string[] = [];
  // The admin signs governance transactions; the organisation's applications sign as service.
  for (const [kind, role] of [
    ['user', 'admin'],
    ['service', 'service'],
  ] as const) {
    const issued = await issueWithFreshKey(ca, {
      kind,
      name: `${org.id}-${role}`,
      roles: [role],
      validity,
    });
    certificates.push(issued.certificate);
    files.push(
      [join(base, `${role}.pem`), issued.certificate, false],
      [join(base, `${role}.key`), issued.privateKey, true],
    );
  }
  for (const kind of SIGNING_CERTIFICATES) {
    const issued = await issueSigningCertificate(ca, org.id, kind, validity);
    files.push(
      [join(base, `${kind}.pem`), issued.certificate, false],
      [join(base, `${kind}.key`), issued.privateKey, true],
    );
  }
  return certificates;
}

/**
 * A node's TLS certificate and key, config.json and, for a validator, its consensus key.
 * Returns the validator's raw public key (hex), or undefined for an observer.
 */
async function generateNode(
  node: InitNode,
  ca: OrgCaPair,
  suite: SignatureSuite,
  validity: Validity,
  files: PlannedFile[],
): Promise<string | undefined> {
  const tls = await issueWithFreshKey(ca, {
    kind: 'node',
    name: node.name,
    roles: [node.role],
    validity,
    ...LOCAL_NODE_NAMES,
  });
  files.push(
    [join(node.dir, 'node.pem'), tls.certificate, false],
    [join(node.dir, 'node.key'), tls.privateKey, true],
  );
  const validator = node.role === 'validator';
  const config: NodeConfigDocument = {
    format: NODE_CONFIG_FORMAT,
    name: node.name,
    role: node.role,
    genesis: `../../${GENESIS_FILE}`,
    dataDir: './data',
    listen: node.listen,
    api: node.api,
    tls: { certificate: 'node.pem', key: 'node.key' },
    ...(validator ? { consensusKey: 'consensus.key' } : {}),
    logLevel: 'info',
  };
  files.push([node.configFile, `${JSON.stringify(config, null, 2)}\n`, false]);
  if (!validator) return undefined;
  const keys = suite.generateKeyPair();
  files.push([join(node.dir, 'consensus.key'), suite.secretKeyToPem(keys.secretKey), true]);
  return toHex(keys.publicKey);
}

/** A root CA (P-256: what every TLS stack verifies); a bad name is reported as `orgs[i].name`. */
async function createCa(org: ConsortiumOrg, index: number, validity: Validity): Promise<OrgCaPair> {
  try {
    const ca = await createOrgCa({
      orgId: org.id,
      name: org.name,
      validity,
      algorithm: 'ecdsa-p256',
    });
    return { certificate: normalisePem(ca.certificate), privateKey: normalisePem(ca.privateKey) };
  } catch (error) {
    if (error instanceof IdentityError && error.type.code === 'invalid-argument') {
      throw bad(`orgs[${index}].${error.type.field}`, error.message.replace(/^[^:]*: /, ''));
    }
    throw error;
  }
}

/**
 * An absent or empty directory is used as it is. A non-empty one is refused, unless `force` and
 * it holds a consortium (genesis.json): then its genesis, orgs and nodes (with their chain data,
 * which belongs to the old genesis) are to be removed. Anything else in it is left alone.
 * Returns whether the old consortium must be cleared. Checked before anything is generated.
 */
function checkDirectory(dir: string, force: boolean): boolean {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw bad('dir', `${dir} exists and is not a directory`);
    entries = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  if (entries.length === 0) return false;
  if (!force) {
    throw consortiumError(
      'directory-not-empty',
      'dir',
      `${dir} is not empty (${entries.length} entries); pass force to replace the consortium in it`,
      dir,
    );
  }
  if (!entries.includes(GENESIS_FILE)) {
    throw consortiumError(
      'not-a-consortium',
      'dir',
      `${dir} is not empty and holds no ${GENESIS_FILE}; not removing anything`,
      dir,
    );
  }
  return true;
}

/** Removes what `init` writes (CONSORTIUM_ENTRIES), then makes sure `dir` exists. */
function clearDirectory(dir: string, clear: boolean): void {
  if (clear) {
    for (const entry of CONSORTIUM_ENTRIES)
      rmSync(join(dir, entry), { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
}
