import { ApiClient } from './api-client';

/**
 * Declares `<prefix>-backend` and a listener `<prefix>-greeter` routing to it (through
 * `<prefix>-routes`), and registers a proxy as `nodeId`; answers the proxy's id.
 */
export async function declareTenant(
  owner: ApiClient,
  prefix: string,
  nodeId = `${prefix}-node`,
): Promise<string> {
  const writes = [
    () =>
      owner.post('/v1/clusters', {
        name: `${prefix}-backend`,
        endpoints: [{ address: '127.0.0.1', port: 9000 }],
      }),
    () =>
      owner.post('/v1/route-configurations', {
        name: `${prefix}-routes`,
        virtualHosts: [
          {
            name: 'all',
            domains: ['*'],
            routes: [{ match: { prefix: '/' }, action: { cluster: `${prefix}-backend` } }],
          },
        ],
      }),
    () => owner.post('/v1/listeners', { name: `${prefix}-greeter`, routeConfigName: `${prefix}-routes` }),
  ];
  for (const write of writes) expect((await write()).status).toBe(201);
  const proxy = await owner.post<{ id: string }>('/v1/proxies', { nodeId });
  expect(proxy.status).toBe(201);
  return proxy.body.id;
}
