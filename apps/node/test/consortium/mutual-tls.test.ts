// Node certificates from `init` are what the peer-to-peer layer needs: a real TLS 1.3 handshake
// with client certificates between two node:tls endpoints that trust exactly the consortium's
// CAs; a node certificate from a CA outside the consortium is refused in either role.
import { once } from 'node:events';
import { join } from 'node:path';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createOrgCa, issueMemberCertificate } from '@trellis/chain-core';
import { type InitConsortiumResult, loadNodeConfig, loadPem } from '../../src/consortium';
import { initDefault, NOW, Scratch } from './support';

interface Identity {
  readonly cert: string;
  readonly key: string;
}

let scratch: Scratch;
let result: InitConsortiumResult;
let consortiumCas: string[];
beforeAll(async () => {
  scratch = new Scratch();
  const dir = scratch.dir();
  result = await initDefault(dir);
  consortiumCas = result.genesis.organisations.map((o) =>
    loadPem(join(dir, 'orgs', o.id, 'ca.pem'), 'CERTIFICATE'),
  );
}, 60_000);
afterAll(() => scratch.dispose());

function nodeIdentity(name: string): Identity {
  const config = loadNodeConfig(result.nodes.find((n) => n.name === name)!.configFile);
  return { cert: loadPem(config.tls.certificate), key: loadPem(config.tls.key) };
}

/** A node certificate just like the consortium's, but from a CA the consortium does not list. */
async function outsiderIdentity(): Promise<Identity> {
  const validity = {
    notBefore: new Date(NOW.getTime() - 3_600_000),
    notAfter: new Date(NOW.getTime() + 3650 * 86_400_000),
  };
  const ca = await createOrgCa({ orgId: 'tax-bureau', name: 'Tax Bureau', validity });
  const node = await issueMemberCertificate({
    ca: ca.certificate,
    caKey: ca.privateKey,
    subjectName: 'tax-bureau-node',
    kind: 'node',
    roles: ['validator'],
    validity,
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
  });
  return { cert: node.certificate, key: node.privateKey };
}

/** A TLS 1.3 server requiring a client certificate from the consortium's CAs. */
async function listen(
  identity: Identity,
): Promise<{ server: Server; port: number; clientErrors: Error[]; accepted: string[] }> {
  const clientErrors: Error[] = [];
  const accepted: string[] = [];
  const server = createServer(
    {
      ...identity,
      ca: consortiumCas,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.3',
    },
    (socket) => {
      const peer = socket.getPeerCertificate();
      accepted.push(String(peer.subject.CN));
      socket.end(`hello ${peer.subject.CN}`);
    },
  );
  server.on('tlsClientError', (error) => clientErrors.push(error));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, clientErrors, accepted };
}

type Outcome =
  | { readonly ok: true; readonly reply: string; readonly socket: TLSSocket }
  | { readonly ok: false; readonly code: string | undefined; readonly message: string };

/** Connects as `identity`; resolves with what the server said, or the error that ended it. */
async function talk(port: number, identity: Identity): Promise<Outcome> {
  const socket = connect({
    host: '127.0.0.1',
    port,
    ...identity,
    ca: consortiumCas,
    minVersion: 'TLSv1.3',
    rejectUnauthorized: true,
  });
  let reply = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (reply += chunk));
  return new Promise((resolve) => {
    socket.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ ok: false, code: error.code, message: error.message }),
    );
    socket.on('end', () => resolve({ ok: true, reply, socket }));
  });
}

describe('mutual TLS with node certificates', () => {
  it('handshake_betweenTwoConsortiumNodes_succeedsWithTls13AndBothIdentities', async () => {
    const { server, port } = await listen(nodeIdentity('tax-bureau-node'));
    try {
      const outcome = await talk(port, nodeIdentity('bank-node'));
      if (!outcome.ok) throw new Error(outcome.message);
      expect(outcome.reply).toBe('hello bank-node');
      expect(outcome.socket.getProtocol()).toBe('TLSv1.3');
      expect(outcome.socket.authorized).toBe(true);
      expect(outcome.socket.getPeerCertificate().subject).toMatchObject({
        O: 'tax-bureau',
        CN: 'tax-bureau-node',
      });
    } finally {
      server.close();
    }
  });

  it('handshake_withAnObserverAsClient_succeeds', async () => {
    const { server, port } = await listen(nodeIdentity('court-node'));
    try {
      const outcome = await talk(port, nodeIdentity('bank-observer'));
      if (!outcome.ok) throw new Error(outcome.message);
      expect(outcome.reply).toBe('hello bank-observer');
    } finally {
      server.close();
    }
  });

  it('handshake_withClientFromOutsideCa_isRejectedByTheServer', async () => {
    const { server, port, clientErrors, accepted } = await listen(nodeIdentity('tax-bureau-node'));
    try {
      const outcome = await talk(port, await outsiderIdentity());
      // TLS 1.3: the client may finish its side before the server's alert arrives; either way
      // it never gets the greeting.
      if (outcome.ok) expect(outcome.reply).toBe('');
      expect(accepted).toEqual([]);
      expect(clientErrors).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  it('handshake_withServerFromOutsideCa_isRejectedByTheClient', async () => {
    const { server, port } = await listen(await outsiderIdentity());
    try {
      const outcome = await talk(port, nodeIdentity('bank-node'));
      expect(outcome.ok).toBe(false);
      expect(!outcome.ok && outcome.code).toMatch(
        /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/,
      );
    } finally {
      server.close();
    }
  });
});
