import { DomainError } from '@envoy-fleet/domain';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { IdempotentReplay } from '../idempotency/idempotent-replay';
import { httpStatusOf, ProblemDetails, problemType } from './problem-details';
import { currentTraceId, requestIdOf } from './request-context';

/**
 * Answers every error as `application/problem+json`; unknown errors are logged with an id and
 * hidden. (An idempotent replay also arrives here: it is sent as first recorded.)
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (error instanceof IdempotentReplay) return error.send(reply);
    const requestId = requestIdOf(request);
    const traceId = currentTraceId();
    const problem = this.toProblem(error, requestId);
    problem.instance = request.url;
    if (requestId) problem.requestId = requestId;
    if (traceId) problem.traceId = traceId;
    if (error instanceof DomainError && error.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(error.retryAfterSeconds));
    }
    void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
  }

  private toProblem(error: unknown, requestId?: string): ProblemDetails {
    if (error instanceof DomainError) {
      const status = httpStatusOf(error.code);
      return {
        type: problemType(error.code),
        title: STATUS_CODES[status] ?? 'Error',
        status,
        detail: error.message,
        code: error.code,
        ...(error.violations.length > 0 ? { errors: error.violations } : {}),
      };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const detail = detailOf(error);
      // The API's own refusals are DomainErrors; a bare 400 is the body parser's (malformed or
      // empty JSON), so it names the body as the field at fault.
      if (status === 400) return this.toProblem(DomainError.invalid('body', detail));
      return {
        type: problemType('http'),
        title: STATUS_CODES[status] ?? 'Error',
        status,
        detail,
        code: 'HTTP',
      };
    }
    const errorId = randomUUID();
    this.logger.error(
      `unexpected error ${errorId} (request ${requestId ?? '-'})`,
      error instanceof Error ? error.stack : String(error),
    );
    return {
      type: problemType('internal'),
      title: 'Internal Server Error',
      status: 500,
      detail: `An unexpected error occurred; quote error id ${errorId}.`,
      code: 'INTERNAL',
      errorId,
    };
  }
}

function detailOf(error: HttpException): string {
  const body = error.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
}
