import type { OutboundRequest } from './outbound-request';
import { parseRetryAfter } from './retry-policy';

const RESPONSE_KEPT_CHARS = 1024;

/** What one attempt got back. */
export interface AttemptOutcome {
  ok: boolean;
  statusCode?: number;
  latencyMs: number;
  error?: string;
  /** The start of the response body, for the delivery log. */
  response?: string;
  retryAfterMs?: number;
}

/**
 * POSTs `request` once (Node's fetch, i.e. undici, with keep-alive). Redirects are not followed: a
 * redirect could lead past the SSRF guard, so it counts as a failure like any non-2xx answer.
 */
export async function attemptOnce(request: OutboundRequest, timeoutMs: number): Promise<AttemptOutcome> {
  const started = performance.now();
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return {
      ok: response.status >= 200 && response.status < 300,
      statusCode: response.status,
      latencyMs: Math.round(performance.now() - started),
      ...(text ? { response: text.slice(0, RESPONSE_KEPT_CHARS) } : {}),
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      error:
        (error as Error).name === 'TimeoutError'
          ? `timed out after ${timeoutMs} ms`
          : cause
            ? `${message} (${cause})`
            : message,
    };
  }
}
