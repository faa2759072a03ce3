// The chain client SDK: `@trellis/shared/chain`. Plain TypeScript (no Nest): keys, signing,
// submitting with retries and failover, the event stream, and exactly-once projections.
// Nest services use it through ChainModule (`@trellis/shared`).
export { blockMessage, checkEventFilter, matchesEventFilter, parseStreamMessage } from './blocks';
export type { ChainBlock, ChainEvent, EventFilter, StreamMessage } from './blocks';
export { ChainClient } from './chain-client';
export type { ChainClientOptions, SubmitOptions } from './chain-client';
export { ChainProjection } from './chain-projection';
export type { BlockSource, ChainProjectionOptions } from './chain-projection';
export { ChainError, ChainRequestError } from './errors';
export type { ChainErrorCode, ChainErrorMeta, ChainProblem } from './errors';
export { EventStream } from './event-stream';
export type { EventStreamOptions, StreamNotice } from './event-stream';
export { DEFAULT_SCRYPT, KEYSTORE_FORMAT, KEYSTORE_VERSION, Keystore } from './keystore';
export type { KeyEntryInfo, KeystoreCreateOptions, ScryptParams } from './keystore';
export { KeystoreError } from './keystore-error';
export type { KeystoreErrorCode, KeystoreErrorMeta } from './keystore-error';
export type {
  ChainStatus,
  CommittedTransaction,
  PendingTransaction,
  PrivatePayload,
  ReceiptEventView,
  ReceiptView,
  SubmitResult,
  TransactionStatus,
  UnknownTransaction,
} from './responses';
export { KEY_NAME_PATTERN, TransactionSigner } from './signer';
export type { KeyEntryInput } from './signer';
export { memberKey, signTransaction } from './transactions';
export type { MemberKey, SignedTransaction, TransactionRequest } from './transactions';
// The commitment a private transaction's args carry (docs/spec/private-data.md): services build
// it without importing chain-core themselves.
export { privateCommitment } from '@trellis/chain-core';
export { ChainGateway } from './chain-gateway';
export { loadConsortium } from './consortium-files';
export type {
  Consortium,
  KeyPairFiles,
  LoadConsortiumOptions,
  OrgMember,
} from './consortium-files';
export { MemberChain, loadChainServiceConfig } from './member-chain';
export type { ChainServiceConfig, MemberChainOptions } from './member-chain';
export { ProjectionRunner } from './projection-runner';
