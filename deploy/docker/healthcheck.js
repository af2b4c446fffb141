// Container HEALTHCHECK: GET /healthz on the app's own HTTP port. The slim Node image has no curl
// or wget, so this uses Node's fetch. The port is HTTP_PORT, or the app's default when unset.
const DEFAULT_PORTS = {
  'api-gateway': 3000,
  'xds-server': 3001,
  'webhook-service': 3002,
  'metrics-service': 3003,
  'node-agent': 3004,
};
const port = process.env.HTTP_PORT || DEFAULT_PORTS[process.env.APP] || 3000;

fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2500) })
  .then((res) => process.exit(res.ok ? 0 : 1))
  .catch(() => process.exit(1));
