import type { FastifyReply } from 'fastify';

/** Says which config version a write produced. */
export const CONFIG_VERSION_HEADER = 'x-fleet-config-version';

/** Sets the config version the write produced, so a client can wait for proxies to reach it. */
export function setConfigVersion(reply: FastifyReply, version: number): void {
  void reply.header(CONFIG_VERSION_HEADER, String(version));
}
