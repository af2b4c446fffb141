import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { ClusterServiceServer, ClusterServiceService } from './generated/fleet/v1/clusters';
import { ListenerServiceServer, ListenerServiceService } from './generated/fleet/v1/listeners';
import { Proxy, ProxyServiceServer, ProxyServiceService } from './generated/fleet/v1/proxies';
import {
  RouteConfigurationServiceServer,
  RouteConfigurationServiceService,
} from './generated/fleet/v1/route_configurations';
import { FieldNames } from './grpc-errors';
import { namedMessage, namedResourceHandlers } from './named-resource';
import { pathSegment, RestRelay } from './rest-relay';
import { asObject, etagOf, listBody, listFieldNames, listQuery, unary } from './unary';

/** A service definition with its implementation, ready for `Server.addService`. */
export interface FleetService {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

export function clusterService(relay: RestRelay): FleetService {
  const named = namedResourceHandlers(relay, '/v1/clusters');
  const implementation: ClusterServiceServer = {
    listClusters: named.list,
    getCluster: named.get,
    createCluster: named.create,
    replaceCluster: named.replace,
    replaceClusterEndpoints: unary(
      relay,
      (request) => ({
        method: 'PUT',
        url: `/v1/clusters/${pathSegment('name', request.name)}/endpoints`,
        body: { endpoints: request.endpoints },
      }),
      (response) => namedMessage(response.body, etagOf(response)),
      (field) => field,
    ),
    deleteCluster: named.remove,
  };
  return { definition: ClusterServiceService, implementation };
}

export function listenerService(relay: RestRelay): FleetService {
  const named = namedResourceHandlers(relay, '/v1/listeners');
  const implementation: ListenerServiceServer = {
    listListeners: named.list,
    getListener: named.get,
    createListener: named.create,
    replaceListener: named.replace,
    deleteListener: named.remove,
  };
  return { definition: ListenerServiceService, implementation };
}

export function routeConfigurationService(relay: RestRelay): FleetService {
  const named = namedResourceHandlers(relay, '/v1/route-configurations');
  const implementation: RouteConfigurationServiceServer = {
    listRouteConfigurations: named.list,
    getRouteConfiguration: named.get,
    createRouteConfiguration: named.create,
    replaceRouteConfiguration: named.replace,
    deleteRouteConfiguration: named.remove,
  };
  return { definition: RouteConfigurationServiceService, implementation };
}

/** REST's `nodeId` is the gRPC request's `node_id`. */
const proxyFieldNames: FieldNames = (field) => (field === 'nodeId' ? 'node_id' : field);

/** The message for a REST proxy: typed identity and labels, everything else as status. */
function proxyMessage(json: unknown, etagHeader = ''): Proxy {
  const { id, nodeId, labels, ...status } = asObject(json);
  return {
    id: typeof id === 'string' ? id : '',
    nodeId: typeof nodeId === 'string' ? nodeId : '',
    labels: Object.fromEntries(Object.entries(asObject(labels)).map(([key, value]) => [key, String(value)])),
    status,
    etag: etagHeader,
  };
}

export function proxyService(relay: RestRelay): FleetService {
  const item = (id: string) => `/v1/proxies/${pathSegment('id', id)}`;
  const implementation: ProxyServiceServer = {
    listProxies: unary(
      relay,
      (request) => ({
        method: 'GET',
        url: `/v1/proxies${listQuery(request.options, request.sync ? { sync: request.sync } : {})}`,
      }),
      (response) => {
        const { items, nextPageToken } = listBody(response.body);
        return { items: items.map((json) => proxyMessage(json)), nextPageToken };
      },
      listFieldNames,
    ),
    getProxy: unary(
      relay,
      (request) => ({ method: 'GET', url: item(request.id) }),
      (response) => proxyMessage(response.body, etagOf(response)),
      proxyFieldNames,
    ),
    createProxy: unary(
      relay,
      (request) => ({
        method: 'POST',
        url: '/v1/proxies',
        body: { nodeId: request.nodeId, labels: request.labels },
      }),
      (response) => proxyMessage(response.body, etagOf(response)),
      proxyFieldNames,
    ),
    deleteProxy: unary(
      relay,
      (request) => ({ method: 'DELETE', url: item(request.id) }),
      () => ({}),
      proxyFieldNames,
    ),
  };
  return { definition: ProxyServiceService, implementation };
}

/** Every service of `fleet.v1`. */
export function fleetServices(relay: RestRelay): FleetService[] {
  return [
    clusterService(relay),
    listenerService(relay),
    routeConfigurationService(relay),
    proxyService(relay),
  ];
}
