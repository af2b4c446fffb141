import { renderTenantConfig } from '../resources/envoy-resources';
import { clusterOf, endpointAt, greeterConfig } from '../test-fixtures';
import { Snapshot } from './snapshot';
import { SnapshotCache } from './snapshot-cache';
import type { WatchRequest, WatchResponse } from './watcher';

const request = (extra: Partial<WatchRequest>): WatchRequest => ({
  key: 'node-1',
  type: 'cluster',
  wildcard: true,
  resourceNames: [],
  sentVersion: '',
  sentNames: new Set(),
  ...extra,
});

describe(SnapshotCache.name, () => {
  const base = Snapshot.create(renderTenantConfig(greeterConfig()));

  it('holds a watch until the node has a snapshot, then answers it once', () => {
    const cache = new SnapshotCache();
    const answers: WatchResponse[] = [];
    cache.createWatch(request({}), (r) => answers.push(r));
    expect(answers).toHaveLength(0);
    cache.setSnapshot('other-node', base);
    expect(answers).toHaveLength(0);
    cache.setSnapshot('node-1', base);
    expect(answers.map((a) => a.resourceNames)).toEqual([['backend-a']]);
    cache.setSnapshot(
      'node-1',
      Snapshot.create(
        renderTenantConfig(
          greeterConfig({ clusters: [clusterOf('backend-a', [], { lbPolicy: 'RING_HASH' })] }),
        ),
      ),
    );
    expect(answers).toHaveLength(1);
    expect(cache.openWatchCount()).toBe(0);
  });

  it('does not answer a watch whose version is current, until the version moves', () => {
    const cache = new SnapshotCache();
    cache.setSnapshot('node-1', base);
    const answers: WatchResponse[] = [];
    cache.createWatch(request({ sentVersion: base.resources('cluster').version }), (r) => answers.push(r));
    cache.setSnapshot('node-1', Snapshot.create(renderTenantConfig(greeterConfig({ version: 9 }))));
    expect(answers).toHaveLength(0);
    cache.setSnapshot(
      'node-1',
      Snapshot.create(
        renderTenantConfig(
          greeterConfig({ clusters: [clusterOf('backend-a', [endpointAt(1)], { connectTimeoutMs: 5 })] }),
        ),
      ),
    );
    expect(answers).toHaveLength(1);
  });

  it('sends a named resource when it appears, and a newly named existing one at once', () => {
    const cache = new SnapshotCache();
    cache.setSnapshot('node-1', base);
    const answers: WatchResponse[] = [];
    const named = { type: 'endpoint' as const, wildcard: false, resourceNames: ['backend-b'] };
    cache.createWatch(request(named), (r) => answers.push(r));
    expect(answers).toHaveLength(0);
    const withB = greeterConfig({
      clusters: [clusterOf('backend-a', [endpointAt(1)]), clusterOf('backend-b', [endpointAt(2)])],
    });
    cache.setSnapshot('node-1', Snapshot.create(renderTenantConfig(withB)));
    expect(answers.map((a) => a.resourceNames)).toEqual([['backend-b']]);
    const sent = answers[0]!;
    cache.createWatch(
      request({
        ...named,
        resourceNames: ['backend-b', 'backend-a'],
        sentVersion: sent.version,
        sentNames: new Set(sent.resourceNames),
      }),
      (r) => answers.push(r),
    );
    expect(answers[1]?.resourceNames).toEqual(['backend-a', 'backend-b']);
  });

  it('answers a named LDS watch with an empty list when the listener does not exist', () => {
    const cache = new SnapshotCache();
    cache.setSnapshot('node-1', base);
    const answers: WatchResponse[] = [];
    cache.createWatch(request({ type: 'listener', wildcard: false, resourceNames: ['missing'] }), (r) =>
      answers.push(r),
    );
    expect(answers.map((a) => a.resourceNames)).toEqual([[]]);
  });

  it('answers the open watches of a node, across its streams, clusters first, then endpoints, listeners, routes', () => {
    const cache = new SnapshotCache();
    const order: string[] = [];
    const watch = (type: 'listener' | 'route' | 'cluster' | 'endpoint', names: string[]) =>
      cache.createWatch(request({ type, wildcard: names.length === 0, resourceNames: names }), (r) =>
        order.push(r.type),
      );
    watch('route', ['greeter-routes']);
    watch('listener', []);
    cache.createDeltaWatch(
      {
        key: 'node-1',
        type: 'endpoint',
        wildcard: false,
        subscribed: new Set(['backend-a']),
        known: new Map(),
        mustRespond: false,
      },
      (r) => order.push(`delta ${r.type}`),
    );
    watch('cluster', []);
    cache.setSnapshot('node-1', base);
    expect(order).toEqual(['cluster', 'delta endpoint', 'listener', 'route']);
  });

  it('forgets a cancelled watch', () => {
    const cache = new SnapshotCache();
    const answers: WatchResponse[] = [];
    const cancel = cache.createWatch(request({}), (r) => answers.push(r));
    cancel();
    cancel();
    cache.setSnapshot('node-1', base);
    expect(answers).toHaveLength(0);
    expect(cache.openWatchCount('node-1')).toBe(0);
  });
});
