import { randomUUID } from 'node:crypto';
import { status, type StatusObject } from '@grpc/grpc-js';
import { DomainError, type DomainErrorCode } from '@envoy-fleet/domain';

/** The gRPC status for a domain error code; the one place gRPC servers map codes. */
export function grpcStatusOf(code: DomainErrorCode): status {
  switch (code) {
    case 'INVALID_ARGUMENT':
      return status.INVALID_ARGUMENT;
    case 'UNAUTHENTICATED':
      return status.UNAUTHENTICATED;
    case 'PERMISSION_DENIED':
      return status.PERMISSION_DENIED;
    case 'NOT_FOUND':
      return status.NOT_FOUND;
    case 'ALREADY_EXISTS':
      return status.ALREADY_EXISTS;
    case 'FAILED_PRECONDITION':
      return status.FAILED_PRECONDITION;
    // A stale etag: the object changed since it was read; re-read and retry (as Google's AIP-154).
    case 'PRECONDITION_FAILED':
      return status.ABORTED;
    // Well-formed but semantically refused (HTTP 422); gRPC's nearest is "not in a state to".
    case 'UNPROCESSABLE':
      return status.FAILED_PRECONDITION;
    case 'RESOURCE_EXHAUSTED':
      return status.RESOURCE_EXHAUSTED;
    case 'UNAVAILABLE':
      return status.UNAVAILABLE;
    default: {
      const unreachable: never = code;
      throw new Error(`unmapped domain error code ${String(unreachable)}`);
    }
  }
}

/** Logs an unexpected error under an id that is also sent to the client. */
export type ErrorLog = (errorId: string, error: unknown) => void;

const logToStderr: ErrorLog = (errorId, error) => console.error(`xds internal error ${errorId}`, error);

/** A status to end a call with: domain errors keep their message, anything else becomes INTERNAL. */
export function toGrpcStatus(
  error: unknown,
  log: ErrorLog = logToStderr,
): Pick<StatusObject, 'code' | 'details'> {
  if (error instanceof DomainError) {
    return { code: grpcStatusOf(error.code), details: error.message };
  }
  const errorId = randomUUID();
  log(errorId, error);
  return { code: status.INTERNAL, details: `internal error (id ${errorId})` };
}
