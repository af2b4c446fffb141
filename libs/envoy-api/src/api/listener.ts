/** envoy.config.listener.v3: listeners, API listeners, filter chains. */
export * from '../generated/envoy/config/listener/v3/listener';
export * from '../generated/envoy/config/listener/v3/api_listener';
export * from '../generated/envoy/config/listener/v3/listener_components';
