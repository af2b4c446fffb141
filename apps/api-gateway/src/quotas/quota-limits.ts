import { ApiConfig } from '../api-config';

/** What a tenant's quotas limit: its objects of each kind, and its API requests per second. */
export const QUOTA_NAMES = [
  'proxies',
  'clusters',
  'listeners',
  'routeConfigurations',
  'secrets',
  'requestsPerSecond',
] as const;
export type QuotaName = (typeof QUOTA_NAMES)[number];

/** Every quota of a tenant, as it applies. */
export type QuotaLimits = Record<QuotaName, number>;

/** The quota that counts objects of an API kind, for the kinds that have one. */
export const OBJECT_QUOTA_OF_KIND: Readonly<Record<string, Exclude<QuotaName, 'requestsPerSecond'>>> = {
  proxy: 'proxies',
  cluster: 'clusters',
  listener: 'listeners',
  'route-configuration': 'routeConfigurations',
  secret: 'secrets',
};

/** Every tenant's quotas unless a platform admin set its own. */
export function defaultQuotas(config: ApiConfig): QuotaLimits {
  return {
    proxies: config.QUOTA_PROXIES,
    clusters: config.QUOTA_CLUSTERS,
    listeners: config.QUOTA_LISTENERS,
    routeConfigurations: config.QUOTA_ROUTE_CONFIGURATIONS,
    secrets: config.QUOTA_SECRETS,
    requestsPerSecond: config.QUOTA_REQUESTS_PER_SECOND,
  };
}

/** The tenant's overrides over the defaults; unknown names in the stored JSON are ignored. */
export function applyOverrides(defaults: QuotaLimits, overrides: Record<string, number>): QuotaLimits {
  const limits = { ...defaults };
  for (const name of QUOTA_NAMES) {
    const value = overrides[name];
    if (value !== undefined) limits[name] = value;
  }
  return limits;
}
