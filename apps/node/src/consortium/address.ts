/**
 * `host:port` addresses as genesis and the node configuration write them: an IPv4 dotted quad,
 * a DNS name, or a bracketed IPv6 address (`[::1]:7101`, RFC 3986 §3.2.2), then a decimal port.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** A parsed address; `text` is the canonical spelling (`host:port`, IPv6 in brackets). */
export interface HostPort {
  readonly host: string;
  readonly port: number;
  readonly text: string;
}

/** RFC 1123 host name: LDH labels of 1..63 characters, 253 at most in all. */
const DNS_NAME =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const PORT = /^(0|[1-9][0-9]{0,4})$/;

/**
 * Why `text` is not a `host:port` address, or the parsed address. Port 0 ("any free port") is
 * accepted only with `allowPortZero`: a node may listen on one in a test, but an address other
 * nodes dial must be real.
 */
export function parseHostPort(
  text: unknown,
  allowPortZero = false,
): { ok: true; value: HostPort } | { ok: false; reason: string } {
  if (typeof text !== 'string') return { ok: false, reason: 'expected a "host:port" string' };
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return { ok: false, reason: `${JSON.stringify(text)} is not "host:port"` };
  let host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) {
    host = host.slice(1, -1);
    if (!isIPv6(host)) {
      return { ok: false, reason: `${JSON.stringify(host)} in brackets is not an IPv6 address` };
    }
  } else if (!isIPv4(host) && !DNS_NAME.test(host)) {
    return {
      ok: false,
      reason: `host ${JSON.stringify(host)} is not an IPv4 address, a lower-case DNS name or a bracketed IPv6 address`,
    };
  }
  const port = PORT.test(portText) ? Number(portText) : NaN;
  if (!(port <= 65535) || (port === 0 && !allowPortZero)) {
    return {
      ok: false,
      reason: `port ${JSON.stringify(portText)} is not a decimal from ${allowPortZero ? 0 : 1} to 65535`,
    };
  }
  return { ok: true, value: { host, port, text: formatHostPort(host, port) } };
}

/** `host:port`, with an IPv6 host in brackets. */
export function formatHostPort(host: string, port: number): string {
  return `${isIPv6(host) ? `[${host}]` : host}:${port}`;
}
