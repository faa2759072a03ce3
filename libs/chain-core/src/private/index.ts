// Public face of private data (docs/spec/private-data.md): envelopes that encrypt a private
// payload to the validators of its recipient organisations, the validator's private store, and
// the signed read requests members fetch plaintexts with.
export { AEAD_IDS } from './aead';
export {
  MAX_PRIVATE_RECIPIENT_ORGS,
  MAX_PRIVATE_SUBMISSION_BYTES,
  PRIVATE_ARG,
  PrivateSubmissionSchema,
  decodePrivateSubmission,
  matchesCommitment,
  privateCommitment,
  readPrivateCommitment,
} from './commitment';
export type { PrivateCommitment, PrivateSubmission } from './commitment';
export type { AeadId } from './aead';
export {
  ENVELOPE_ID_BYTES,
  MAX_ENVELOPE_BYTES,
  MAX_PRIVATE_PAYLOAD_BYTES,
  MAX_PRIVATE_RECIPIENTS,
  PRIVATE_ENVELOPE_VERSION,
  PRIVATE_TAGS,
  PrivateEnvelopeSchema,
  SUITE_AEAD,
} from './envelope-format';
export type { EnvelopeRecipient, PrivateEnvelope } from './envelope-format';
export { openPrivatePayload, privatePayloadHash, sealPrivatePayload } from './envelope';
export type {
  OpenPrivatePayloadOptions,
  OpenedPrivatePayload,
  PrivateRecipientKey,
  SealPrivatePayloadDeps,
  SealPrivatePayloadInput,
  SealedPrivatePayload,
} from './envelope';
export type { RandomBytes } from './key-agreement';
export { PrivateDataError } from './private-data-error';
export type { PrivateDataErrorCode, PrivateDataErrorDetails } from './private-data-error';
export { MAX_PRIVATE_RECORD_BYTES, PrivateStore } from './private-store';
export type { PrivateRecord, PrivateStoreOptions } from './private-store';
export {
  PRIVATE_READ_HEADERS,
  authorizePrivateRead,
  privateReadMessage,
  signPrivateRead,
  verifyPrivateRead,
} from './read-auth';
export type {
  AuthorizePrivateReadOptions,
  CheckReaderMembership,
  IncomingHeaders,
  PrivateReadHeaders,
  PrivateReader,
  PrivateReaderMember,
  SignPrivateReadInput,
  VerifyPrivateReadOptions,
} from './read-auth';
