/** The apps `npm start` runs, in start order (each one's dependencies come before it). */
export const FLEET_APPS = [
  'api-gateway',
  'xds-server',
  'webhook-service',
  'metrics-service',
  'node-agent',
] as const;

export type FleetApp = (typeof FLEET_APPS)[number];

/** `api-gateway` → `API_GATEWAY_`: the prefix of the variables meant for one app only. */
export function envPrefix(app: FleetApp): string {
  return `${app.toUpperCase().replace(/-/g, '_')}_`;
}

/**
 * Defaults of a run in a terminal: text logs for people reading them, and one service name for
 * the one process (the tracer provider and Nest's logger are process-wide; `fleet.app` on each
 * span says which app made it).
 */
const FLEET_DEFAULTS: Record<string, string> = { LOG_FORMAT: 'text', OTEL_SERVICE_NAME: 'envoy-fleet' };

/**
 * The environment one app of a shared process sees: every variable, with `<APP>_<NAME>`
 * overriding `<NAME>` for that app (`XDS_SERVER_HTTP_PORT=4001`). A bare HTTP_PORT would give
 * five apps one port, so it is dropped.
 */
export function envFor(
  app: FleetApp,
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const own: Record<string, string | undefined> = { ...env };
  for (const [name, value] of Object.entries(FLEET_DEFAULTS)) if (!own[name]) own[name] = value;
  delete own['HTTP_PORT'];
  const prefix = envPrefix(app);
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(prefix) && name.length > prefix.length) own[name.slice(prefix.length)] = value;
  }
  return own;
}
