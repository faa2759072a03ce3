/**
 * Who is at the other end of a TLS connection: OpenSSL's chain validation against the member
 * CAs first, then always the node's `Authorizer` on the certificate's DER. Used on both sides
 * of every connection, by the acceptor and by the dialler.
 */
import type { TLSSocket } from 'node:tls';
import type { Authorizer } from './net-options';

/** The authorised peer id, or a refusal with its counted reason and a detail for the log. */
export type Verdict =
  | { readonly ok: true; readonly peerId: string }
  | { readonly ok: false; readonly reason: string; readonly detail: string };

/** Longest refusal reason kept as a `stats().refused` key (a longer one is cut). */
const MAX_REASON_LENGTH = 64;

/**
 * The peer id the authorizer gives the certificate `socket` presented, or why the connection is
 * refused. Reasons: `tls:<OpenSSL verify code>` (e.g. `tls:CERT_HAS_EXPIRED`), `tls:no-certificate`,
 * the authorizer's own reason, `authorizer-error`, `self` (our own id), and `unexpected-peer`
 * (the dialled address answered with another peer's certificate).
 */
export async function authenticatePeer(
  socket: TLSSocket,
  authorize: Authorizer,
  self: string,
  expectedId: string | undefined,
): Promise<Verdict> {
  if (!socket.authorized) {
    const code = verifyCode(socket.authorizationError);
    return refuse(`tls:${code}`, `OpenSSL did not validate the peer's certificate chain (${code})`);
  }
  const der = socket.getPeerCertificate(false)?.raw;
  if (!(der instanceof Uint8Array) || der.length === 0) {
    return refuse('tls:no-certificate', 'the peer presented no certificate');
  }
  let result: unknown;
  try {
    result = await authorize(new Uint8Array(der));
  } catch (error) {
    return refuse('authorizer-error', `the authorizer threw: ${String(error)}`);
  }
  if (typeof result === 'object' && result !== null) {
    const { id, refused } = result as { id?: unknown; refused?: unknown };
    if (typeof refused === 'string' && refused.length > 0) {
      return refuse(refused.slice(0, MAX_REASON_LENGTH), `the authorizer refused: ${refused}`);
    }
    if (typeof id === 'string' && id.length > 0) {
      if (id === self) return refuse('self', `the certificate is authorised as our own id ${id}`);
      if (expectedId !== undefined && id !== expectedId) {
        return refuse(
          'unexpected-peer',
          `dialled ${expectedId} but the certificate is authorised as ${id}`,
        );
      }
      return { ok: true, peerId: id };
    }
  }
  return refuse('authorizer-error', 'the authorizer returned neither { id } nor { refused }');
}

function refuse(reason: string, detail: string): Verdict {
  return { ok: false, reason, detail };
}

/** Node types it as Error, but sets the OpenSSL verify code string (e.g. `CERT_HAS_EXPIRED`). */
function verifyCode(error: unknown): string {
  if (typeof error === 'string' && error.length > 0) return error;
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return 'unverified';
}
