/**
 * `createOrgCa`: a new organisation root CA (docs/spec/identity.md §2.1). The node CLI exposes it
 * as `trellis-node identity create-ca`; genesis lists the certificate, the key stays offline.
 */
import {
  buildCertificate,
  extensionSpec,
  randomSerial,
  subjectKeyId,
  subjectName,
} from './build-certificate';
import { invalidArgument } from './identity-error';
import { exportPkcs8Pem, exportSpkiDer, generateKeyPair } from './keys';
import { type CertificateKeyAlgorithm, isOrgId, ORG_ID_PATTERN } from './profile-rules';
import {
  type CertificateValidity,
  checkAlgorithm,
  checkDisplayName,
  checkOptions,
  checkValidity,
} from './tool-arguments';
import { x509 } from './x509-runtime';

export interface CreateOrgCaOptions {
  /** Organisation id, e.g. `tax-bureau-sz`: the CA's subject `O`. */
  readonly orgId: string;
  /** Display name, e.g. `Shenzhen Tax Bureau`: the CA's subject `CN`. */
  readonly name: string;
  readonly validity: CertificateValidity;
  /** Default `ecdsa-p256`. */
  readonly algorithm?: CertificateKeyAlgorithm;
}

export interface OrgCa {
  /** The root CA certificate, PEM. */
  readonly certificate: string;
  /** Its private key, PKCS#8 PEM (unencrypted: the caller stores it safely). */
  readonly privateKey: string;
}

export async function createOrgCa(options: CreateOrgCaOptions): Promise<OrgCa> {
  checkOptions(options, 'options');
  if (!isOrgId(options.orgId)) {
    throw invalidArgument(
      'orgId',
      `${JSON.stringify(options.orgId)} does not match ${ORG_ID_PATTERN}`,
    );
  }
  const name = checkDisplayName(options.name, 'name');
  const validity = checkValidity(options.validity, 'validity');
  const algorithm = checkAlgorithm(options.algorithm, 'algorithm');

  const keys = await generateKeyPair(algorithm);
  const spki = await exportSpkiDer(keys.publicKey);
  const keyId = await subjectKeyId(spki);
  const subject = subjectName(options.orgId, name);
  const der = await buildCertificate({
    serial: randomSerial(),
    issuer: subject,
    subject,
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
    spki,
    extensions: [
      extensionSpec(new x509.BasicConstraintsExtension(true, 0, true)),
      extensionSpec(
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
          true,
        ),
      ),
      extensionSpec(new x509.SubjectKeyIdentifierExtension(keyId)),
      extensionSpec(new x509.AuthorityKeyIdentifierExtension(keyId)),
    ],
    signingKey: keys.privateKey,
    signingAlgorithm: algorithm,
  });
  return Object.freeze({
    certificate: x509.PemConverter.encode(der, 'CERTIFICATE'),
    privateKey: await exportPkcs8Pem(keys.privateKey),
  });
}
