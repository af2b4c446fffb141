import { HeaderChanges, RouteConfiguration } from '@envoy-fleet/domain';
import { HeaderChangesDto, RouteConfigurationSpecDto } from './dto/route-configuration.dto';

// The DTOs are whitelisted class instances of the domain shapes; a JSON round trip keeps exactly
// the fields that were sent (no undefined keys in what is stored and rendered).
function plain<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function headerChanges(dto: HeaderChangesDto): HeaderChanges {
  return plain<HeaderChanges>({
    requestHeadersToAdd: dto.requestHeadersToAdd,
    requestHeadersToRemove: dto.requestHeadersToRemove,
    responseHeadersToAdd: dto.responseHeadersToAdd,
    responseHeadersToRemove: dto.responseHeadersToRemove,
  });
}

/** Turns the request body into the domain shape, naming unnamed routes by position. */
export function toRouteConfiguration(name: string, dto: RouteConfigurationSpecDto): RouteConfiguration {
  return {
    name,
    virtualHosts: dto.virtualHosts.map((host) => ({
      name: host.name,
      domains: host.domains,
      ...headerChanges(host),
      routes: host.routes.map((route, index) => ({
        name: route.name ?? `${host.name}-${index}`,
        match: plain(route.match),
        ...(route.action !== undefined ? { action: plain(route.action) } : {}),
        ...(route.redirect !== undefined ? { redirect: plain(route.redirect) } : {}),
        ...(route.directResponse !== undefined ? { directResponse: plain(route.directResponse) } : {}),
        ...headerChanges(route),
      })),
    })),
  };
}
