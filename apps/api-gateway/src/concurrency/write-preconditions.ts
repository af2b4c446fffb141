import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityTagCondition } from './entity-tags';

/** What the request being handled asks of the object it writes (its If-Match header). */
export interface WritePreconditions {
  ifMatch?: EntityTagCondition;
}

const storage = new AsyncLocalStorage<WritePreconditions>();

/**
 * Carries a request's preconditions from the HTTP layer to ConfigChangeService, which checks them
 * inside the write's transaction, without every controller and service passing them along.
 */
export const RequestPreconditions = {
  /** Runs `fn` (the request's handler) with `preconditions` visible to everything it calls. */
  run<T>(preconditions: WritePreconditions, fn: () => T): T {
    return storage.run(preconditions, fn);
  },

  /** The preconditions of the request being handled; none outside a request. */
  current(): WritePreconditions {
    return storage.getStore() ?? {};
  },
};
