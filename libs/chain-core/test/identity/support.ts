// Shared fixtures for the identity tests: fixed dates (never the wall clock), CA and member
// factories, and a runner for the real openssl CLI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CertificateKeyAlgorithm,
  createOrgCa,
  IdentityError,
  type IdentityErrorCode,
  issueMemberCertificate,
  type IssueMemberCertificateOptions,
  type OrgCa,
  Organisation,
} from '../../src/identity';

/** CA validity: 2025 through 2035. Member validity: 2026. Checks happen mid-2026. */
export const CA_VALIDITY = {
  notBefore: new Date('2025-01-01T00:00:00Z'),
  notAfter: new Date('2035-01-01T00:00:00Z'),
};
export const MEMBER_VALIDITY = {
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2027-01-01T00:00:00Z'),
};
export const AT = new Date('2026-06-01T12:00:00Z');

export const NEVER_REVOKED = (): boolean => false;

export interface TestOrg {
  readonly ca: OrgCa;
  readonly org: Organisation;
}

export async function makeOrg(
  orgId: string,
  algorithm: CertificateKeyAlgorithm = 'ecdsa-p256',
  validity = CA_VALIDITY,
): Promise<TestOrg> {
  const ca = await createOrgCa({ orgId, name: `${orgId} root CA`, validity, algorithm });
  const org = await Organisation.load({ id: orgId, name: orgId, rootCertificate: ca.certificate });
  return { ca, org };
}

type MemberOverrides = Partial<Omit<IssueMemberCertificateOptions, 'ca' | 'caKey' | 'publicKey'>>;

/** A user certificate from `org`'s CA with a generated P-256 key, unless overridden. */
export async function issueUser(org: TestOrg, overrides: MemberOverrides = {}): Promise<string> {
  const issued = await issueMemberCertificate({
    ca: org.ca.certificate,
    caKey: org.ca.privateKey,
    subjectName: 'alice',
    kind: 'user',
    roles: ['invoice-issuer', 'reimburser'],
    validity: MEMBER_VALIDITY,
    ...overrides,
  });
  return issued.certificate;
}

/** The IdentityError a promise rejects with (fails the test if it resolves or throws another). */
export async function identityErrorOf(promise: Promise<unknown>): Promise<IdentityError> {
  let outcome: unknown;
  try {
    await promise;
  } catch (error) {
    outcome = error;
  }
  if (!(outcome instanceof IdentityError)) {
    throw new Error(`expected an IdentityError, got ${String(outcome)}`);
  }
  return outcome;
}

export async function expectCode(
  promise: Promise<unknown>,
  code: IdentityErrorCode,
): Promise<IdentityError> {
  const error = await identityErrorOf(promise);
  expect(error.code).toBe(code);
  return error;
}

/** A scratch directory for openssl's files, removed by `dispose`. */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'trellis-identity-'));

  write(name: string, content: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface OpensslResult {
  readonly status: number;
  readonly output: string;
}

/** Runs the real openssl CLI; never throws on a non-zero exit (the test asserts on it). */
export function openssl(args: readonly string[], cwd: string): OpensslResult {
  try {
    const output = execFileSync('openssl', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OPENSSL_CONF: '/dev/null' },
    });
    return { status: 0, output };
  } catch (error) {
    const failed = error as { status?: number; stdout?: string; stderr?: string };
    return { status: failed.status ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** `openssl` that must succeed; returns its output. */
export function opensslOk(args: readonly string[], cwd: string): string {
  const result = openssl(args, cwd);
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed:\n${result.output}`);
  return result.output;
}

/** Seconds since the epoch, for `openssl verify -attime`. */
export function epochSeconds(date: Date): string {
  return String(Math.floor(date.getTime() / 1000));
}
