/**
 * The accepting side: a node:tls server that requests a client certificate and hands every
 * completed handshake to the network, which reads OpenSSL's verdict (`socket.authorized`) and
 * asks the authorizer. Failed handshakes (garbage, TLS 1.2, timeouts) are reported, never thrown.
 */
import type { Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import { NetError } from './net-error';
import type { NetLog, NetTlsContext } from './net-options';

/** Where the listener reports handshakes, completed or failed. */
export interface ListenerHandlers {
  /** A TLS handshake completed (the peer's chain may still be invalid: check `authorized`). */
  readonly onSecure: (socket: TLSSocket) => void;
  /** A handshake failed: `handshake-timeout` or `tls-handshake`. */
  readonly onHandshakeFailed: (reason: string, detail: string, remote: string) => void;
  readonly log: NetLog;
}

/** An open listener. */
export interface Listener {
  /** The bound port (resolved when 0 was asked). */
  readonly port: number;
  /** Stops accepting, destroys connections still in their handshake, resolves when closed. */
  close(): Promise<void>;
}

/** Listens on `at` (TLS 1.3 only, client certificate requested); rejects with `listen-failed`. */
export async function openListener(
  at: { readonly host: string; readonly port: number },
  tls: NetTlsContext,
  handshakeTimeoutMs: number,
  handlers: ListenerHandlers,
): Promise<Listener> {
  const server = createServer({
    ...tls,
    requestCert: true,
    // OpenSSL still validates the client's chain against `ca`; the network reads the verdict
    // itself so that the refusal reason can be counted and logged before destroying the socket.
    rejectUnauthorized: false,
    handshakeTimeout: handshakeTimeoutMs,
  });
  const handshaking = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    handshaking.add(socket);
    socket.once('close', () => handshaking.delete(socket));
  });
  server.on('secureConnection', (socket: TLSSocket) => handlers.onSecure(socket));
  server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: TLSSocket) => {
    const timedOut = error.code === 'ERR_TLS_HANDSHAKE_TIMEOUT';
    handlers.onHandshakeFailed(
      timedOut ? 'handshake-timeout' : 'tls-handshake',
      error.code ?? error.message,
      `${socket.remoteAddress}:${socket.remotePort}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void =>
      reject(
        new NetError(
          'listen-failed',
          { host: at.host, port: at.port, cause: error.code ?? error.message },
          `net: cannot listen on ${at.host}:${at.port}: ${error.message}`,
        ),
      );
    server.once('error', failed);
    server.listen(at.port, at.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  server.on('error', (error) => handlers.log('warn', 'listener error', { error: error.message }));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : at.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of handshaking) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
