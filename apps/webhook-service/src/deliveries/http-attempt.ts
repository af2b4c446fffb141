import { Agent, request } from 'undici';
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
 * The connections deliveries go out on: kept alive between attempts, at most `perTarget` to one
 * origin (the dispatcher lets no more attempts than that run at once anyway).
 */
export function deliveryAgent(perTarget: number): Agent {
  return new Agent({ connections: perTarget, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 300_000 });
}

/**
 * POSTs `request` once on `agent` (undici's request API: no WHATWG streams, much less CPU per call
 * than fetch). Redirects are not followed: a redirect could lead past the SSRF guard, so it counts
 * as a failure like any non-2xx answer.
 */
export async function attemptOnce(
  outbound: OutboundRequest,
  timeoutMs: number,
  agent: Agent,
): Promise<AttemptOutcome> {
  const started = performance.now();
  try {
    const response = await request(outbound.url, {
      method: 'POST',
      headers: outbound.headers,
      body: outbound.body,
      dispatcher: agent,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.body.text();
    const retryAfter = response.headers['retry-after'];
    return {
      ok: response.statusCode >= 200 && response.statusCode < 300,
      statusCode: response.statusCode,
      latencyMs: Math.round(performance.now() - started),
      ...(text ? { response: text.slice(0, RESPONSE_KEPT_CHARS) } : {}),
      retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
    };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      error:
        (error as Error).name === 'TimeoutError'
          ? `timed out after ${timeoutMs} ms`
          : code && !message.includes(code)
            ? `${message} (${code})`
            : message,
    };
  }
}
