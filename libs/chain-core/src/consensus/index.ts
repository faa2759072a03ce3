/**
 * The consensus layer (docs/spec/consensus.md): a sans-I/O chained HotStuff core with a
 * 2-chain commit, its safety rules, leader election and the verification edge.
 */
export { blockHash } from './block-hash';
export { ConsensusCore, DEFAULT_PACEMAKER } from './core';
export type { CommittedBlock, CoreOptions, PacemakerParams } from './core';
export { ConsensusError } from './errors';
export type { ConsensusErrorCode } from './errors';
export type {
  EpochRoot,
  EpochState,
  Equivocation,
  ExecutionResult,
  Input,
  Output,
  Payload,
} from './io';
export { DEFAULT_REPUTATION, leaderOf } from './leader';
export type { CommittedInfo, ReputationParams } from './leader';
export {
  MAX_BLOCKS_PER_RESPONSE,
  MAX_MESSAGE_BYTES,
  ProposalSchema,
  decodeMessage,
  encodeMessage,
  validateMessageBasic,
} from './messages';
export type {
  BlockRequest,
  BlockResponse,
  ConsensusMessage,
  MessageKind,
  Proposal,
  SyncInfo,
  TimeoutMessage,
} from './messages';
export { SafetyDataSchema, SafetyRules, initialSafetyData } from './safety-rules';
export type { SafetyData, SafetyRulesApi, SafetyRulesDeps, VoteProposal } from './safety-rules';
export { ValidatorSet } from './validator-set';
export type { NodeId } from './validator-set';
export { MessageVerifier } from './verify';
export type { Verified, VerifierDeps } from './verify';
