import { ApiResponse } from './api-client';

/** An error body as the API sends it (RFC 9457 problem details). */
export interface ProblemBody {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

/** Checks that `response` is a problem+json with `status` and, if given, a violation naming `field`. */
export function expectProblem(response: ApiResponse<unknown>, status: number, field?: string): void {
  const body = response.body as ProblemBody;
  expect({ status: response.status, contentType: response.contentType }).toEqual({
    status,
    contentType: expect.stringContaining('application/problem+json'),
  });
  expect(body.status).toBe(status);
  expect(body.detail).toEqual(expect.any(String));
  if (field !== undefined) {
    expect(body.errors?.map((e) => e.field)).toContain(field);
    expect(body.detail).toContain(field);
  }
}
