import { Metadata, status } from '@grpc/grpc-js';
import { core, discovery, RESOURCE_TYPE_URLS } from '@envoy-fleet/envoy-api';
import { DomainError, type ResourceType } from '@envoy-fleet/domain';
import { Snapshot } from '../cache/snapshot';
import { SnapshotCache } from '../cache/snapshot-cache';
import { renderTenantConfig } from '../resources/envoy-resources';
import { clusterOf, endpointAt, greeterConfig } from '../test-fixtures';
import type { XdsCallbacks } from './callbacks';
import { toGrpcStatus } from './grpc-status';
import { SotwStream } from './sotw-stream';

const NODE = core.Node.fromPartial({ id: 'node-1' });

function request(
  type: ResourceType,
  extra: Partial<discovery.DiscoveryRequest> = {},
): discovery.DiscoveryRequest {
  return discovery.DiscoveryRequest.fromPartial({ typeUrl: RESOURCE_TYPE_URLS[type], ...extra });
}

/** A stream over a real cache, recording what it sends and what the callbacks hear. */
function harness(callbacks: XdsCallbacks = {}) {
  const cache = new SnapshotCache();
  const sent: discovery.DiscoveryResponse[] = [];
  const failures: unknown[] = [];
  const events: string[] = [];
  const stream = new SotwStream(
    { streamId: 1, kind: 'sotw', peer: 'test', metadata: new Metadata() },
    cache,
    {
      onAck: (_s, type, version) => events.push(`ack ${type} ${version}`),
      onNack: (_s, type, version, detail) => events.push(`nack ${type} ${version} ${detail}`),
      ...callbacks,
    },
    { send: (bytes) => sent.push(discovery.DiscoveryResponse.decode(bytes)), fail: (e) => failures.push(e) },
  );
  const receive = async (r: discovery.DiscoveryRequest) => {
    stream.receive(r);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { cache, sent, failures, events, stream, receive };
}

const withEndpointPort = (port: number) =>
  Snapshot.create(
    renderTenantConfig(greeterConfig({ clusters: [clusterOf('backend-a', [endpointAt(port)])] })),
  );

describe(SotwStream.name, () => {
  it('answers a first wildcard request even when the set is empty', async () => {
    const h = harness();
    h.cache.setSnapshot('node-1', Snapshot.create(renderTenantConfig(greeterConfig({ listeners: [] }))));
    await h.receive(request('listener', { node: NODE }));
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]).toMatchObject({ typeUrl: RESOURCE_TYPE_URLS.listener, resources: [], nonce: '1' });
  });

  it('"NACK signifies unsuccessful configuration and is indicated by the presence of the error_detail field": reports ACKs and NACKs, does not resend a rejected version, and sends the next one', async () => {
    const h = harness();
    h.cache.setSnapshot('node-1', withEndpointPort(1));
    await h.receive(request('endpoint', { node: NODE, resourceNames: ['backend-a'] }));
    const first = h.sent[0]!;
    await h.receive(
      request('endpoint', {
        resourceNames: ['backend-a'],
        versionInfo: first.versionInfo,
        responseNonce: first.nonce,
      }),
    );
    expect(h.events).toEqual([`ack endpoint ${first.versionInfo}`]);

    h.cache.setSnapshot('node-1', withEndpointPort(2));
    const second = h.sent[1]!;
    expect(second.nonce).not.toBe(first.nonce);
    await h.receive(
      request('endpoint', {
        resourceNames: ['backend-a'],
        versionInfo: first.versionInfo,
        responseNonce: second.nonce,
        errorDetail: { code: 3, message: 'bad port', details: [] },
      }),
    );
    expect(h.events[1]).toBe(`nack endpoint ${second.versionInfo} bad port`);
    expect(h.sent).toHaveLength(2);

    h.cache.setSnapshot('node-1', withEndpointPort(3));
    expect(h.sent).toHaveLength(3);
  });

  it('"The management server should not send a DiscoveryResponse for any DiscoveryRequest that has a stale nonce."', async () => {
    const h = harness();
    h.cache.setSnapshot('node-1', withEndpointPort(1));
    await h.receive(request('cluster', { node: NODE }));
    const first = h.sent[0]!;
    await h.receive(request('cluster', { versionInfo: first.versionInfo, responseNonce: first.nonce }));
    h.cache.setSnapshot(
      'node-1',
      Snapshot.create(
        renderTenantConfig(
          greeterConfig({ clusters: [clusterOf('backend-a', [endpointAt(1)], { lbPolicy: 'RING_HASH' })] }),
        ),
      ),
    );
    expect(h.sent).toHaveLength(2);
    // An answer to the first response arriving late must neither count as an ACK nor re-arm a watch.
    await h.receive(
      request('cluster', {
        versionInfo: first.versionInfo,
        responseNonce: first.nonce,
        errorDetail: { code: 3, message: 'late', details: [] },
      }),
    );
    expect(h.events).toEqual([`ack cluster ${first.versionInfo}`]);
    expect(h.cache.openWatchCount()).toBe(0);
  });

  it('"If the list of resource names becomes empty, that means that the client is no longer interested in any resources of the specified type." (RDS/EDS: never a wildcard)', async () => {
    const h = harness();
    h.cache.setSnapshot('node-1', withEndpointPort(1));
    await h.receive(request('route', { node: NODE }));
    expect(h.sent).toHaveLength(0);
    expect(h.cache.openWatchCount()).toBe(0);
    await h.receive(request('route', { resourceNames: ['greeter-routes'] }));
    const sent = h.sent[0]!;
    expect(sent.resources).toHaveLength(1);
    await h.receive(
      request('route', { responseNonce: sent.nonce, versionInfo: sent.versionInfo, resourceNames: [] }),
    );
    expect(h.cache.openWatchCount()).toBe(0);
  });

  it('"if one of those resources springs into existence later, the server must send an update to the client informing it of the new resource"', async () => {
    const h = harness();
    h.cache.setSnapshot('node-1', withEndpointPort(1));
    await h.receive(request('secret', { node: NODE, resourceNames: ['server-cert'] }));
    expect(h.sent).toHaveLength(0);
    h.cache.setSnapshot(
      'node-1',
      Snapshot.create(
        renderTenantConfig(
          greeterConfig({
            secrets: [{ name: 'server-cert', type: 'VALIDATION_CONTEXT', certificatePem: 'CA' }],
          }),
        ),
      ),
    );
    expect(h.sent.map((r) => r.resources.length)).toEqual([1]);
  });

  it('"Only the first request on a stream is guaranteed to carry the node identifier": fails the stream when the first request has none', async () => {
    const h = harness();
    await h.receive(request('listener'));
    expect(h.failures).toHaveLength(1);
    expect(toGrpcStatus(h.failures[0]).code).toBe(status.INVALID_ARGUMENT);
  });

  it('fails the stream with the status of the DomainError onStreamNode throws', async () => {
    const closed: unknown[] = [];
    const h = harness({
      onStreamNode: async () => {
        throw new DomainError('PERMISSION_DENIED', 'node not registered');
      },
      onStreamClosed: (_s, error) => closed.push(error),
    });
    h.cache.setSnapshot('node-1', withEndpointPort(1));
    await h.receive(request('listener', { node: NODE }));
    expect(h.sent).toHaveLength(0);
    expect(toGrpcStatus(h.failures[0])).toEqual({
      code: status.PERMISSION_DENIED,
      details: 'node not registered',
    });
    expect(closed).toHaveLength(1);
  });
});

describe(toGrpcStatus.name, () => {
  it('answers unknown errors as INTERNAL with an id, never their message', () => {
    const logged: string[] = [];
    const result = toGrpcStatus(new Error('db password is hunter2'), (id) => logged.push(id));
    expect(result.code).toBe(status.INTERNAL);
    expect(result.details).toBe(`internal error (id ${logged[0]})`);
  });
});
