import { DomainErrorCode, FieldViolation } from '@envoy-fleet/domain';

/** An error response body, RFC 9457 `application/problem+json`. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: DomainErrorCode | 'INTERNAL' | 'HTTP';
  instance?: string;
  errors?: FieldViolation[];
  errorId?: string;
  /** The request's X-Request-Id. */
  requestId?: string;
  /** The W3C trace id of the request's server span. */
  traceId?: string;
}

/** The one place a domain error code becomes an HTTP status. */
export function httpStatusOf(code: DomainErrorCode): number {
  switch (code) {
    case 'INVALID_ARGUMENT':
      return 400;
    case 'UNAUTHENTICATED':
      return 401;
    case 'PERMISSION_DENIED':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'ALREADY_EXISTS':
      return 409;
    case 'FAILED_PRECONDITION':
      return 409;
    case 'PRECONDITION_FAILED':
      return 412;
    case 'UNPROCESSABLE':
      return 422;
    case 'RESOURCE_EXHAUSTED':
      return 429;
    case 'UNAVAILABLE':
      return 503;
    default: {
      const unreachable: never = code;
      throw new Error(`unmapped domain error code ${String(unreachable)}`);
    }
  }
}

export function problemType(code: string): string {
  return `urn:envoy-fleet:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}
