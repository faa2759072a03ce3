// Genesis fixtures with real organisation CA certificates (identity's createOrgCa).
import { createOrgCa } from '../../src/identity';
import type { GenesisMembership, GenesisValidator, SystemParameters } from '../../src/governance';

const CA_VALIDITY = {
  notBefore: new Date('2025-01-01T00:00:00Z'),
  notAfter: new Date('2035-01-01T00:00:00Z'),
};

/** DER bytes of a PEM certificate. */
export function pemToDer(pem: string): Uint8Array {
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(body, 'base64'));
}

const cas = new Map<string, Uint8Array>();

/** The DER root CA certificate of `org` (made once per test file). */
export async function caOf(org: string): Promise<Uint8Array> {
  let der = cas.get(org);
  if (der === undefined) {
    const ca = await createOrgCa({
      orgId: org,
      name: `${org} root CA`,
      validity: CA_VALIDITY,
      algorithm: 'ed25519',
    });
    der = pemToDer(ca.certificate);
    cas.set(org, der);
  }
  return der;
}

/** Organisation ids `org-a`, `org-b`, … */
export function orgIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `org-${String.fromCharCode(97 + i)}`);
}

/** A distinct 32-byte consensus key per number. */
export function keyOf(i: number): Uint8Array {
  const key = new Uint8Array(32).fill(0x40);
  new DataView(key.buffer).setUint32(28, i);
  return key;
}

export function validatorOf(org: string, i: number): GenesisValidator {
  return { org, name: `${org}-node-${i}`, publicKey: keyOf(i), address: `10.0.0.${i + 1}:7100` };
}

/** `n` organisations, one validator each, no certificates or observers. */
export async function membership(
  n: number,
  parameters?: Partial<SystemParameters>,
): Promise<GenesisMembership> {
  const ids = orgIds(n);
  const organisations = await Promise.all(
    ids.map(async (id) => ({ id, name: `Organisation ${id}`, caCertificate: await caOf(id) })),
  );
  return {
    organisations,
    certificates: [],
    validators: ids.map((id, i) => validatorOf(id, i)),
    observers: [],
    ...(parameters === undefined ? {} : { parameters }),
  };
}
