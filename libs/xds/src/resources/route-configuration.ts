import { core, route as envoyRoute } from '@envoy-fleet/envoy-api';
import type {
  HeaderChanges,
  HeaderMatch,
  HeaderValue,
  QueryParameterMatch,
  RedirectCode,
  Route,
  RouteAction,
  RouteConfiguration,
} from '@envoy-fleet/domain';
import { durationFromMs } from './pack';

const REDIRECT_CODES: Record<RedirectCode, envoyRoute.RedirectAction_RedirectResponseCode> = {
  301: envoyRoute.RedirectAction_RedirectResponseCode.MOVED_PERMANENTLY,
  302: envoyRoute.RedirectAction_RedirectResponseCode.FOUND,
  303: envoyRoute.RedirectAction_RedirectResponseCode.SEE_OTHER,
  307: envoyRoute.RedirectAction_RedirectResponseCode.TEMPORARY_REDIRECT,
  308: envoyRoute.RedirectAction_RedirectResponseCode.PERMANENT_REDIRECT,
};

/** Renders a route configuration with its virtual hosts and routes, in declared order. */
export function renderRouteConfiguration(config: RouteConfiguration): envoyRoute.RouteConfiguration {
  return envoyRoute.RouteConfiguration.fromPartial({
    name: config.name,
    virtualHosts: config.virtualHosts.map((host) => ({
      name: host.name,
      domains: host.domains,
      routes: host.routes.map(renderRoute),
      ...headerChanges(host),
    })),
  });
}

function renderRoute(route: Route): envoyRoute.Route {
  const { match } = route;
  return envoyRoute.Route.fromPartial({
    name: route.name,
    match: {
      ...(match.path !== undefined
        ? { path: match.path }
        : match.regex !== undefined
          ? { safeRegex: { regex: match.regex } }
          : { prefix: match.prefix ?? '/' }),
      headers: (match.headers ?? []).map(renderHeaderMatch),
      queryParameters: (match.queryParameters ?? []).map(renderQueryParameterMatch),
      caseSensitive: match.caseSensitive,
    },
    route: route.action && renderAction(route.action),
    redirect: route.redirect && {
      schemeRedirect: route.redirect.scheme,
      hostRedirect: route.redirect.host ?? '',
      portRedirect: route.redirect.port ?? 0,
      pathRedirect: route.redirect.path,
      prefixRewrite: route.redirect.prefixRewrite,
      responseCode: REDIRECT_CODES[route.redirect.responseCode ?? 301],
      stripQuery: route.redirect.stripQuery ?? false,
    },
    directResponse: route.directResponse && {
      status: route.directResponse.status,
      body: route.directResponse.body === undefined ? undefined : { inlineString: route.directResponse.body },
    },
    ...headerChanges(route),
  });
}

function renderAction(action: RouteAction): envoyRoute.RouteAction {
  return envoyRoute.RouteAction.fromPartial({
    cluster: action.cluster,
    weightedClusters: action.weightedClusters && {
      clusters: action.weightedClusters.map(({ cluster, weight }) => ({ name: cluster, weight })),
    },
    timeout: action.timeoutMs === undefined ? undefined : durationFromMs(action.timeoutMs),
    retryPolicy: action.retryPolicy && {
      retryOn: action.retryPolicy.retryOn,
      numRetries: action.retryPolicy.numRetries,
      perTryTimeout:
        action.retryPolicy.perTryTimeoutMs === undefined
          ? undefined
          : durationFromMs(action.retryPolicy.perTryTimeoutMs),
    },
    prefixRewrite: action.prefixRewrite ?? '',
    regexRewrite: action.regexRewrite && {
      pattern: { regex: action.regexRewrite.pattern },
      substitution: action.regexRewrite.substitution,
    },
  });
}

function stringMatcher(condition: QueryParameterMatch) {
  if (condition.exact !== undefined) return { exact: condition.exact };
  if (condition.prefix !== undefined) return { prefix: condition.prefix };
  if (condition.regex !== undefined) return { safeRegex: { regex: condition.regex } };
  return undefined;
}

function renderHeaderMatch(header: HeaderMatch): envoyRoute.HeaderMatcher {
  return envoyRoute.HeaderMatcher.fromPartial({
    name: header.name,
    stringMatch: stringMatcher(header),
    presentMatch: header.present,
    invertMatch: header.invert ?? false,
  });
}

function renderQueryParameterMatch(param: QueryParameterMatch): envoyRoute.QueryParameterMatcher {
  return envoyRoute.QueryParameterMatcher.fromPartial({
    name: param.name,
    stringMatch: stringMatcher(param),
    presentMatch: param.present,
  });
}

function headerValueOption(header: HeaderValue): core.HeaderValueOption {
  return core.HeaderValueOption.fromPartial({
    header: { key: header.name, value: header.value },
    appendAction: header.append
      ? core.HeaderValueOption_HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD
      : core.HeaderValueOption_HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD,
  });
}

function headerChanges(changes: HeaderChanges) {
  return {
    requestHeadersToAdd: (changes.requestHeadersToAdd ?? []).map(headerValueOption),
    requestHeadersToRemove: changes.requestHeadersToRemove ?? [],
    responseHeadersToAdd: (changes.responseHeadersToAdd ?? []).map(headerValueOption),
    responseHeadersToRemove: changes.responseHeadersToRemove ?? [],
  };
}
