import {
  hcm,
  HTTP_CONNECTION_MANAGER_FILTER_NAME,
  HTTP_CONNECTION_MANAGER_TYPE_URL,
  listener as envoyListener,
  router,
  ROUTER_FILTER_NAME,
  ROUTER_TYPE_URL,
  TCP_PROXY_FILTER_NAME,
  TCP_PROXY_TYPE_URL,
  tcpProxy as envoyTcpProxy,
} from '@envoy-fleet/envoy-api';
import type { FilterChain, Listener, TcpProxy } from '@envoy-fleet/domain';
import { adsConfigSource } from './cluster';
import { durationFromMs, packAny } from './pack';
import { downstreamTransportSocket } from './tls-context';

/** The TLS inspector reads SNI from the ClientHello; chains that match on server names need it. */
const TLS_INSPECTOR_NAME = 'envoy.filters.listener.tls_inspector';
const TLS_INSPECTOR_TYPE_URL =
  'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector';

/**
 * Renders a listener. Without a port it is an API listener, which is how gRPC clients resolve
 * `xds:///<name>`; with one it binds a socket whose filter chains each hold an HCM using RDS or
 * a TCP proxy.
 */
export function renderListener(listener: Listener): envoyListener.Listener {
  if (listener.port === undefined) {
    return envoyListener.Listener.fromPartial({
      name: listener.name,
      apiListener: { apiListener: connectionManager(listener.name, listener.routeConfigName ?? '') },
    });
  }
  const chains: FilterChain[] = listener.filterChains ?? [
    { routeConfigName: listener.routeConfigName ?? '' },
  ];
  const needsInspector = chains.some((chain) => chain.tls !== undefined || chain.serverNames?.length);
  return envoyListener.Listener.fromPartial({
    name: listener.name,
    address: {
      socketAddress: { address: listener.address ?? '0.0.0.0', portValue: listener.port },
    },
    listenerFilters: needsInspector
      ? [
          {
            name: TLS_INSPECTOR_NAME,
            typedConfig: { typeUrl: TLS_INSPECTOR_TYPE_URL, value: Buffer.alloc(0) },
          },
        ]
      : [],
    filterChains: chains.map((chain) => renderFilterChain(listener.name, chain)),
  });
}

function renderFilterChain(listenerName: string, chain: FilterChain): envoyListener.FilterChain {
  return envoyListener.FilterChain.fromPartial({
    filterChainMatch: chain.serverNames?.length ? { serverNames: chain.serverNames } : undefined,
    transportSocket: chain.tls && downstreamTransportSocket(chain.tls),
    filters: [
      chain.tcpProxy !== undefined
        ? { name: TCP_PROXY_FILTER_NAME, typedConfig: tcpProxyConfig(listenerName, chain.tcpProxy) }
        : {
            name: HTTP_CONNECTION_MANAGER_FILTER_NAME,
            typedConfig: connectionManager(listenerName, chain.routeConfigName ?? ''),
          },
    ],
  });
}

function tcpProxyConfig(listenerName: string, settings: TcpProxy) {
  const proxy = envoyTcpProxy.TcpProxy.fromPartial({
    statPrefix: settings.statPrefix ?? listenerName,
    cluster: settings.cluster,
    weightedClusters:
      settings.weightedClusters === undefined
        ? undefined
        : {
            clusters: settings.weightedClusters.map(({ cluster, weight }) => ({ name: cluster, weight })),
          },
    idleTimeout: settings.idleTimeoutMs === undefined ? undefined : durationFromMs(settings.idleTimeoutMs),
  });
  return packAny(TCP_PROXY_TYPE_URL, envoyTcpProxy.TcpProxy, proxy);
}

function connectionManager(statPrefix: string, routeConfigName: string) {
  const manager = hcm.HttpConnectionManager.fromPartial({
    statPrefix,
    rds: { configSource: adsConfigSource(), routeConfigName },
    // The router must be the last http filter, or both Envoy and gRPC reject the listener.
    httpFilters: [
      {
        name: ROUTER_FILTER_NAME,
        typedConfig: packAny(ROUTER_TYPE_URL, router.Router, router.Router.fromPartial({})),
      },
    ],
  });
  return packAny(HTTP_CONNECTION_MANAGER_TYPE_URL, hcm.HttpConnectionManager, manager);
}
