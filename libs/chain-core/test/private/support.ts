// Shared fixtures of the private-data tests: validator key sets per suite, a seeded random
// source (for reproducible envelopes), scratch directories, and real organisations with real
// member certificates for the read requests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { getSuite, type KeyPair, type SuiteId } from '../../src/crypto';
import {
  type CertificateKeyAlgorithm,
  type CertificateValidity,
  issueMemberCertificate,
} from '../../src/identity';
import { CA_VALIDITY, type TestOrg, makeOrg } from '../mempool/fixtures';

export { CA_VALIDITY, type TestOrg, makeOrg };

export const CHAIN = 'trellis-test';
export const SUITES: readonly SuiteId[] = ['ed25519', 'p256', 'sm2'];

/** A validator: its organisation and consensus key pair. */
export interface Validator extends KeyPair {
  readonly org: string;
}

/** `count` validators with keys of `suite`, two per organisation: org-a, org-b, …, org-z, org-26, … */
export function validators(suite: SuiteId, count: number): Validator[] {
  const keys = getSuite(suite);
  return Array.from({ length: count }, (_, i) => {
    const n = Math.floor(i / 2);
    return { org: `org-${n < 26 ? String.fromCharCode(97 + n) : n}`, ...keys.generateKeyPair() };
  });
}

/** A deterministic byte source: SHA-256(seed ‖ counter) blocks. Never use outside tests. */
export function seededRandom(seed: string): (length: number) => Uint8Array {
  let counter = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += 32) {
      const block = createHash('sha256').update(`${seed}/${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, length - offset)), offset);
    }
    return out;
  };
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Temporary directories removed after the suite. */
export class Scratch {
  private readonly dirs: string[] = [];

  dir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-private-'));
    this.dirs.push(dir);
    return dir;
  }

  dispose(): void {
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}

export const MEMBER_VALIDITY: CertificateValidity = {
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2027-01-01T00:00:00Z'),
};
/** The node's clock in the read tests: mid-2026, never the wall clock. */
export const NOW_MS = Date.parse('2026-06-01T12:00:00Z');

/** A member able to sign read requests: its certificate (DER) and raw secret key. */
export interface Member {
  readonly org: string;
  readonly name: string;
  readonly der: Uint8Array;
  readonly secretKey: Uint8Array;
}

export async function issueMember(
  org: TestOrg,
  name: string,
  algorithm: CertificateKeyAlgorithm,
): Promise<Member> {
  const issued = await issueMemberCertificate({
    ca: org.ca.certificate,
    caKey: org.ca.privateKey,
    subjectName: name,
    kind: 'service',
    roles: ['private-reader'],
    algorithm,
    validity: MEMBER_VALIDITY,
  });
  const body = issued.certificate.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
  const suite = getSuite(algorithm === 'ed25519' ? 'ed25519' : 'p256');
  return {
    org: org.org.id,
    name,
    der: Uint8Array.from(Buffer.from(body, 'base64')),
    secretKey: suite.secretKeyFromPem(issued.privateKey),
  };
}
