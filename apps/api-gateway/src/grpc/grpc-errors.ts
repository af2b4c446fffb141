import { DomainErrorCode, FieldViolation } from '@envoy-fleet/domain';
import { grpcStatusOf, toGrpcStatus } from '@envoy-fleet/xds';
import { Metadata, status as Status, type ServiceError } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';

/** Renames a REST field path (`endpoints[0].port`) to its path in the gRPC request (`spec.endpoints[0].port`). */
export type FieldNames = (restField: string) => string;

interface Problem {
  status?: number;
  code?: string;
  detail?: string;
  errors?: FieldViolation[];
}

const logger = new Logger('GrpcApi');

/**
 * The gRPC status for a REST problem: domain codes through the one domain-to-gRPC mapping
 * (`grpcStatusOf`), the rest (framework errors, which carry only an HTTP status) by HTTP status.
 * Field violations are named as the gRPC request names them.
 */
export function problemToServiceError(
  httpStatus: number,
  body: unknown,
  metadata: Metadata,
  fields: FieldNames,
): ServiceError {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Problem;
  const violations = Array.isArray(problem.errors) ? problem.errors : [];
  const details =
    violations.length > 0
      ? violations.map((v) => `${fields(v.field)}: ${v.message}`).join('; ')
      : (problem.detail ?? `HTTP ${httpStatus}`);
  return serviceError(statusOf(problem.code, httpStatus), details, metadata);
}

/** A failure before or after the REST call (a DomainError keeps its message; anything else is INTERNAL with an id). */
export function errorToServiceError(error: unknown): ServiceError {
  if (isServiceError(error)) return error;
  const { code, details } = toGrpcStatus(error, (errorId, cause) =>
    logger.error(`unexpected error ${errorId}`, cause instanceof Error ? cause.stack : String(cause)),
  );
  return serviceError(code, details, new Metadata());
}

function statusOf(code: string | undefined, httpStatus: number): Status {
  if (code === 'INTERNAL') return Status.INTERNAL;
  if (code !== undefined && code !== 'HTTP') {
    try {
      return grpcStatusOf(code as DomainErrorCode);
    } catch {
      // not a domain code: fall through to the HTTP status
    }
  }
  return byHttpStatus(httpStatus);
}

function byHttpStatus(httpStatus: number): Status {
  switch (httpStatus) {
    case 400:
    case 413:
    case 415:
      return Status.INVALID_ARGUMENT;
    case 401:
      return Status.UNAUTHENTICATED;
    case 403:
      return Status.PERMISSION_DENIED;
    case 404:
      return Status.NOT_FOUND;
    case 409:
      return Status.ALREADY_EXISTS;
    case 412:
      return Status.ABORTED;
    case 422:
      return Status.FAILED_PRECONDITION;
    case 429:
      return Status.RESOURCE_EXHAUSTED;
    case 503:
      return Status.UNAVAILABLE;
    default:
      return httpStatus >= 400 && httpStatus < 500 ? Status.FAILED_PRECONDITION : Status.INTERNAL;
  }
}

function serviceError(code: Status, details: string, metadata: Metadata): ServiceError {
  return Object.assign(new Error(`${code} ${Status[code]}: ${details}`), { code, details, metadata });
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number';
}
