import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import {
  DomainError,
  MalformedRequestError,
  PayloadTooLargeError,
  problemType,
} from './domain-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An RFC 9457 problem details object. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId?: string;
  [extension: string]: unknown;
}

/** Errors raised by Express's body parser before a route runs (they carry `type`). */
interface BodyParserError {
  readonly type: string;
  readonly status: number;
  readonly message: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    error instanceof Error &&
    typeof (error as Partial<BodyParserError>).type === 'string' &&
    typeof (error as Partial<BodyParserError>).status === 'number'
  );
}

/**
 * Maps every error leaving a route to `application/problem+json` (RFC 9457). This is the only
 * place where errors become HTTP: domain errors carry their own status and extensions; Nest's
 * HttpExceptions (unknown route, wrong method) keep their status; anything else is a 500 whose
 * details are logged, never sent.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: unknown }>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(exception, request);
    if (problem.status >= 500) {
      this.logger.error(
        { err: exception, requestId: problem.requestId },
        `unhandled error on ${request.method} ${request.originalUrl}`,
      );
    }
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  toProblem(exception: unknown, request: Request & { id?: unknown }): ProblemDetails {
    const base = {
      instance: request.originalUrl ?? request.url,
      ...(request.id !== undefined ? { requestId: String(request.id) } : {}),
    };
    const domain = this.asDomainError(exception);
    if (domain) {
      return {
        ...domain.extensions,
        type: problemType(domain.code),
        title: domain.title,
        status: domain.status,
        detail: domain.detail,
        ...base,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return {
        type: 'about:blank',
        title: STATUS_CODES[status] ?? 'Error',
        status,
        detail: httpExceptionDetail(exception),
        ...base,
      };
    }
    return {
      type: 'about:blank',
      title: STATUS_CODES[HttpStatus.INTERNAL_SERVER_ERROR] ?? 'Internal Server Error',
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      detail: 'An unexpected error occurred; quote the request id when reporting it.',
      ...base,
    };
  }

  private asDomainError(exception: unknown): DomainError | undefined {
    if (exception instanceof DomainError) return exception;
    // Nest's Express adapter wraps body-parser's errors in an HttpException (as `cause`).
    const parserError = exception instanceof HttpException ? exception.cause : exception;
    if (!isBodyParserError(parserError)) return undefined;
    if (parserError.type === 'entity.too.large') {
      return new PayloadTooLargeError('the request body exceeds the size limit');
    }
    if (parserError.status === 400) {
      return new MalformedRequestError(
        `the request body could not be parsed: ${parserError.message}`,
      );
    }
    return undefined;
  }
}

function httpExceptionDetail(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}
