import type { ProxyStatusEvent } from '@envoy-fleet/messaging';
import { FleetProxies, summarize } from './fleet-proxies';

const event = (
  proxyId: string,
  state: ProxyStatusEvent['state'],
  at: number,
  type: ProxyStatusEvent['type'] = 'cluster',
): ProxyStatusEvent => ({
  tenantId: 't1',
  proxyId,
  nodeId: proxyId,
  type,
  state,
  version: 'v1',
  occurredAt: new Date(at).toISOString(),
});

describe(FleetProxies.name, () => {
  it('summarizes each proxy from the last state of each type', () => {
    const proxies = new FleetProxies();
    proxies.observe(event('a', 'ACKED', 1000));
    proxies.observe(event('b', 'PENDING', 1000));
    proxies.observe(event('c', 'PENDING', 9000));
    proxies.observe(event('d', 'ACKED', 1000));
    proxies.observe(event('d', 'NACKED', 1000, 'listener'));
    expect(proxies.count(10_000, 5000).get('t1')).toEqual({ synced: 1, syncing: 1, stale: 1, rejected: 1 });
  });

  it('ignores an event older than the one it holds, and forgets removed proxies', () => {
    const proxies = new FleetProxies();
    proxies.observe(event('a', 'ACKED', 2000));
    proxies.observe(event('a', 'NACKED', 1000));
    expect(proxies.count(2000, 5000).get('t1')?.synced).toBe(1);
    proxies.forget('a');
    expect(proxies.count(2000, 5000).size).toBe(0);
  });

  it('calls a proxy with nothing pending synced', () => {
    expect(summarize([], 0, 1)).toBe('synced');
  });
});
