import type { StoredResponse } from '@envoy-fleet/data-access';
import type { FastifyReply } from 'fastify';

/** Marks a replayed response, so a client can tell it apart from a fresh one. */
export const REPLAYED_HEADER = 'idempotent-replayed';

/**
 * Thrown to answer with the response kept for an Idempotency-Key instead of running the
 * handler again; the exception filter sends it as it was first sent.
 */
export class IdempotentReplay extends Error {
  constructor(readonly response: StoredResponse) {
    super('idempotent replay');
  }

  send(reply: FastifyReply): void {
    void reply
      .status(this.response.status)
      .headers(this.response.headers)
      .header(REPLAYED_HEADER, 'true')
      .send(this.response.body);
  }
}
