import type { INestApplicationContext, Type } from '@nestjs/common';
import type { Principal } from '@envoy-fleet/domain';
import { ClustersController } from '../clusters/clusters.controller';
import { ClustersService } from '../clusters/clusters.service';
import { ListenersController } from '../listeners/listeners.controller';
import { ListenersService } from '../listeners/listeners.service';
import { RouteConfigurationsController } from '../route-configurations/route-configurations.controller';
import { RouteConfigurationsService } from '../route-configurations/route-configurations.service';
import { SecretsController } from '../secrets/secrets.controller';
import { SecretsService } from '../secrets/secrets.service';
import type { DirectRead } from './cached-read.hook';

interface NamedObjectReader {
  get(principal: Principal, name: string): Promise<unknown>;
}

/**
 * The GETs answered before Nest's router on a cache miss (see serveCachedReads): one object of
 * the tenant's config by name, through the same service call as the controller's `get` handler,
 * which every role may call (direct-reads.spec.ts checks each controller still agrees).
 */
export const DIRECT_READS: { route: string; controller: Type; service: Type<NamedObjectReader> }[] = [
  { route: '/v1/clusters/:name', controller: ClustersController, service: ClustersService },
  { route: '/v1/listeners/:name', controller: ListenersController, service: ListenersService },
  {
    route: '/v1/route-configurations/:name',
    controller: RouteConfigurationsController,
    service: RouteConfigurationsService,
  },
  { route: '/v1/secrets/:name', controller: SecretsController, service: SecretsService },
];

/** DIRECT_READS by route, calling the app's services. */
export function directReads(app: INestApplicationContext): Map<string, DirectRead> {
  return new Map(
    DIRECT_READS.map(({ route, service }) => {
      const reader = app.get(service);
      const read: DirectRead = (principal, { name }) => reader.get(principal, name ?? '');
      return [route, read];
    }),
  );
}
