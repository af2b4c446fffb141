import { DomainError } from '@envoy-fleet/domain';
import { Metadata, status } from '@grpc/grpc-js';
import { errorToServiceError, problemToServiceError } from './grpc-errors';
import { listFieldNames } from './unary';

const spec = (field: string) => (field === 'name' ? 'name' : `spec.${field}`);

describe('problemToServiceError', () => {
  it('maps domain codes through the one domain-to-gRPC mapping and names fields as the proto does', () => {
    const problem = {
      status: 400,
      code: 'INVALID_ARGUMENT',
      detail: 'endpoints[0].port: must not be greater than 65535',
      errors: [{ field: 'endpoints[0].port', message: 'must not be greater than 65535' }],
    };
    const error = problemToServiceError(400, problem, new Metadata(), spec);
    expect({ code: error.code, details: error.details }).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'spec.endpoints[0].port: must not be greater than 65535',
    });
  });

  it.each([
    ['NOT_FOUND', 404, status.NOT_FOUND],
    ['PERMISSION_DENIED', 403, status.PERMISSION_DENIED],
    ['UNPROCESSABLE', 422, status.FAILED_PRECONDITION],
    ['PRECONDITION_FAILED', 412, status.ABORTED],
    ['RESOURCE_EXHAUSTED', 429, status.RESOURCE_EXHAUSTED],
    ['INTERNAL', 500, status.INTERNAL],
    ['HTTP', 415, status.INVALID_ARGUMENT],
    [undefined, 413, status.INVALID_ARGUMENT],
  ])('problem code %s (HTTP %i) is %i', (code, httpStatus, expected) => {
    const error = problemToServiceError(httpStatus, { code, detail: 'why' }, new Metadata(), spec);
    expect({ code: error.code, details: error.details }).toEqual({ code: expected, details: 'why' });
  });

  it('keeps the response metadata (retry-after, request id) on the error', () => {
    const metadata = new Metadata();
    metadata.set('retry-after', '3');
    const error = problemToServiceError(
      429,
      { code: 'RESOURCE_EXHAUSTED', detail: 'slow down' },
      metadata,
      spec,
    );
    expect(error.metadata.get('retry-after')).toEqual(['3']);
  });
});

describe('errorToServiceError', () => {
  it('keeps a domain error message and hides anything else behind an error id', () => {
    const invalid = errorToServiceError(DomainError.invalid('name', 'is required'));
    expect({ code: invalid.code, details: invalid.details }).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'name: is required',
    });
    const hidden = errorToServiceError(new Error('connection string with a password'));
    expect(hidden.code).toBe(status.INTERNAL);
    expect(hidden.details).toMatch(/^internal error \(id [0-9a-f-]{36}\)$/);
  });
});

describe('listFieldNames', () => {
  it('names REST list parameters as the gRPC list options', () => {
    expect(['limit', 'cursor', 'name', 'label[1]', 'sort', 'sync'].map(listFieldNames)).toEqual([
      'options.page_size',
      'options.page_token',
      'options.name_prefix',
      'options.labels[1]',
      'options.sort',
      'sync',
    ]);
  });
});
