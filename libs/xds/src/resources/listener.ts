import {
  hcm,
  HTTP_CONNECTION_MANAGER_FILTER_NAME,
  HTTP_CONNECTION_MANAGER_TYPE_URL,
  listener as envoyListener,
  router,
  ROUTER_FILTER_NAME,
  ROUTER_TYPE_URL,
} from '@envoy-fleet/envoy-api';
import type { Listener } from '@envoy-fleet/domain';
import { adsConfigSource } from './cluster';
import { packAny } from './pack';

/**
 * Renders a listener. Without a port it is an API listener, which is how gRPC clients resolve
 * `xds:///<name>`; with one it binds a socket whose single filter chain holds the same HCM.
 */
export function renderListener(listener: Listener): envoyListener.Listener {
  const connectionManager = packAny(
    HTTP_CONNECTION_MANAGER_TYPE_URL,
    hcm.HttpConnectionManager,
    renderConnectionManager(listener),
  );
  if (listener.port === undefined) {
    return envoyListener.Listener.fromPartial({
      name: listener.name,
      apiListener: { apiListener: connectionManager },
    });
  }
  return envoyListener.Listener.fromPartial({
    name: listener.name,
    address: {
      socketAddress: { address: listener.address ?? '0.0.0.0', portValue: listener.port },
    },
    filterChains: [
      { filters: [{ name: HTTP_CONNECTION_MANAGER_FILTER_NAME, typedConfig: connectionManager }] },
    ],
  });
}

function renderConnectionManager(listener: Listener): hcm.HttpConnectionManager {
  return hcm.HttpConnectionManager.fromPartial({
    statPrefix: listener.name,
    rds: { configSource: adsConfigSource(), routeConfigName: listener.routeConfigName },
    // The router must be the last http filter, or both Envoy and gRPC reject the listener.
    httpFilters: [
      {
        name: ROUTER_FILTER_NAME,
        typedConfig: packAny(ROUTER_TYPE_URL, router.Router, router.Router.fromPartial({})),
      },
    ],
  });
}
