import {
  ClusterRepository,
  ListenerRepository,
  RouteConfigurationRepository,
  SecretRepository,
  TenantTx,
} from '@envoy-fleet/data-access';
import {
  clusterReferences,
  clusterSecretReferences,
  ConfigReference,
  describeReferrers,
  DomainError,
  FieldViolation,
  listenerReferences,
  Referrer,
  SecretType,
} from '@envoy-fleet/domain';
import { loadEnvoyProtos } from '@envoy-fleet/xds';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';

function summary(violations: FieldViolation[]): string {
  return violations.map((v) => `${v.field}: ${v.message}`).join('; ');
}

/** 400 for rules of the API's own shape that the DTOs cannot express. */
export function refuseInvalid(violations: FieldViolation[]): void {
  if (violations.length > 0) throw new DomainError('INVALID_ARGUMENT', summary(violations), violations);
}

// Where the API's names differ from Envoy's: durations carry `Ms`, a route's forwarding is
// `action`, matchers are flattened, a chain's TCP proxy is its one network filter. Anything else
// keeps Envoy's name, which the API mirrors.
const API_NAMES: [RegExp, string][] = [
  [
    /\.filters\[0\]\.typedConfig\.weightedClusters\.clusters\[(\d+)\]\.name$/,
    '.tcpProxy.weightedClusters[$1].cluster',
  ],
  [/\.filters\[0\]\.typedConfig\.weightedClusters\.clusters/, '.tcpProxy.weightedClusters'],
  [/\.filters\[0\]\.typedConfig\.(cluster|clusterSpecifier)$/, '.tcpProxy.cluster'],
  [/\.filters\[0\]\.typedConfig\.(statPrefix|idleTimeout|weightedClusters)$/, '.tcpProxy.$1'],
  [/\.route\.weightedClusters\.clusters/, '.action.weightedClusters'],
  [/\.route\./, '.action.'],
  [/\.route$/, '.action'],
  [/\.safeRegex\.regex$/, '.regex'],
  [/\.stringMatch\.(exact|prefix|safeRegex)(\.regex)?$/, '.$1'],
  [/\.stringMatch\.safeRegex$/, '.regex'],
  [/(^|\.)(timeout|interval|connectTimeout|perTryTimeout|baseEjectionTime|idleTimeout)$/, '$1$2Ms'],
];

/** The API field an Envoy field path comes from (best effort; unchanged where names agree). */
export function apiFieldOf(envoyField: string): string {
  return API_NAMES.reduce((field, [pattern, replacement]) => field.replace(pattern, replacement), envoyField);
}

/** 422 when the Envoy resource an object renders to breaks its proto's validate rules. */
export function refuseEnvoyViolations(resource: string, violations: FieldViolation[]): void {
  if (violations.length === 0) return;
  const named = violations.map((v) => ({
    field: apiFieldOf(v.field),
    message: `${v.message}; Envoy ${resource} field ${v.field}`,
  }));
  const detail = `Envoy would reject the rendered ${resource}: ${summary(named)}`;
  throw new DomainError('UNPROCESSABLE', detail, named);
}

/** 409 when an object is still used: deleting it would leave a dangling reference. */
export function refuseWhileReferenced(kind: string, name: string, referrers: Referrer[]): void {
  if (referrers.length === 0) return;
  const detail = `${kind.replace('-', ' ')} '${name}' is used by ${describeReferrers(referrers)}`;
  throw new DomainError('FAILED_PRECONDITION', detail);
}

// A TLS context takes a certificate (chain and key) or a validation context (CA) in each slot.
const SECRET_SLOT_TYPES: Record<string, SecretType> = {
  certificateSecret: 'TLS_CERTIFICATE',
  validationSecret: 'VALIDATION_CONTEXT',
};

/** Resolves the names config objects refer to, inside the write's transaction. */
@Injectable()
export class ConfigReferenceChecker implements OnApplicationBootstrap {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly routeConfigurations: RouteConfigurationRepository,
    private readonly secrets: SecretRepository,
    private readonly listeners: ListenerRepository,
  ) {}

  /** Envoy's protos are parsed at boot, so the first config write does not wait for them. */
  onApplicationBootstrap(): void {
    loadEnvoyProtos();
  }

  /** Every object that names `name` of `kind`: a delete must wait until none is left. */
  async referrersOf(
    tx: TenantTx,
    tenantId: string,
    kind: ConfigReference['kind'],
    name: string,
  ): Promise<Referrer[]> {
    const referrers: Referrer[] = [];
    const uses = (refs: ConfigReference[]) => refs.some((r) => r.kind === kind && r.name === name);
    if (kind === 'cluster') {
      for (const rc of await this.routeConfigurations.list(tx, tenantId)) {
        if (clusterReferences(rc).some((r) => r.cluster === name))
          referrers.push({ kind: 'route-configuration', name: rc.name });
      }
    }
    if (kind === 'secret') {
      for (const cluster of await this.clusters.list(tx, tenantId)) {
        if (uses(clusterSecretReferences(cluster))) referrers.push({ kind: 'cluster', name: cluster.name });
      }
    }
    for (const listener of await this.listeners.list(tx, tenantId)) {
      if (uses(listenerReferences(listener))) referrers.push({ kind: 'listener', name: listener.name });
    }
    return referrers;
  }

  /** 422 naming every field whose reference does not resolve (or names a secret of the wrong type). */
  async requireResolved(tx: TenantTx, tenantId: string, refs: ConfigReference[]): Promise<void> {
    if (refs.length === 0) return;
    const kinds = new Set(refs.map((r) => r.kind));
    const clusters = kinds.has('cluster')
      ? new Set((await this.clusters.list(tx, tenantId)).map((c) => c.name))
      : new Set<string>();
    const routes = kinds.has('route-configuration')
      ? new Set((await this.routeConfigurations.list(tx, tenantId)).map((r) => r.name))
      : new Set<string>();
    const secrets = kinds.has('secret')
      ? new Map((await this.secrets.list(tx, tenantId)).map((s) => [s.name, s.type]))
      : new Map<string, SecretType>();
    const violations: FieldViolation[] = [];
    for (const ref of refs) {
      const what = `${ref.kind.replace('-', ' ')} '${ref.name}'`;
      const known =
        ref.kind === 'cluster'
          ? clusters.has(ref.name)
          : ref.kind === 'secret'
            ? secrets.has(ref.name)
            : routes.has(ref.name);
      if (!known) {
        violations.push({ field: ref.field, message: `${what} does not exist` });
        continue;
      }
      const slot = ref.field.slice(ref.field.lastIndexOf('.') + 1);
      const wanted = ref.kind === 'secret' ? SECRET_SLOT_TYPES[slot] : undefined;
      if (wanted !== undefined && secrets.get(ref.name) !== wanted) {
        violations.push({
          field: ref.field,
          message: `${what} is a ${secrets.get(ref.name)}, not a ${wanted}`,
        });
      }
    }
    if (violations.length > 0) throw new DomainError('UNPROCESSABLE', summary(violations), violations);
  }
}
