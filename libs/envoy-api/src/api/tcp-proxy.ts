/** envoy.extensions.filters.network.tcp_proxy.v3: the TCP proxy network filter. */
export * from '../generated/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy';
