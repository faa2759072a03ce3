/**
 * A real local stack for the judicial evidence tests: a consortium of four validator processes
 * (`trellis-node init` + `start`, as `npm start` runs them), a member certificate with the
 * `court` role for the court organisation, and — for browser tests — the judicial evidence
 * service as its own process on a fresh database of the real PostgreSQL (DATABASE_URL), with an
 * accounts file of EVIDENCE_TEST_ACCOUNTS to sign in with.
 *
 * Everything is driven through the node CLI and HTTP, never by importing the node's code.
 */
import { join, resolve } from 'node:path';
import {
  type LocalConsortium,
  type ServiceOnConsortium,
  type TestAccount,
  startConsortium,
  startServiceOnConsortium,
} from '@trellis/shared/testing';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const SERVICE_MAIN = join(ROOT, 'apps', 'judicial-evidence', 'src', 'main.ts');

export type { LocalConsortium };

/** The local consortium, with the court organisation's `court-clerk` (role `court`) member. */
export function startEvidenceConsortium(): Promise<LocalConsortium> {
  return startConsortium({
    prefix: 'trellis-evidence-',
    members: [{ org: 'court', file: 'court', name: 'court-clerk', roles: ['service', 'court'] }],
  });
}

/** The environment the judicial evidence service needs to act on `consortium`. */
export function evidenceEnv(
  consortium: LocalConsortium,
  portalUrl = 'http://127.0.0.1:3001',
): Record<string, string> {
  return {
    TRELLIS_CHAIN_NODES: consortium.nodes.join(','),
    TRELLIS_CONSORTIUM_DIR: consortium.dir,
    TRELLIS_PORTAL_URL: portalUrl,
  };
}

export type EvidenceStack = ServiceOnConsortium;

/**
 * Who may sign in to the stack's service (password: TEST_PASSWORD of @trellis/shared/testing,
 * "test password, not a secret"): the bank's depositor and the court's clerk, as `npm start`
 * seeds them (there the clerk is `court-clerk`).
 */
export const EVIDENCE_TEST_ACCOUNTS: readonly TestAccount[] = [
  { username: 'depositor', organisation: 'bank', roles: ['depositor'] },
  { username: 'clerk', organisation: 'court', roles: ['court'] },
];

/**
 * The consortium plus the judicial evidence service as a process on a fresh database
 * (DATABASE_URL's server when set, else PGlite in the service's data directory).
 */
export async function startEvidenceStack(
  options: { portalUrl?: string; accounts?: readonly TestAccount[] } = {},
): Promise<EvidenceStack> {
  const consortium = await startEvidenceConsortium();
  return startServiceOnConsortium({
    consortium,
    main: SERVICE_MAIN,
    name: 'judicial-evidence',
    accounts: options.accounts ?? EVIDENCE_TEST_ACCOUNTS,
    env: evidenceEnv(consortium, options.portalUrl),
  });
}
