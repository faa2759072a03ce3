import 'reflect-metadata';
// @peculiar/x509 (through tsyringe) needs the metadata API installed before it loads.
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// The workspace compiles without the DOM lib: Node's declarations of the WebCrypto types.
type Crypto = webcrypto.Crypto;
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const crypto: Crypto = webcrypto;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface TestPki {
  caPem: string;
  leafPem: string;
  leafKeyPem: string;
  /** Another P-256 key, not the leaf's. */
  otherKeyPem: string;
  /** A leaf whose keyUsage allows only keyEncipherment. */
  encipherOnlyPem: string;
  encipherOnlyKeyPem: string;
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

async function leaf(
  ca: CryptoKeyPair,
  subject: string,
  usages: x509.KeyUsageFlags,
  serialNumber: string,
): Promise<{ pem: string; keyPem: string }> {
  const keys = await crypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber,
      subject,
      issuer: 'CN=Bank of Example Root CA, O=Bank of Example',
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2035-01-01T00:00:00Z'),
      signingAlgorithm: SIGN,
      publicKey: keys.publicKey,
      signingKey: ca.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(usages, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { pem: cert.toString('pem'), keyPem: await pkcs8Pem(keys.privateKey) };
}

/** A P-256 CA and document-signing leaf made with @peculiar/x509 (no fixtures on disk). */
export async function makeTestPki(): Promise<TestPki> {
  const ca = await crypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: '01',
      name: 'CN=Bank of Example Root CA, O=Bank of Example',
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2045-01-01T00:00:00Z'),
      signingAlgorithm: SIGN,
      keys: ca,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(ca.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const signer = await leaf(
    ca,
    'CN=Bank of Example Evidence Signing, O=Bank of Example',
    x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
    '5eed01',
  );
  const encipher = await leaf(
    ca,
    'CN=Bank of Example Encryption, O=Bank of Example',
    x509.KeyUsageFlags.keyEncipherment,
    '5eed02',
  );
  const other = await crypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  return {
    caPem: caCert.toString('pem'),
    leafPem: signer.pem,
    leafKeyPem: signer.keyPem,
    otherKeyPem: await pkcs8Pem(other.privateKey),
    encipherOnlyPem: encipher.pem,
    encipherOnlyKeyPem: encipher.keyPem,
  };
}
