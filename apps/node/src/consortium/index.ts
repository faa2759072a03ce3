// Public face of the consortium files and commands: genesis.json, config.json, key files,
// `trellis-node init` and `trellis-node cert issue`.
export { formatHostPort, parseHostPort } from './address';
export type { HostPort } from './address';
export { canonicalJson } from './canonical-json';
export type { JsonValue } from './canonical-json';
export { ConsortiumError } from './consortium-error';
export type { ConsortiumErrorCode, ConsortiumIssue } from './consortium-error';
export { canonicalConsensusKey, genesisDocument, hashGenesis } from './genesis';
export type {
  Genesis,
  GenesisCertificate,
  GenesisObserver,
  GenesisOrganisation,
  GenesisValidator,
} from './genesis';
export { GENESIS_FORMAT, NAME_PATTERN } from './genesis-schema';
export type { GenesisDocument } from './genesis-schema';
export { initConsortium } from './init-consortium';
export type { InitConsortiumResult, InitNode } from './init-consortium';
export { DEFAULT_CONSORTIUM, DEFAULT_SUPERVISORS } from './init-options';
export type { ConsortiumOrg, InitConsortiumOptions } from './init-options';
export { issueCertificate, loadOrgCa } from './issue-certificate';
export type { IssueCertificateOptions, IssuedCertificate, OrgCaFiles } from './issue-certificate';
export { loadPem, loadSecretKey, PRIVATE_FILE_MODE } from './key-files';
export { CONFIG_FILE, GENESIS_FILE, MEMBER_KEY_ALGORITHM, nodeDir, orgDir } from './layout';
export { LOG_LEVELS, loadNodeConfig, NODE_CONFIG_FORMAT, NODE_ROLES } from './node-config';
export type { LogLevel, NodeConfig, NodeConfigDocument, NodeRole } from './node-config';
export { nodeGenesisEntry } from './node-identity';
export type { NodeGenesisEntry } from './node-identity';
export { loadGenesis, parseGenesis } from './parse-genesis';
export { describeInit, describeIssued } from './report';
export {
  ID_KP_TIME_STAMPING,
  issueSigningCertificate,
  SIGNING_CERTIFICATES,
} from './signing-certificates';
export type { SigningCertificateKind } from './signing-certificates';
