/** Type URLs of the Envoy messages we serve or pack into `Any` fields. */

const PREFIX = 'type.googleapis.com/';

export const LISTENER_TYPE_URL = `${PREFIX}envoy.config.listener.v3.Listener`;
export const ROUTE_CONFIGURATION_TYPE_URL = `${PREFIX}envoy.config.route.v3.RouteConfiguration`;
export const CLUSTER_TYPE_URL = `${PREFIX}envoy.config.cluster.v3.Cluster`;
export const CLUSTER_LOAD_ASSIGNMENT_TYPE_URL = `${PREFIX}envoy.config.endpoint.v3.ClusterLoadAssignment`;
export const SECRET_TYPE_URL = `${PREFIX}envoy.extensions.transport_sockets.tls.v3.Secret`;

export const HTTP_CONNECTION_MANAGER_TYPE_URL = `${PREFIX}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`;
export const TCP_PROXY_TYPE_URL = `${PREFIX}envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`;
export const ROUTER_TYPE_URL = `${PREFIX}envoy.extensions.filters.http.router.v3.Router`;
export const HTTP_PROTOCOL_OPTIONS_TYPE_URL = `${PREFIX}envoy.extensions.upstreams.http.v3.HttpProtocolOptions`;

/** The served xDS types, keyed like the domain's `ResourceType`. */
export const RESOURCE_TYPE_URLS = {
  listener: LISTENER_TYPE_URL,
  route: ROUTE_CONFIGURATION_TYPE_URL,
  cluster: CLUSTER_TYPE_URL,
  endpoint: CLUSTER_LOAD_ASSIGNMENT_TYPE_URL,
  secret: SECRET_TYPE_URL,
} as const;

/** Filter names Envoy and gRPC clients expect for the well-known extensions. */
export const HTTP_CONNECTION_MANAGER_FILTER_NAME = 'envoy.filters.network.http_connection_manager';
export const TCP_PROXY_FILTER_NAME = 'envoy.filters.network.tcp_proxy';
export const ROUTER_FILTER_NAME = 'envoy.filters.http.router';
export const HTTP_PROTOCOL_OPTIONS_KEY = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
