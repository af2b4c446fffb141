// A stand-in for Envoy in tests (no Envoy binary can be installed here). It reads the bootstrap the
// node-agent mounts, serves Envoy's admin endpoints the agent uses (/ready, /healthcheck/fail,
// /config_dump) on the bootstrap's admin port, a listener on the next port, and drains on SIGTERM
// like Envoy's --drain-time-s: it stops accepting, waits DRAIN_MS, then exits 0.
//
// Config, as far as a test can see it: /config_dump answers in Envoy's admin shape, with the
// bootstrap's static_resources as static entries, and a dynamic part that stands in for what
// xds-server pushed: tests set it with `POST /stand-in/xds` (a body shaped like a /config_dump
// answer, e.g. `dynamic_listeners[].active_state.listener`). Each listener, static or dynamic, with
// a socket address answers HTTP on it, with its route's direct_response body when it has one.
'use strict';
const fs = require('node:fs');
const http = require('node:http');

const bootstrapPath = process.env.BOOTSTRAP_PATH || '/etc/envoy/envoy.json';
const bootstrap = JSON.parse(fs.readFileSync(bootstrapPath, 'utf8'));
const adminPort = Number(bootstrap.admin.address.socket_address.port_value);
const adminHost = bootstrap.admin.address.socket_address.address;
const nodeId = bootstrap.node.id;
const drainMs = Number(process.env.DRAIN_MS || 1000);
const startedAt = new Date().toISOString();
const statics = bootstrap.static_resources || {};
const ADMIN_TYPE = 'type.googleapis.com/envoy.admin.v3.';
let state = 'LIVE';
/** The dynamic part of /config_dump, by its @type (what "xds-server pushed"). */
let dynamic = {};
/** HTTP servers of the listeners, by port. */
const served = new Map();

const log = (message) => console.log(`${new Date().toISOString()} stand-in ${nodeId}: ${message}`);

const any = (type, resource) => ({ '@type': `type.googleapis.com/${type}`, ...resource });

function configDump() {
  const configs = [
    { '@type': `${ADMIN_TYPE}BootstrapConfigDump`, bootstrap, last_updated: startedAt },
    {
      '@type': `${ADMIN_TYPE}ClustersConfigDump`,
      static_clusters: (statics.clusters || []).map((cluster) => ({
        cluster: any('envoy.config.cluster.v3.Cluster', cluster),
        last_updated: startedAt,
      })),
    },
    { '@type': `${ADMIN_TYPE}EndpointsConfigDump` },
    {
      '@type': `${ADMIN_TYPE}ListenersConfigDump`,
      static_listeners: (statics.listeners || []).map((listener) => ({
        listener: any('envoy.config.listener.v3.Listener', listener),
        last_updated: startedAt,
      })),
    },
    { '@type': `${ADMIN_TYPE}RoutesConfigDump` },
    {
      '@type': `${ADMIN_TYPE}SecretsConfigDump`,
      static_secrets: (statics.secrets || []).map((secret) => ({
        name: secret.name,
        last_updated: startedAt,
        secret: any('envoy.extensions.transport_sockets.tls.v3.Secret', secret),
      })),
    },
  ];
  return { configs: configs.map((config) => ({ ...config, ...(dynamic[config['@type']] || {}) })) };
}

/** The body a listener answers with: its first route's direct_response, if it has one inline. */
function answerOf(listener) {
  const find = (value) => {
    if (!value || typeof value !== 'object') return undefined;
    const body = value.direct_response && value.direct_response.body;
    if (body && typeof body.inline_string === 'string') return body.inline_string;
    for (const item of Object.values(value)) {
      const found = find(item);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  // Over RDS the routes are a separate resource, pushed beside the listener.
  const rds = /"route_config_name":"([^"]*)"/.exec(JSON.stringify(listener));
  const routes = ((dynamic[`${ADMIN_TYPE}RoutesConfigDump`] || {}).dynamic_route_configs || [])
    .map((entry) => entry.route_config)
    .find((route) => rds && route && route.name === rds[1]);
  return find(listener) ?? find(routes) ?? `stand-in proxy ${nodeId} listener ${listener.name}\n`;
}

function serve(listener) {
  const address = listener.address && listener.address.socket_address;
  if (!address || served.has(address.port_value)) return;
  const server = http.createServer((req, res) => {
    res.writeHead(state === 'LIVE' ? 200 : 503, { 'content-type': 'text/plain' });
    res.end(answerOf(listener));
  });
  server.on('error', (error) => log(`listener ${listener.name}: ${error.message}`));
  server.listen(address.port_value, address.address, () =>
    log(`listener ${listener.name} on ${address.address}:${address.port_value}`),
  );
  served.set(address.port_value, server);
}

function readBody(req) {
  return new Promise((done, fail) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => done(body));
    req.on('error', fail);
  });
}

const admin = http.createServer(async (req, res) => {
  const path = (req.url || '').split('?')[0];
  if (path === '/ready') {
    res.writeHead(state === 'LIVE' ? 200 : 503, { 'content-type': 'text/plain' });
    return res.end(`${state}\n`);
  }
  if (path === '/healthcheck/fail' && req.method === 'POST') {
    state = 'DRAINING';
    log('health check failed by admin request');
    return res.end('OK\n');
  }
  if (path === '/server_info') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(
      JSON.stringify({ state, node: bootstrap.node, command_line_options: { drain_time: drainMs } }),
    );
  }
  if (path === '/config_dump') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify(configDump(), null, 2));
  }
  if (path === '/stand-in/xds' && req.method === 'POST') {
    try {
      const pushed = JSON.parse(await readBody(req));
      if (!bootstrap.dynamic_resources) throw new Error('no dynamic_resources: a static bootstrap');
      dynamic = Object.fromEntries(pushed.configs.map(({ '@type': type, ...rest }) => [type, rest]));
      for (const entry of (dynamic[`${ADMIN_TYPE}ListenersConfigDump`] || {}).dynamic_listeners || [])
        if (entry.active_state) serve(entry.active_state.listener);
      log('dynamic config set by the test');
      return res.end('OK\n');
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      return res.end(`${error.message}\n`);
    }
  }
  res.writeHead(404);
  res.end();
});

const listener = http.createServer((req, res) => {
  res.writeHead(state === 'LIVE' ? 200 : 503, { 'content-type': 'text/plain' });
  res.end(`stand-in proxy ${nodeId}\n`);
});

admin.listen(adminPort, adminHost, () => log(`admin on ${adminHost}:${adminPort}`));
listener.listen(adminPort + 1, adminHost, () => log(`listener on ${adminHost}:${adminPort + 1}`));
for (const staticListener of statics.listeners || []) serve(staticListener);

process.on('SIGTERM', () => {
  state = 'DRAINING';
  log(`SIGTERM: draining for ${drainMs} ms`);
  listener.close();
  for (const server of served.values()) server.close();
  setTimeout(() => {
    log('drained, exiting');
    process.exit(0);
  }, drainMs).unref();
});
