/** Every failure the domain can report; each transport maps these codes once, exhaustively. */
export type DomainErrorCode =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  /** A conditional request's precondition (If-Match) does not hold: the object changed meanwhile. */
  | 'PRECONDITION_FAILED'
  | 'UNPROCESSABLE'
  | 'RESOURCE_EXHAUSTED'
  | 'UNAVAILABLE';

/** A problem with one field of the input, named by its JSON path (e.g. `endpoints[0].port`). */
export interface FieldViolation {
  field: string;
  message: string;
}

/** An expected failure with a stable code; never carries transport details. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly violations: FieldViolation[] = [],
    /** For RESOURCE_EXHAUSTED: when trying again may succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static notFound(kind: string, name: string): DomainError {
    return new DomainError('NOT_FOUND', `${kind} '${name}' not found`);
  }

  static alreadyExists(kind: string, name: string): DomainError {
    return new DomainError('ALREADY_EXISTS', `${kind} '${name}' already exists`);
  }

  /** Well-formed input that cannot be applied, e.g. a reference to an object that does not exist. */
  static unprocessable(field: string, message: string): DomainError {
    return new DomainError('UNPROCESSABLE', `${field}: ${message}`, [{ field, message }]);
  }

  /** Too many requests for now; `retryAfterMs` until the limit lets one through again. */
  static rateLimited(message: string, retryAfterMs: number): DomainError {
    return new DomainError('RESOURCE_EXHAUSTED', message, [], Math.max(1, Math.ceil(retryAfterMs / 1000)));
  }

  static invalid(field: string, message: string): DomainError {
    return new DomainError('INVALID_ARGUMENT', `${field}: ${message}`, [{ field, message }]);
  }
}
