import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line written while handling one request carries. */
export interface LogContext {
  /** The request's id, as sent back in `X-Request-Id`. */
  requestId: string;
  /** The W3C trace id of the request's server span, when it has one. */
  traceId?: string;
}

const current = new AsyncLocalStorage<LogContext>();

/** Runs `work` (and everything it starts) as part of the request that `context` names. */
export function runInLogContext<T>(context: LogContext, work: () => T): T {
  return current.run(context, work);
}

/** The context of the request being handled, if any. */
export function currentLogContext(): LogContext | undefined {
  return current.getStore();
}
