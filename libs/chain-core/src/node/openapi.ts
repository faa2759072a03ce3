/**
 * The OpenAPI 3.1 description of the node API (served at `/v1/openapi.json`). The API tests
 * check every answer they get against it: its status must be documented for the operation,
 * and a problem's `code` must be one of `PROBLEM_CODES`.
 */

/** Every problem `code` the node API answers with, and what it means. */
export const PROBLEM_CODES: Readonly<Record<string, string>> = Object.freeze({
  'not-found': 'no such route',
  'method-not-allowed': 'the route exists with another method (see `allow`)',
  'invalid-query': 'an unknown, repeated or malformed query parameter',
  'invalid-id': 'a transaction id or block reference that is not well formed',
  'invalid-key': 'a state key that is not 1–1024 bytes of lower-case hex',
  'unsupported-media-type': 'a transaction body must be application/cbor',
  'upgrade-required': '/v1/events is a WebSocket',
  oversized: 'the body is larger than a transaction may be',
  malformed: 'the body is not an encoded transaction',
  'wrong-chain': 'the transaction names another chain',
  'unknown-contract': 'no such contract on this chain',
  'unknown-method': 'the contract has no such method',
  expired: 'the expiry height has passed',
  'ttl-too-long': 'the expiry height is too far ahead',
  replayed: 'this transaction id is already pending or committed',
  'unknown-certificate': "the signer's certificate is not registered",
  'certificate-invalid': 'the certificate breaks the member profile',
  'certificate-expired': 'the certificate has expired',
  'certificate-not-yet-valid': 'the certificate is not valid yet',
  'certificate-revoked': 'the certificate is revoked',
  'not-a-member': "the certificate's issuer is not an organisation of the consortium",
  'signer-mismatch': 'the signer field names another certificate',
  forbidden: 'the member lacks the role the method requires',
  'bad-signature': 'the signature does not verify',
  busy: 'the pool is full: retry after `retry-after` seconds with the same bytes',
  'not-a-validator': 'this node is an observer: submit to a validator',
  'commit-timeout': 'accepted but not committed within timeoutMs: poll its status',
  'unknown-transaction': 'no pending or committed transaction has this id',
  'unknown-block': 'no committed block has this height or hash',
  'not-yet-provable': 'committed, but the 2-chain that proves it is not yet: retry shortly',
  'epoch-proof-unavailable': 'this node lacks an epoch-change proof (it synced past it)',
  'not-ready': 'the node is not ready (catching up or too few peers)',
  stopping:
    'the node is stopping while a wait=commit waited: the transaction is pending, ask another node',
  'not-private': 'a private submission whose transaction carries no args.private commitment',
  'recipients-refused':
    'the recipients are refused: supervisor missing, unknown organisation, or one without a validator',
  'payload-hash-mismatch': "the payload does not hash to the transaction's payloadHash",
  'delivery-failed':
    'not every recipient organisation stored the payload in time; nothing was submitted: retry',
  unauthenticated: 'a private read without valid x-trellis-* signature headers',
  'not-authorised':
    "the reader's organisation is not this node's, or this node's is not a recipient",
  'unknown-private-data': 'no private payload of a committed transaction with this id here',
  internal: 'a bug: please report it',
});

const problem = { $ref: '#/components/responses/Problem' };
const hex = (bytes: number | string) => ({
  type: 'string',
  pattern: typeof bytes === 'number' ? `^[0-9a-f]{${bytes * 2}}$` : '^[0-9a-f]*$',
});
const decimal = { type: 'string', pattern: '^[0-9]+$' };
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const bundle = {
  description:
    'The proof bundle (docs/spec/proofs.md §6): JSON with the CBOR bundle in hex, or the raw CBOR with `accept: application/cbor`. Verify it with `trellis-verify --genesis genesis.json`.',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['format', 'chainId', 'kind', 'bundle'],
        properties: {
          format: { const: 'trellis-proof/v1' },
          chainId: { type: 'string' },
          kind: { enum: ['transaction', 'state'] },
          bundle: hex('x'),
        },
      },
    },
    'application/cbor': { schema: { type: 'string', format: 'binary' } },
  },
};
const txStatus = {
  type: 'object',
  required: ['id', 'status'],
  properties: {
    id: hex(32),
    status: { enum: ['pending', 'committed'] },
    height: decimal,
    index: { type: 'integer' },
    receipt: { $ref: '#/components/schemas/Receipt' },
  },
};

/** What both submit routes take and answer (`wait=commit`, a CBOR body, the admission codes). */
const submitOperation = {
  parameters: [
    { name: 'wait', in: 'query', schema: { enum: ['commit'] } },
    {
      name: 'timeoutMs',
      in: 'query',
      schema: { type: 'integer', minimum: 1, maximum: 120000 },
    },
  ],
  requestBody: {
    required: true,
    content: { 'application/cbor': { schema: { type: 'string', format: 'binary' } } },
  },
  responses: {
    200: json(txStatus),
    202: json(txStatus),
    400: problem,
    403: problem,
    409: problem,
    413: problem,
    415: problem,
    421: problem,
    503: problem,
    504: problem,
  },
};

export const OPENAPI_DOCUMENT = Object.freeze({
  openapi: '3.1.0',
  info: {
    title: 'Trellis node API',
    version: '1.0.0',
    description:
      'A validator or observer node: submit transactions, read blocks and receipts, get proofs anyone can verify from genesis, follow events. Errors are RFC 9457 problem+json with a typed `code`.',
  },
  paths: {
    '/health': { get: { summary: 'Liveness', responses: { 200: json({ type: 'object' }) } } },
    '/v1/health': { get: { summary: 'Liveness', responses: { 200: json({ type: 'object' }) } } },
    '/v1/ready': {
      get: {
        summary: 'Readiness: started, caught up, linked to a quorum',
        responses: { 200: json({ type: 'object' }), 503: problem },
      },
    },
    '/v1/status': {
      get: {
        summary: 'Height, epoch, peers, mempool',
        responses: { 200: json({ type: 'object' }) },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics',
        responses: { 200: { content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    '/v1/openapi.json': {
      get: { summary: 'This document', responses: { 200: json({ type: 'object' }) } },
    },
    '/v1/transactions': {
      post: {
        summary: 'Submit a signed transaction (its CBOR encoding)',
        ...submitOperation,
      },
    },
    '/v1/private/transactions': {
      post: {
        summary:
          'Submit a private transaction through a node of your organisation: CBOR [transaction, payload]; the payload goes encrypted to the recipient organisations, only its hash on chain (docs/spec/private-data.md)',
        ...submitOperation,
      },
    },
    '/v1/private/{id}': {
      get: {
        summary:
          "A private payload, for a member of this node's organisation when it is a recipient; signed with the x-trellis-certificate, -timestamp and -signature headers",
        parameters: [
          { name: 'id', in: 'path', required: true, schema: hex(32) },
          {
            name: 'x-trellis-certificate',
            in: 'header',
            required: true,
            schema: { type: 'string' },
          },
          { name: 'x-trellis-timestamp', in: 'header', required: true, schema: decimal },
          { name: 'x-trellis-signature', in: 'header', required: true, schema: { type: 'string' } },
        ],
        responses: {
          200: json({
            type: 'object',
            required: ['txId', 'payloadHash', 'recipients', 'payload'],
            properties: {
              txId: hex(32),
              payloadHash: hex(32),
              recipients: { type: 'array', items: { type: 'string' } },
              receivedAtMs: decimal,
              reader: { type: 'object' },
              payload: { type: 'string', contentEncoding: 'base64' },
            },
          }),
          400: problem,
          401: problem,
          403: problem,
          404: problem,
        },
      },
    },
    '/v1/transactions/{id}': {
      get: {
        summary: 'A transaction: pending, or committed with its receipt',
        parameters: [{ name: 'id', in: 'path', required: true, schema: hex(32) }],
        responses: { 200: json(txStatus), 400: problem, 404: problem },
      },
    },
    '/v1/transactions/{id}/proof': {
      get: {
        summary: 'Inclusion proof of a committed transaction and of its receipt',
        parameters: [{ name: 'id', in: 'path', required: true, schema: hex(32) }],
        responses: { 200: bundle, 400: problem, 404: problem, 503: problem },
      },
    },
    '/v1/blocks/{ref}': {
      get: {
        summary: 'A committed block by height or hash, with its QC and commit chain',
        parameters: [
          {
            name: 'ref',
            in: 'path',
            required: true,
            schema: { oneOf: [decimal, hex(32)] },
          },
        ],
        responses: { 200: json({ type: 'object' }), 400: problem, 404: problem },
      },
    },
    '/v1/state/{contract}/{key}': {
      get: {
        summary: "A contract's state value (or its absence) with a proof",
        parameters: [
          { name: 'contract', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'key', in: 'path', required: true, schema: hex('x') },
        ],
        responses: { 200: bundle, 400: problem, 404: problem, 503: problem },
      },
    },
    '/v1/epochs': {
      get: {
        summary: 'Validator set per epoch with the signed epoch-change chain from genesis',
        responses: { 200: json({ type: 'object' }), 503: problem },
      },
    },
    '/v1/events': {
      get: {
        summary:
          'WebSocket: one JSON message per committed block from fromHeight, no gaps, with the events matching contract/type (type may end in *)',
        parameters: [
          { name: 'fromHeight', in: 'query', schema: decimal },
          { name: 'contract', in: 'query', schema: { type: 'string' } },
          { name: 'type', in: 'query', schema: { type: 'string' } },
        ],
        responses: { 101: { description: 'Switching to WebSocket' }, 426: problem },
      },
    },
  },
  components: {
    responses: {
      Problem: {
        description: 'RFC 9457 problem details',
        content: {
          'application/problem+json': {
            schema: {
              type: 'object',
              required: ['type', 'title', 'status', 'detail', 'code'],
              properties: {
                type: { type: 'string' },
                title: { type: 'string' },
                status: { type: 'integer' },
                detail: { type: 'string' },
                code: { enum: Object.keys(PROBLEM_CODES) },
              },
            },
          },
        },
      },
    },
    schemas: {
      Receipt: {
        type: 'object',
        properties: {
          txId: hex(32),
          status: { enum: ['ok', 'failed'] },
          error: { type: ['object', 'null'] },
          steps: decimal,
          events: { type: 'array' },
        },
      },
    },
  },
});
