/** envoy.extensions.filters.network.http_connection_manager.v3: the HTTP connection manager. */
export * from '../generated/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager';
