/**
 * The options of `trellis-node init` and their checks: every option is validated up front, so
 * that nothing is generated or written for a consortium that could not work (clashing ports,
 * an observer of an organisation that is not there).
 */
import { resolve } from 'node:path';
import { isOrgId, ORG_ID_PATTERN, SUITE_IDS, type SuiteId } from '@trellis/chain-core';
import { consortiumError } from './consortium-error';
import { NAME_PATTERN } from './genesis-schema';

export interface ConsortiumOrg {
  /** Organisation id (ORG_ID_PATTERN). */
  readonly id: string;
  /** Display name: the CA's CN and genesis's `name`. */
  readonly name: string;
}

export interface InitConsortiumOptions {
  readonly dir: string;
  readonly chainId: string;
  /** One validator each, in this order. */
  readonly orgs: readonly ConsortiumOrg[];
  /** Validator i (from 0) listens on basePort + 1 + i, observers after the validators. */
  readonly basePort: number;
  /** The same numbering for the nodes' API ports. */
  readonly apiBasePort: number;
  /** Ids of organisations that also run an observer node. */
  readonly observers?: readonly string[];
  /** Replace the consortium already in `dir` (its genesis, orgs and nodes, with their data). */
  readonly force?: boolean;
  /** Consensus signature suite; default ed25519. */
  readonly suite?: SuiteId;
  /** Genesis time and start of every validity period (less an hour); default the wall clock. */
  readonly now?: Date;
}

/** What `npm start` runs: four organisations, chain `trellis-local`, P2P 7101–7104, API 7201–7204. */
export const DEFAULT_CONSORTIUM: Readonly<
  Pick<InitConsortiumOptions, 'chainId' | 'orgs' | 'basePort' | 'apiBasePort'>
> = Object.freeze({
  chainId: 'trellis-local',
  orgs: Object.freeze([
    { id: 'tax-bureau', name: 'Tax Bureau' },
    { id: 'bank', name: 'Commercial Bank' },
    { id: 'court', name: 'Internet Court' },
    { id: 'manufacturer', name: 'Manufacturer' },
  ]),
  basePort: 7100,
  apiBasePort: 7200,
});

/**
 * The organisation supervising each vertical (a recipient of all its private data), where the
 * consortium has it: written to genesis `parameters.privateData.supervisors`. The local
 * consortium has no financial or market regulator, so supply-finance and anti-counterfeit
 * have none unless a deployment names one in its genesis.
 */
export const DEFAULT_SUPERVISORS: Readonly<Record<string, string>> = Object.freeze({
  invoice: 'tax-bureau',
  'gov-directory': 'tax-bureau',
  'judicial-evidence': 'court',
  copyright: 'court',
});

export interface CheckedInitOptions {
  readonly dir: string;
  readonly chainId: string;
  readonly orgs: readonly ConsortiumOrg[];
  readonly basePort: number;
  readonly apiBasePort: number;
  readonly observers: readonly string[];
  readonly suite: SuiteId;
}

/** Checks every option, naming the bad one; `dir` made absolute, defaults filled in. */
export function checkInitOptions(options: InitConsortiumOptions): CheckedInitOptions {
  if (typeof options !== 'object' || options === null) {
    throw consortiumError('invalid-argument', 'options', 'expected an options object');
  }
  const { dir, chainId, orgs, observers = [], suite = 'ed25519', now } = options;
  if (typeof dir !== 'string' || dir === '') throw bad('dir', 'expected a directory path');
  if (typeof chainId !== 'string' || !NAME_PATTERN.test(chainId)) {
    throw bad('chainId', `${JSON.stringify(chainId)} does not match ${NAME_PATTERN}`);
  }
  if (!Array.isArray(orgs) || orgs.length === 0)
    throw bad('orgs', 'expected at least one organisation');
  const ids = new Set<string>();
  for (const [i, org] of orgs.entries()) {
    if (!isOrgId(org?.id))
      throw bad(`orgs[${i}].id`, `${JSON.stringify(org?.id)} does not match ${ORG_ID_PATTERN}`);
    if (ids.has(org.id)) throw bad(`orgs[${i}].id`, `${org.id} is listed twice`);
    ids.add(org.id);
  }
  if (!Array.isArray(observers)) throw bad('observers', 'expected an array of organisation ids');
  for (const [i, id] of observers.entries()) {
    if (!ids.has(id)) throw bad(`observers[${i}]`, `${JSON.stringify(id)} is not one of orgs`);
    if (observers.indexOf(id) !== i) throw bad(`observers[${i}]`, `${id} is listed twice`);
  }
  const nodeCount = orgs.length + observers.length;
  for (const field of ['basePort', 'apiBasePort'] as const) {
    const port = options[field];
    if (!Number.isInteger(port) || port < 1 || port + nodeCount > 65535) {
      throw bad(field, `${String(port)} + ${nodeCount} nodes must stay within 1..65535`);
    }
  }
  const { basePort, apiBasePort } = options;
  if (Math.abs(basePort - apiBasePort) < nodeCount) {
    throw bad(
      'apiBasePort',
      `${apiBasePort} overlaps the P2P ports ${basePort + 1}..${basePort + nodeCount}`,
    );
  }
  if (!SUITE_IDS.includes(suite)) throw bad('suite', `expected one of ${SUITE_IDS.join(', ')}`);
  if (now !== undefined && (!(now instanceof Date) || Number.isNaN(now.getTime()))) {
    throw bad('now', 'expected a valid Date');
  }
  return { dir: resolve(dir), chainId, orgs, basePort, apiBasePort, observers, suite };
}

/** An `invalid-argument` error about option `field`. */
export function bad(field: string, message: string) {
  return consortiumError('invalid-argument', field, message);
}
