/**
 * Private data through the node API on a real 4-node cluster (tax-bureau, bank, court,
 * manufacturer; court supervises judicial-evidence): a bank member submits a notarisation whose
 * metadata is private to bank and court. Members of the recipient organisations read it from
 * their own organisation's node; everyone else gets a typed refusal. Bad submissions change
 * nothing on chain.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  OPENAPI_DOCUMENT,
  PROBLEM_CODES,
  PrivateSubmissionSchema,
  type CborValue,
  privateCommitment,
  signPrivateRead,
  toHex,
} from '@trellis/chain-core';
import { ChainClient, ChainRequestError, TransactionSigner } from '@trellis/shared/chain';
import { loadPem, loadSecretKey } from '../../src/consortium';
import { Cluster, type ClusterNode } from './cluster';

jest.setTimeout(240_000);

let cluster: Cluster;
const nodeOf = (org: string): ClusterNode => cluster.nodes.find((n) => n.org === org)!;

beforeAll(async () => {
  cluster = await Cluster.create();
  cluster.startAll();
  await cluster.waitForHeight(2n, cluster.nodes, 90_000);
});

afterAll(async () => {
  await cluster?.stopAll();
});

const paths = OPENAPI_DOCUMENT.paths as Record<string, Record<string, { responses: object }>>;

/** Every answer: a documented status, and a problem's code from the documented list. */
async function call(
  template: string,
  method: 'get' | 'post',
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: method.toUpperCase(), ...init });
  const text = await response.text();
  expect(Object.keys(paths[template]![method]!.responses)).toContain(String(response.status));
  const body = JSON.parse(text) as Record<string, unknown>;
  if (response.headers.get('content-type')?.startsWith('application/problem+json')) {
    expect(Object.keys(PROBLEM_CODES)).toContain(body['code']);
  }
  return { status: response.status, body };
}

const digest = (label: string) => new Uint8Array(createHash('sha256').update(label).digest());
const encoder = new TextEncoder();

/** A signed notarisation of `label` whose args carry `extra` (e.g. the private commitment). */
async function notarisation(org: string, label: string, extra: Record<string, CborValue>) {
  const key = await cluster.member(org);
  return cluster.sign(key, 'judicial-evidence', 'notarise', { digest: digest(label), ...extra });
}

function commitment(payload: Uint8Array, recipients: string[]) {
  const { payloadHash, recipients: sorted } = privateCommitment(
    cluster.genesis.suite,
    payload,
    recipients,
  );
  return { private: { payloadHash, recipients: [...sorted] } };
}

async function submitPrivate(node: ClusterNode, transaction: Uint8Array, payload: Uint8Array) {
  return call(
    '/v1/private/transactions',
    'post',
    `${node.api}/v1/private/transactions?wait=commit`,
    {
      headers: { 'content-type': 'application/cbor' },
      body: PrivateSubmissionSchema.encode({ transaction, payload }),
    },
  );
}

/** GET /v1/private/{id} at `node`, signed by `org`'s service member. */
async function read(node: ClusterNode, org: string, txId: Uint8Array, tamper = false) {
  const pem = loadPem(join(cluster.dir, 'orgs', org, 'service.pem'));
  const der = new Uint8Array(
    Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64'),
  );
  const { secretKey } = loadSecretKey(join(cluster.dir, 'orgs', org, 'service.key'), cluster.suite);
  const headers: Record<string, string> = {
    ...signPrivateRead({
      suite: cluster.genesis.suite,
      chainId: cluster.genesis.chainId,
      txId,
      certificateDer: der,
      secretKey,
      timestampMs: Date.now(),
    }),
  };
  // A timestamp other than the signed one: the signature no longer verifies.
  if (tamper) headers['x-trellis-timestamp'] = String(Number(headers['x-trellis-timestamp']) - 1);
  return call('/v1/private/{id}', 'get', `${node.api}/v1/private/${toHex(txId)}`, { headers });
}

describe('private data through the node API', () => {
  const payload = encoder.encode(
    JSON.stringify({ title: 'Loan contract 2026-118', borrower: 'Li Wei', amountCny: 480000 }),
  );
  let txId: Uint8Array;
  let txBytes: Uint8Array;

  it('aPrivateNotarisation_commitsWithOnlyItsHashOnChain', async () => {
    const tx = await notarisation('bank', 'private loan', commitment(payload, ['bank', 'court']));
    txId = tx.id;
    txBytes = tx.bytes;
    const result = await submitPrivate(nodeOf('bank'), tx.bytes, payload);
    expect(result).toMatchObject({ status: 200, body: { id: toHex(tx.id), status: 'committed' } });
    // The committed event holds the digest, never the payload.
    const stored = await cluster.transaction(nodeOf('court'), toHex(tx.id));
    expect(JSON.stringify(stored)).not.toContain('Li Wei');
  });

  it('theRecipientOrgsMember_andTheSupervisor_readIt_fromTheirOwnNodes', async () => {
    for (const org of ['bank', 'court']) {
      const answer = await read(nodeOf(org), org, txId);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        txId: toHex(txId),
        recipients: ['bank', 'court'],
        reader: { org },
      });
      expect(Buffer.from(answer.body['payload'] as string, 'base64')).toEqual(Buffer.from(payload));
    }
  });

  it('anotherOrgsMember_isNotAuthorised_atItsOwnNodeAndAtARecipients', async () => {
    for (const [node, org] of [
      ['manufacturer', 'manufacturer'],
      ['tax-bureau', 'tax-bureau'],
      ['bank', 'manufacturer'],
      ['court', 'bank'],
    ] as const) {
      const answer = await read(nodeOf(node), org, txId);
      expect({ node, org, ...answer }).toMatchObject({
        node,
        org,
        status: 403,
        body: { code: 'not-authorised' },
      });
    }
  });

  it('unsignedOrTamperedReads_areUnauthenticated_andUnknownIdsAre404', async () => {
    const bare = await call(
      '/v1/private/{id}',
      'get',
      `${nodeOf('bank').api}/v1/private/${toHex(txId)}`,
    );
    expect(bare).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    const tampered = await read(nodeOf('bank'), 'bank', txId, true);
    expect(tampered).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    const unknown = await read(nodeOf('bank'), 'bank', digest('no such tx'));
    expect(unknown).toMatchObject({ status: 404, body: { code: 'unknown-private-data' } });
    const badId = await call('/v1/private/{id}', 'get', `${nodeOf('bank').api}/v1/private/xyz`);
    expect(badId).toMatchObject({ status: 400, body: { code: 'invalid-id' } });
  });

  it('badSubmissions_areTypedErrors_andNothingReachesTheChain', async () => {
    const bank = nodeOf('bank');
    const cases: [
      string,
      Promise<{ status: number; body: Record<string, unknown> }>,
      number,
      string,
    ][] = [];
    const noSupervisor = await notarisation('bank', 'no supervisor', commitment(payload, ['bank']));
    cases.push([
      'supervisor missing',
      submitPrivate(bank, noSupervisor.bytes, payload),
      400,
      'recipients-refused',
    ]);
    const unknownOrg = await notarisation(
      'bank',
      'unknown org',
      commitment(payload, ['court', 'nobody']),
    );
    cases.push([
      'unknown organisation',
      submitPrivate(bank, unknownOrg.bytes, payload),
      400,
      'recipients-refused',
    ]);
    const mismatch = await notarisation('bank', 'mismatch', commitment(payload, ['bank', 'court']));
    cases.push([
      'another payload',
      submitPrivate(bank, mismatch.bytes, encoder.encode('other')),
      400,
      'payload-hash-mismatch',
    ]);
    const plain = await notarisation('bank', 'plain', {});
    cases.push(['no commitment', submitPrivate(bank, plain.bytes, payload), 400, 'not-private']);
    const viaCourt = await notarisation(
      'bank',
      'via court',
      commitment(payload, ['bank', 'court']),
    );
    cases.push([
      "another org's node",
      submitPrivate(nodeOf('court'), viaCourt.bytes, payload),
      403,
      'not-authorised',
    ]);
    const malformedArgs = await notarisation('bank', 'malformed', {
      private: { payloadHash: 'x', recipients: [] },
    });
    cases.push([
      'malformed commitment',
      submitPrivate(bank, malformedArgs.bytes, payload),
      400,
      'malformed',
    ]);
    for (const [what, pending, status, code] of cases) {
      const answer = await pending;
      expect({ what, status: answer.status, code: answer.body['code'] }).toEqual({
        what,
        status,
        code,
      });
    }
    const garbage = await call(
      '/v1/private/transactions',
      'post',
      `${bank.api}/v1/private/transactions`,
      {
        headers: { 'content-type': 'application/cbor' },
        body: new Uint8Array([0x82, 0x01]),
      },
    );
    expect(garbage).toMatchObject({ status: 400, body: { code: 'malformed' } });
    const wrongType = await call(
      '/v1/private/transactions',
      'post',
      `${bank.api}/v1/private/transactions`,
      {
        headers: { 'content-type': 'application/json' },
        body: '{}',
      },
    );
    expect(wrongType).toMatchObject({ status: 415, body: { code: 'unsupported-media-type' } });
    const huge = await call(
      '/v1/private/transactions',
      'post',
      `${bank.api}/v1/private/transactions`,
      {
        headers: { 'content-type': 'application/cbor' },
        body: new Uint8Array(1200 * 1024),
      },
    );
    expect(huge).toMatchObject({ status: 413, body: { code: 'oversized' } });

    // None of the refused transactions is pending or committed anywhere.
    await cluster.waitForHeight((await cluster.height(bank)) + 2n);
    for (const tx of [noSupervisor, unknownOrg, mismatch, plain, viaCourt, malformedArgs]) {
      for (const node of cluster.nodes) {
        const response = await fetch(`${node.api}/v1/transactions/${toHex(tx.id)}`);
        expect(response.status).toBe(404);
      }
    }
  });

  it('resubmittingTheCommittedTransaction_isReplayed_andTheStoredPayloadStays', async () => {
    const again = await submitPrivate(nodeOf('bank'), txBytes, encoder.encode('another payload'));
    expect(again).toMatchObject({ status: 409, body: { code: 'replayed' } });
    const answer = await read(nodeOf('court'), 'court', txId);
    expect(Buffer.from(answer.body['payload'] as string, 'base64')).toEqual(Buffer.from(payload));
  });

  it('aRecipientOrgWithItsValidatorDown_isDeliveryFailed_andNothingIsSubmitted', async () => {
    const court = nodeOf('court');
    await cluster.kill(court);
    try {
      const tx = await notarisation('bank', 'court down', commitment(payload, ['bank', 'court']));
      const answer = await submitPrivate(nodeOf('bank'), tx.bytes, payload);
      expect(answer).toMatchObject({ status: 503, body: { code: 'delivery-failed' } });
      expect(answer.body['detail']).toContain('court');
      const status = await fetch(`${nodeOf('bank').api}/v1/transactions/${toHex(tx.id)}`);
      expect(status.status).toBe(404);
    } finally {
      cluster.start(court);
    }
  });

  it('theSdk_submitsPrivately_throughItsOrgsNode_andReadsBack_withTypedRefusals', async () => {
    const signer = (org: string) =>
      TransactionSigner.create(`${org}-service`, {
        suite: cluster.genesis.suite,
        org,
        certificatePem: loadPem(join(cluster.dir, 'orgs', org, 'service.pem')),
        secretKey: loadSecretKey(join(cluster.dir, 'orgs', org, 'service.key'), cluster.suite)
          .secretKey,
      });
    const bank = signer('bank');
    const note = encoder.encode('disbursement schedule, 3 tranches');
    const tx = bank.sign({
      chainId: cluster.genesis.chainId,
      contract: 'judicial-evidence',
      method: 'notarise',
      args: { digest: digest('sdk private'), ...commitment(note, ['bank', 'court']) },
      expiryHeight: 50_000n,
    });
    const bankClient = new ChainClient({ nodes: [nodeOf('bank').api] });
    const committed = await bankClient.submitPrivate(tx, note, { wait: 'commit' });
    expect(committed.status).toBe('committed');

    const read = await new ChainClient({ nodes: [nodeOf('court').api] }).readPrivate(
      tx.id,
      signer('court'),
    );
    expect(read).toMatchObject({ txId: toHex(tx.id), recipients: ['bank', 'court'] });
    expect(Buffer.from(read.payload)).toEqual(Buffer.from(note));

    const refused = await new ChainClient({ nodes: [nodeOf('manufacturer').api] })
      .readPrivate(tx.id, signer('manufacturer'))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ChainRequestError);
    expect(refused).toMatchObject({ status: 403, code: 'not-authorised' });
  });
});
