/** NATS server URLs (one, or a comma-separated list) without user, password or token, for logs. */
export function withoutCredentials(servers: string): string {
  return servers.replace(/(^|,\s*|\/\/)[^/@,\s]*@/g, '$1');
}
