import type { FastifyReply } from 'fastify';

/** Sets the config version the write produced, so a client can wait for proxies to reach it. */
export function setConfigVersion(reply: FastifyReply, version: number): void {
  void reply.header('x-fleet-config-version', String(version));
}
