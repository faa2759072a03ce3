// The openssl-only recipe of docs/spec/identity.md §5, as files and argument lists, so that the
// tests run exactly what the spec tells an operator to run.
import { MEMBER_ATTRIBUTES_OID } from '../../src/identity';
import { openssl, opensslOk, type Scratch } from './support';

export type OpensslKeyType = 'P-256' | 'Ed25519';

export function genKey(scratch: Scratch, name: string, type: OpensslKeyType): string {
  const args =
    type === 'P-256'
      ? ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', name]
      : ['genpkey', '-algorithm', 'ED25519', '-out', name];
  opensslOk(args, scratch.dir);
  return scratch.path(name);
}

/** 16 random octets as openssl's `-set_serial` argument. */
export function randomSerialArgument(scratch: Scratch): string {
  return `0x${opensslOk(['rand', '-hex', '16'], scratch.dir).trim()}`;
}

/** §5 step 1: the root CA, from `ca.cnf`. */
export function caConfig(orgId: string, name: string, extraExtensions = ''): string {
  return `[req]
prompt             = no
utf8               = yes
string_mask        = utf8only
distinguished_name = ca_dn
x509_extensions    = ca_ext

[ca_dn]
O  = ${orgId}
CN = ${name}

[ca_ext]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
${extraExtensions}`;
}

/** §5 step 2: the member's key and certificate request, from `member.cnf`. */
export function memberRequestConfig(orgId: string, name: string): string {
  return `[req]
prompt             = no
utf8               = yes
string_mask        = utf8only
distinguished_name = member_dn

[member_dn]
O  = ${orgId}
CN = ${name}
`;
}

/** §5 step 3, form A: the member-attributes extension as `DER:` hex. */
export function memberExtensionsDer(attributesHex: string, more = ''): string {
  return `basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
${MEMBER_ATTRIBUTES_OID} = DER:${attributesHex}
${more}`;
}

/** §5 step 3, form B: the same extension written with openssl's ASN1_generate_nconf syntax. */
export function memberExtensionsAsn1(kindNumber: number, roles: readonly string[]): string {
  return `basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
${MEMBER_ATTRIBUTES_OID} = ASN1:SEQUENCE:member_attributes

[member_attributes]
kind  = ENUMERATED:${kindNumber}
roles = SEQUENCE:member_roles

[member_roles]
${roles.map((role, i) => `role${i} = UTF8String:${role}`).join('\n')}
`;
}

export interface OpensslCa {
  readonly certificate: string;
  readonly key: string;
}

export function opensslCa(
  scratch: Scratch,
  prefix: string,
  type: OpensslKeyType,
  config: string,
): OpensslCa {
  const key = genKey(scratch, `${prefix}.key`, type);
  const cnf = scratch.write(`${prefix}.cnf`, config);
  const certificate = scratch.path(`${prefix}.pem`);
  opensslOk(
    ['req', '-x509', '-new', '-config', cnf, '-key', key, '-days', '3650'].concat([
      '-set_serial',
      randomSerialArgument(scratch),
      '-out',
      certificate,
    ]),
    scratch.dir,
  );
  return { certificate, key };
}

/** Issues `prefix.pem` for a new key: `openssl req -new` then `openssl x509 -req -extfile`. */
export function opensslMember(
  scratch: Scratch,
  prefix: string,
  ca: OpensslCa,
  request: { orgId: string; name: string; type: OpensslKeyType },
  extensions: string,
): { status: number; output: string; certificate: string } {
  const key = genKey(scratch, `${prefix}.key`, request.type);
  const cnf = scratch.write(`${prefix}.cnf`, memberRequestConfig(request.orgId, request.name));
  const csr = scratch.path(`${prefix}.csr`);
  opensslOk(['req', '-new', '-config', cnf, '-key', key, '-out', csr], scratch.dir);
  const ext = scratch.write(`${prefix}.ext`, extensions);
  const certificate = scratch.path(`${prefix}.pem`);
  const result = openssl(
    ['x509', '-req', '-in', csr, '-CA', ca.certificate, '-CAkey', ca.key, '-days', '365'].concat([
      '-set_serial',
      randomSerialArgument(scratch),
      '-extfile',
      ext,
      '-out',
      certificate,
    ]),
    scratch.dir,
  );
  return { ...result, certificate };
}
