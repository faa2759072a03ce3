import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { type DestinationStream, destination as pinoDestination } from 'pino';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '../config';

export const REQUEST_ID_HEADER = 'x-request-id';

/** A caller-supplied request id is kept only if it is short and plain; otherwise a new one. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request id of an incoming request: the caller's `X-Request-Id` when it is safe to log,
 * else a new UUID. The id is echoed in the response header and in every log line of the
 * request (pino-http binds it as `req.id`), and problem+json bodies carry it as `requestId`.
 */
export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers[REQUEST_ID_HEADER];
  const id = typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** Structured JSON logs (pino): one line per request, tagged with the service and request id. */
export function createLoggingModule(
  config: Pick<AppConfig, 'LOG_LEVEL'>,
  service: string,
  destination?: DestinationStream,
) {
  const options = {
    level: config.LOG_LEVEL,
    base: { service },
    genReqId: requestIdOf,
    // Only these fields are logged: headers (cookies, authorization) never are.
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
  // Standard output is written synchronously: on SIGTERM Nest closes the app and re-raises the
  // signal, which ends the process at once; lines still queued in an asynchronous writer (the
  // last ones, "stopping on SIGTERM") would be lost.
  return LoggerModule.forRoot({
    pinoHttp: [options, destination ?? pinoDestination({ dest: 1, sync: true })],
  });
}
