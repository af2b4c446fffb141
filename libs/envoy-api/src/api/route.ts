/** envoy.config.route.v3: route configurations, virtual hosts, routes. */
export * from '../generated/envoy/config/route/v3/route';
export * from '../generated/envoy/config/route/v3/route_components';
