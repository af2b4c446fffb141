/** envoy.extensions.filters.http.router.v3: the router http filter. */
export * from '../generated/envoy/extensions/filters/http/router/v3/router';
