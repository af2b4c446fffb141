/** envoy.extensions.upstreams.http.v3: upstream HTTP protocol options (HTTP/2 upstreams). */
export * from '../generated/envoy/extensions/upstreams/http/v3/http_protocol_options';
