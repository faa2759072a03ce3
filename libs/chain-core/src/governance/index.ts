// Public face of the governance layer (docs/architecture.md, docs/spec/governance.md): the
// `system` contract, which keeps the consortium's membership and parameters, and the pure
// helpers the node and admission read that state with.
export { ACTION_TYPES, actionToValue, parseAction } from './actions';
export type {
  ActionType,
  AddObserver,
  AddOrganisation,
  AddValidator,
  GovernanceAction,
  RemoveObserver,
  RemoveOrganisation,
  RemoveValidator,
  RevokeCertificate,
  SetParameter,
} from './actions';
export { genesisState } from './genesis';
export type {
  GenesisCertificate,
  GenesisEntry,
  GenesisMembership,
  GenesisObserver,
  GenesisOrganisation,
  GenesisValidator,
} from './genesis';
export { GovernanceError } from './governance-error';
export type { GovernanceErrorCode } from './governance-error';
export {
  MAX_OBSERVERS,
  MAX_ORGANISATIONS,
  VALIDATOR_SET_KEY,
  ValidatorSetRecordSchema,
} from './layout';
export type {
  Approval,
  CertificateRecord,
  ObserverRecord,
  OrganisationRecord,
  OrganisationStatus,
  ProposalStatus,
  ValidatorRecord,
  ValidatorSetRecord,
} from './layout';
export { DEFAULT_PARAMETERS, PARAMETER_NAMES, PARAMETER_RULES } from './parameters';
export type { ParameterName, ParameterRule, SystemParameters } from './parameters';
export { approvalThreshold } from './proposals';
export {
  isRevoked,
  readCertificate,
  readObservers,
  readOrganisation,
  readOrganisations,
  readParameters,
  readProposal,
  readValidators,
  revokedHeight,
} from './readers';
export type { GovernanceProposal, SystemStateReader } from './readers';
export { scopeSystemState, validatorsChanged } from './scope';
export { SYSTEM_CONTRACT_NAME, systemContract } from './system-contract';
