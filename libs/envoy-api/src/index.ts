// Generated Envoy API types (ts-proto, see scripts/gen-proto.sh), grouped by proto package as
// namespaces because many message names repeat across packages (Listener, Cluster, Secret...).
export * as core from './api/core';
export * as listener from './api/listener';
export * as route from './api/route';
export * as cluster from './api/cluster';
export * as endpoint from './api/endpoint';
export * as tls from './api/tls';
export * as hcm from './api/hcm';
export * as tcpProxy from './api/tcp-proxy';
export * as router from './api/router';
export * as upstreamHttp from './api/upstream-http';
export * as discovery from './api/discovery';
export * as csds from './api/csds';
export * as metrics from './api/metrics';
export * as services from './api/services';
export * as protobuf from './api/protobuf';
export * as rpc from './api/rpc';
export * from './type-urls';
